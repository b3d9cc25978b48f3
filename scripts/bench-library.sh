#!/usr/bin/env bash
# The library benchmark: seeds 5, 10,000 and 100,000 jobs with real files (through the core's
# own store) into throwaway data folders, opens the release app on each in a real window under
# Xvfb, and prints the five target figures side by side in one run. About 15 minutes on two
# cores, most of it the release build. Not part of the test command.
#   scripts/bench-library.sh              # 5, 10000 and 100000 jobs
#   ATELIER_BENCH_SIZES="5 2000" scripts/bench-library.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh
npx tauri build --no-bundle --ci
cargo build --release --locked -p atelier-core --example seed_history

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
sizes="${ATELIER_BENCH_SIZES:-5 10000 100000}"
for n in $sizes; do
  echo "==> seeding $n jobs"
  target/release/examples/seed_history "$root/$n/dev.atelier.app" "$n"
done

# shellcheck disable=SC2086 # the sizes are separate arguments
scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1400x1000x24" \
  node scripts/bench-library.mjs "$root" $sizes

echo
echo "==> the SQLite side (5 and 100,000 jobs, rows only)"
cargo bench --locked -p atelier-core --bench library
