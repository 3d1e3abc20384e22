#!/usr/bin/env bash
# Overhead of the socket tracer's kernel side: wrk against nginx on loopback, alternating runs without and
# with the probe attached and drained (10 ms polls) by a trivial C consumer (drain.c). Needs root.
# Usage: bench/overhead/capture-only.sh [runs=3] [seconds=5]
# PXBPF_LIB_DIR=dir runs the consumer against another build of libpxbpf.so (e.g. a hook variant).
set -euo pipefail
runs=${1:-3}
secs=${2:-5}
port=${PORT:-18080}
here=$(cd "$(dirname "$0")" && pwd)
native=$here/../../PixieHost.Ebpf.Native
work=$(mktemp -d /tmp/pixie-overhead.XXXXXX)

make -s -C "$native"
gcc -O2 -I"$native/shim" -I"$native/probes" -include linux/types.h "$here/drain.c" -o "$work/drain" \
	-L"$native/out" -lpxbpf -Wl,-rpath,"$(cd "$native/out" && pwd)"

cat > "$work/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $work/nginx.pid; error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile off;
  client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;
  server { listen 127.0.0.1:$port; location / { return 200 "ok"; } }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; rm -rf "$work"' EXIT
sleep 0.5

# Prints "req/s cpu_us_per_request": CPU of wrk + nginx (+ drain when running) per request. CPU per request holds up
# better than req/s when other work shares the cores: BPF time is charged to the processes making the syscalls.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() {
	local before after out wrk_cpu extra=${1:-0}
	before=$(ticks $nginx_pid)
	out=$(/usr/bin/time -f "cpu %U %S" wrk -t1 -c10 -d"${secs}s" "http://127.0.0.1:$port/" 2>&1)
	after=$(ticks $nginx_pid)
	echo "$out" | awk -v ng=$((after - before)) -v extra="$extra" '
		/Requests\/sec/ {rps = $2}
		/^cpu / {cpu = $2 + $3}
		END {total = cpu + ng / 100 + extra; printf "%.0f req/s %.1f us/req", rps, total * 1e6 / (rps * '"$secs"')}'
}

for i in $(seq "$runs"); do
	base=$(measure)
	LD_LIBRARY_PATH=${PXBPF_LIB_DIR:-} "$work/drain" 3600 > "$work/drain.out" 2> "$work/drain.err" &
	drain_pid=$!
	until grep -q attached "$work/drain.err" 2>/dev/null; do sleep 0.05; done
	drain_before=$(ticks $drain_pid)
	sysctl -qw kernel.bpf_stats_enabled=1
	traced=$(measure)
	# Time inside the BPF programs per request (kernel.bpf_stats_enabled): robust to other load on the machine.
	reqs=$(( ${traced%% *} * secs ))
	progs=$(bpftool prog show | awk -v reqs=$reqs '/name px_/ {for (i = 1; i <= NF; i++) {if ($i == "run_time_ns") t += $(i+1); if ($i == "run_cnt") c += $(i+1)}}
		END {if (c) printf "bpf %.0f ns/run, %.1f runs/req, %.2f us/req", t / c, c / reqs, t / reqs / 1000}')
	sysctl -qw kernel.bpf_stats_enabled=0
	drain_cpu=$(( $(ticks $drain_pid) - drain_before ))
	kill -INT $drain_pid
	wait $drain_pid
	echo "run $i: baseline $base | traced $traced + drain $((drain_cpu * 10)) ms CPU | $(cat "$work/drain.out") | $progs"
done
