#!/usr/bin/env bash
# Prepares a Debian host for building, testing and running pixie (as root):
# installs the Debian packages it needs and mounts tracefs. Safe to run again; does only what is missing.
set -euo pipefail

packages=(
  clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool make gcc   # BPF objects and the native shim
  libbpf1 libelf1 zlib1g                                          # run time
  nginx wrk curl python3                                          # test servers, clients and the overhead bench
  postgresql postgresql-contrib mariadb-server mariadb-client     # protocol tests: real database servers and clients
  redis-server redis-tools dnsmasq-base bind9-dnsutils openssl    # Redis, DNS (dnsmasq + dig), TLS certificates
  chromium                                                        # Live UI browser tests (Playwright drives it)
)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-host: run as root (apt-get and mount need it): sudo $0" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-host: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# libbpf finds syscall tracepoint ids in tracefs.
if ! mountpoint -q /sys/kernel/tracing; then
  mount -t tracefs nodev /sys/kernel/tracing
  echo "setup-host: mounted tracefs at /sys/kernel/tracing"
fi

if [ ! -r /sys/kernel/btf/vmlinux ]; then
  echo "setup-host: warning: /sys/kernel/btf/vmlinux is missing; the eBPF tracer needs a kernel built with CONFIG_DEBUG_INFO_BTF=y" >&2
fi

command -v dotnet >/dev/null || { echo "setup-host: the .NET 10 SDK (dotnet) is not on PATH; install it first" >&2; exit 1; }
