#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a throwaway, unlocked GNOME Keyring, so
# tests use the real Secret Service without touching anyone's own keychain.
#   scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
if [ -z "${ATELIER_IN_KEYRING:-}" ]; then
  exec dbus-run-session -- env ATELIER_IN_KEYRING=1 "$0" "$@"
fi
# Cargo and rustup find their homes through HOME: pin them before HOME changes.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
HOME="$(mktemp -d)"
export HOME
# The daemon forks and keeps running: its output goes to a file so it cannot hold the
# caller's pipes (CI waits on them) open.
printf 'atelier-test' | gnome-keyring-daemon --unlock --components=secrets >"$HOME/keyring.log" 2>&1
# The daemon leaves with the private bus when dbus-run-session ends.
exec "$@"
