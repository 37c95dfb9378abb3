#!/usr/bin/env bash
# Runs every test: unit tests, gRPC interop against python3-grpcio and Node's grpc-js, and the
# integration suite on real processes. Prints one closing line "tests: N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh || exit 1
./ckptfs --help >/dev/null || exit 1   # builds the Release CLI the integration tests run
if ! output="$(dotnet build CkptFS.sln -c Debug --nologo -v q -clp:ErrorsOnly 2>&1)"; then
  printf '%s\n' "$output"
  exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# A test that hangs is killed after 10 minutes and reported by name (the rest of its assembly does
# not run); no hang can hold CI past its limit.
dotnet test CkptFS.sln -c Debug --no-build --nologo -v q --logger "console;verbosity=minimal" \
  --blame-hang-timeout 10m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ...").
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- +Failed:' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [[ $status -eq 0 && $passed -eq 0 ]]; then
  echo "no test ran" >&2
  exit 1
fi
exit $status
