#!/usr/bin/env bash
# Every test Atelier has, from a fresh Debian 12 machine: installs what is missing, checks
# formatting, lints and types, runs unit and integration tests, the keychain tests against a
# real Secret Service, the end-to-end tests in a real WebKit window under Xvfb, and installs
# the .deb, starts it and removes it again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "setup"
scripts/setup.sh

step "format, lint, types"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
npm run --silent check

step "front-end unit tests"
npx vitest run

step "core, stand-in and shell tests"
# The web view's types are written from the Rust ones by these tests (ts-rs); emptied first so
# a type that no longer exists shows as a deleted file below.
rm -f ui/src/bindings/*.ts
cargo test --workspace --locked

step "the web view's types and command table (commands.ts) match the Rust ones"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --short -- ui/src/bindings
  echo "ui/src/bindings differs from what the Rust types generate: commit the regenerated files" >&2
  exit 1
fi

# --workspace, as above, so these reuse that build (a -p build would unify features
# differently and compile everything again).
step "keychain tests against a real Secret Service"
scripts/with-keyring.sh cargo test --workspace --locked --lib secrets::keychain::tests -- --ignored
DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus \
  cargo test --workspace --locked --lib secrets::keychain::unavailable -- --ignored

# The stand-in binary the end-to-end tests start was built by `cargo test` above (its
# integration tests need it).
step "build the app"
npx tauri build --debug --no-bundle --ci
test -x target/debug/atelier-standin

step "end-to-end tests in a real window"
scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1400x1000x24" node --test --test-concurrency=1 tests/e2e/

step "the .deb installs, starts and uninstalls"
tests/install/deb.sh
