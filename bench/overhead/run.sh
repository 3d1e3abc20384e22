#!/usr/bin/env bash
# eBPF overhead harness: wrk against loopback nginx, alternating rounds without and with pixie tracing.
# Results go to artifacts/bench/overhead.json; see BENCHMARKS.md for how to read them.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 bench/overhead/overhead.py "$@"
