#!/usr/bin/env bash
# Installs Atelier's Debian package on this machine and removes it again: makes the .deb from
# the debug build that scripts/test.sh has just made (`npx tauri build --debug --no-bundle`,
# nothing is compiled again), installs it with apt, checks the files and metadata it installed,
# starts /usr/bin/atelier under Xvfb in a private D-Bus session with throwaway data folders
# until its window maps, then removes the package. Uses sudo for apt when not run as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok: $*"; }

# Seconds the window has to map in.
WINDOW_TIMEOUT="${ATELIER_WINDOW_TIMEOUT:-30}"

[ -x target/debug/atelier ] ||
  fail "target/debug/atelier is missing: build it first (npx tauri build --debug --no-bundle --ci)"
if dpkg-query -W -f='${Status}' atelier 2>/dev/null | grep -q 'ok installed'; then
  fail "a package named atelier is already installed; this test would replace and remove it" \
    "(remove it first: ${SUDO:+$SUDO }apt-get remove atelier)"
fi

tmp="$(mktemp -d)"
chmod 755 "$tmp" # apt reads the .deb from here as its _apt user
installed=""
cleanup() {
  local rc=$?
  if [ -s "$tmp/app.pid" ]; then
    kill "$(cat "$tmp/app.pid")" 2>/dev/null || true
  fi
  if [ -n "$installed" ] &&
    dpkg-query -W -f='${Status}' atelier 2>/dev/null | grep -q 'ok installed'; then
    echo "==> removing the package (cleaning up)"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq atelier >/dev/null || rc=1
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT

echo "==> making the .deb from target/debug/atelier"
rm -rf target/debug/bundle/deb
# `tauri bundle` packs the binary as it is (it only stamps the bundle type into it).
npx tauri bundle --debug --bundles deb --ci 2>&1 | tee "$tmp/bundle.log"
! grep -q 'Compiling ' "$tmp/bundle.log" || fail "bundling compiled the app again"
debs=(target/debug/bundle/deb/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one .deb in target/debug/bundle/deb"
cp "${debs[0]}" "$tmp/"
deb="$tmp/$(basename "${debs[0]}")"
chmod 644 "$deb"
ok "$(basename "$deb") ($(du -h "$deb" | cut -f1))"

echo "==> installing it"
installed=1
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null ||
  fail "apt-get install $deb failed"

[ -f /usr/bin/atelier ] && [ -x /usr/bin/atelier ] ||
  fail "/usr/bin/atelier is missing or not executable"
ok "/usr/bin/atelier is installed"

dpkg -s atelier
field() { dpkg-query -W -f="\${$1}" atelier; }
expect() { # FIELD WHAT GREP-PATTERN
  grep -qE -- "$3" <<<"$(field "$1")" || fail "dpkg -s: $1 should have $2, has: $(field "$1")"
  ok "$1 has $2"
}
expect Maintainer "the team's address" '^The Atelier team <team@atelier\.dev>$'
expect Homepage "the web site" '^https://atelier\.dev$'
expect Section "graphics" '^graphics$'
expect Depends "WebKitGTK" '(^|, )libwebkit2gtk-4\.1-0( |,|$)'
expect Depends "a Secret Service provider" \
  '(^|, )gnome-keyring \| libkf5wallet-bin \(>= 5\.97\) \| keepassxc(,|$)'
# midjourney-proxy's buttons are labelled with emoji (🔄, 🖌️, ⬅️): without a colour emoji font
# WebKitGTK draws them as empty boxes.
expect Recommends "an emoji font" '(^|, )fonts-noto-color-emoji(,|$)'
expect Description "a summary" '^A desktop studio for Midjourney images$'
expect Description "a long description" '^ [^ ]'

mapfile -t entries < <(dpkg -L atelier | grep -E '^/usr/share/applications/[^/]+\.desktop$' || true)
[ ${#entries[@]} -eq 1 ] || fail "expected one desktop entry in the package, found ${#entries[@]}"
entry="${entries[0]}"
validation="$(desktop-file-validate "$entry" 2>&1)" ||
  fail "desktop-file-validate $entry: $validation"
[ -z "$validation" ] || echo "$validation"
ok "$entry passes desktop-file-validate"
grep -qx 'Exec=atelier' "$entry" || fail "$entry should start atelier: $(grep '^Exec=' "$entry")"
grep -qE '^Categories=(.*;)?Graphics;' "$entry" ||
  fail "$entry is not in the Graphics menu: $(grep '^Categories=' "$entry")"
icon="$(sed -n 's/^Icon=//p' "$entry")"
dpkg -L atelier | grep -qE "^/usr/share/icons/hicolor/[^/]+/apps/$icon\.png$" ||
  fail "the entry's icon $icon is not in the package"
ok "the menu entry starts atelier, sits under Graphics and has its icon"

echo "==> starting /usr/bin/atelier under Xvfb"
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache"
# Runs on the private display and bus: starts the app, waits for its window to map, checks it
# is still running a moment later, and stops it. Says why on stdout and fails otherwise.
launch() {
  /usr/bin/atelier >"$tmp/app.log" 2>&1 &
  local app=$! mapped="" i rc
  echo "$app" >"$tmp/app.pid"
  for ((i = 0; i < WINDOW_TIMEOUT * 2; i++)); do
    if ! kill -0 "$app" 2>/dev/null; then
      wait "$app" && rc=0 || rc=$?
      echo "the app exited (status $rc) before its window mapped"
      : >"$tmp/app.pid"
      return 1
    fi
    if xdotool search --onlyvisible --name '^Atelier' >/dev/null 2>&1; then
      mapped=1
      break
    fi
    sleep 0.5
  done
  if [ -z "$mapped" ]; then
    echo "no visible window named Atelier after ${WINDOW_TIMEOUT}s"
    kill "$app"
    wait "$app" 2>/dev/null
    : >"$tmp/app.pid"
    return 1
  fi
  sleep 2
  if ! kill -0 "$app" 2>/dev/null; then
    echo "the app exited right after its window mapped"
    : >"$tmp/app.pid"
    return 1
  fi
  echo "window mapped: $(xdotool search --onlyvisible --name '^Atelier' getwindowname | head -1)"
  kill "$app"
  wait "$app" 2>/dev/null
  : >"$tmp/app.pid"
}
export tmp WINDOW_TIMEOUT
# On X11 even when the caller's session is Wayland, so the window opens on Xvfb.
if ! env -u WAYLAND_DISPLAY GDK_BACKEND=x11 HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" \
  XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" dbus-run-session -- \
  xvfb-run -a -s "-screen 0 1400x1000x24" bash -c "$(declare -f launch); launch" \
  >"$tmp/launch.log" 2>&1; then
  cat "$tmp/launch.log" >&2
  echo "--- the app's output:" >&2
  cat "$tmp/app.log" >&2 || true
  fail "/usr/bin/atelier did not show its window"
fi
cat "$tmp/launch.log"
if grep -qE 'X Error|Gdk-ERROR|Gtk-ERROR|Gdk-CRITICAL|Gtk-CRITICAL|panicked' "$tmp/app.log"; then
  echo "--- the app's output:" >&2
  cat "$tmp/app.log" >&2
  fail "/usr/bin/atelier reported errors"
fi
[ -f "$tmp/data/dev.atelier.app/history.sqlite3" ] ||
  fail "the app did not open its library in the throwaway data folder"
ok "the window mapped and the library opened in the throwaway data folder"

echo "==> removing the package"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq atelier >/dev/null ||
  fail "apt-get remove atelier failed"
installed=""
[ ! -e /usr/bin/atelier ] || fail "/usr/bin/atelier is still there after removing the package"
[ ! -e "$entry" ] || fail "$entry is still there after removing the package"
ok "removed: /usr/bin/atelier and the menu entry are gone"
