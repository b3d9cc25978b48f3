#!/usr/bin/env bash
# Builds the release app and its Debian package, then prints the package's path. Installs what
# is missing first (Debian 12). Install the result with `sudo apt install ./<path>`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh
# Only the .deb: the AppImage bundler downloads its tools at build time (see README).
npx tauri build --bundles deb --ci
version="$(node -p 'require("./tauri.conf.json").version')"
deb="target/release/bundle/deb/Atelier_${version}_$(dpkg --print-architecture).deb"
if [ ! -f "$deb" ]; then
  echo "the build finished but $deb is missing" >&2
  exit 1
fi
echo "$deb"
