#!/usr/bin/env bash
# Installs everything Atelier needs to build and test on Debian 12. Idempotent: each step
# checks before it installs, so running it again costs seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev pkg-config
  build-essential curl file xvfb xdotool webkit2gtk-driver gnome-keyring dbus-x11
  libsecret-tools libdbus-1-dev xauth desktop-file-utils
  # exiftool: the independent reader the export tests check embedded prompts with; unzip
  # opens the archive the end-to-end test exports; xclip reads what Copy put on the clipboard;
  # sqlite3 lets the midjourney-proxy test read a job's task id from the app's history.
  libimage-exiftool-perl unzip xclip sqlite3
  # The emoji midjourney-proxy labels its buttons with, in the end-to-end screenshots (the .deb
  # recommends it).
  fonts-noto-color-emoji
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust from your distribution or rustup first" >&2
  exit 1
fi

if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "==> cargo: installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm: installing front-end packages"
  # `npm install` follows package-lock.json as `npm ci` would; npm 11's `ci` rejects a lock
  # that (correctly) lists only this platform's optional native packages.
  npm install --no-audit --no-fund --loglevel=error
fi
