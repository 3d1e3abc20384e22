#!/usr/bin/env bash
# One command for everything: prepares the host (Debian packages, tracefs), restores the local Cake tool
# and runs a target of build.cake. Examples:
#   ./build.sh                      # Build (native BPF objects + shim, then the .NET solution)
#   ./build.sh --target=Test        # all tests; the last line is "N passed, N failed"
#   ./build.sh --target=Run         # build and run standalone pixie
#   ./build.sh --target=Bench       # benchmarks (BenchmarkDotNet + the eBPF overhead harness)
# Set PIXIE_SKIP_SETUP=1 to skip the host preparation.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ "${PIXIE_SKIP_SETUP:-0}" != "1" ]; then
  ./build/setup-host.sh
fi

dotnet tool restore >/dev/null
rm -f artifacts/test-summary.txt
status=0
dotnet tool run dotnet-cake build.cake "$@" || status=$?
if [ -f artifacts/test-summary.txt ]; then
  # The test summary is the last line, after Cake's own task report.
  cat artifacts/test-summary.txt
fi
exit $status
