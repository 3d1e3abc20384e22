#!/usr/bin/env bash
# Thread-CPU cost per syscall without and with the tracer attached (see syscall-cost.c). Needs root.
# Usage: bench/overhead/syscall-cost.sh [runs=3]; PXBPF_LIB_DIR=dir uses another build of libpxbpf.so.
set -euo pipefail
runs=${1:-3}
here=$(cd "$(dirname "$0")" && pwd)
native=$here/../../PixieHost.Ebpf.Native
work=$(mktemp -d /tmp/pixie-syscost.XXXXXX)
trap 'rm -rf "$work"' EXIT
make -s -C "$native"
gcc -O2 "$here/syscall-cost.c" -o "$work/syscall-cost"
gcc -O2 -I"$native/shim" -I"$native/probes" -include linux/types.h "$here/drain.c" -o "$work/drain" \
	-L"$native/out" -lpxbpf -Wl,-rpath,"$(cd "$native/out" && pwd)"
for i in $(seq "$runs"); do
	echo "run $i off:      $("$work/syscall-cost")"
	LD_LIBRARY_PATH=${PXBPF_LIB_DIR:-} "$work/drain" 3600 > "$work/drain.out" 2> "$work/drain.err" &
	drain_pid=$!
	until grep -q attached "$work/drain.err" 2>/dev/null; do sleep 0.05; done
	echo "run $i attached: $("$work/syscall-cost")"
	kill -INT $drain_pid
	wait $drain_pid
	echo "   drained: $(cat "$work/drain.out")"
done
