#!/usr/bin/env bash
# Builds Atelier and opens it. Installs what is missing first (Debian 12).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh
npx tauri build --debug --no-bundle --ci
exec target/debug/atelier "$@"
