#!/usr/bin/env bash
# A/B of a monitoring benchmark on this machine: the working tree against another revision, runs
# alternating (the development VM's speed moves by 1.5x within hours, so only alternating pairs
# compare). Usage: bash bench/ab.sh <revision> <bench> <workspace or data dir> [pairs]
#   bash bench/ab.sh HEAD~3 optimize-referrals bench-data/referrals-10000000/ws 3
#   bash bench/ab.sh main monitor-loyalty bench-data/loyalty-1000000-10000000
#   bash bench/ab.sh main monitor-personalization bench-data/personalization-10000000-1000000
# Generate the data first with the benchmark itself (npm run bench <name>). Prints one line per
# run: which code, wall seconds, CPU seconds of the command (the child from source, as the bench's
# own first figure).
set -euo pipefail
rev=$1 bench=$2 data=$(realpath "$3") pairs=${4:-2}
here=$(cd "$(dirname "$0")/.." && pwd)
wt=$(mktemp -d /tmp/gtm-ab-XXXXXX)
trap 'git -C "$here" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"' EXIT
git -C "$here" worktree add --detach "$wt" "$rev" >/dev/null 2>&1
ln -s "$here/node_modules" "$wt/node_modules"
run() {
  (cd "$1" && node --import tsx "bench/$bench.ts" --run "$data" 2>/dev/null | tail -1) | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const r = JSON.parse(s);
      const cpu = r.run_cpu_s ?? (r.cpu_ms !== undefined ? r.cpu_ms / 1000 : (r.user_ms + r.system_ms) / 1000);
      console.log(`${process.argv[1]} wall ${(r.wall_ms / 1000).toFixed(2)} s, CPU ${cpu.toFixed(2)} s`);
    });' "$2"
}
for i in $(seq "$pairs"); do
  run "$wt" "$rev"
  run "$here" "working tree"
done
