#!/usr/bin/env bash
# Overhead of the socket tracer's kernel side: wrk against nginx on loopback, alternating runs without and
# with the probe attached and drained (10 ms polls) by a trivial C consumer (drain.c). Needs root.
# Usage: bench/overhead/capture-only.sh [runs=3] [seconds=5]
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

rps() { wrk -t1 -c10 -d"${secs}s" "http://127.0.0.1:$port/" | awk '/Requests\/sec/ {print $2}'; }

for i in $(seq "$runs"); do
	base=$(rps)
	"$work/drain" $((secs + 2)) > "$work/drain.out" 2> "$work/drain.err" &
	drain_pid=$!
	until grep -q attached "$work/drain.err" 2>/dev/null; do sleep 0.05; done
	traced=$(rps)
	wait $drain_pid
	echo "run $i: baseline ${base} req/s | traced ${traced} req/s | $(cat "$work/drain.out")"
done
