#!/usr/bin/env python3
"""Overhead of pixie's HTTP tracing on a loopback nginx, measured with wrk.

Alternates rounds without and with `pixie serve` (standalone, socket tracer on) and reports, per variant:
median req/s, CPU microseconds per request (wrk + nginx + pixie, from /proc/PID/stat utime+stime),
and for traced rounds: events/s, ring-buffer drops, and whether every request became an http_events row
(each round uses its own request path and counts the rows for it with `pixie run`).

Usage: overhead.py [--rounds 5] [--seconds 5] [--connections 10] [--pixie DLL] [--out results.json]
Needs root (eBPF), nginx and wrk (./build/setup-host.sh installs both).
"""
import argparse, json, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total


def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid == pid:
                    out.append(int(p))
            except (FileNotFoundError, IndexError):
                pass
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(workdir, port):
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile off;
  client_body_temp_path {workdir};
  proxy_temp_path {workdir};
  fastcgi_temp_path {workdir};
  uwsgi_temp_path {workdir};
  scgi_temp_path {workdir};
  server {{
    listen 127.0.0.1:{port};
    location / {{ return 200 "ok\\n"; }}
  }}
}}
""")
    subprocess.run(["nginx", "-c", conf, "-p", workdir], check=True)
    for _ in range(50):
        if os.path.exists(f"{workdir}/nginx.pid"):
            break
        time.sleep(0.1)
    master = int(open(f"{workdir}/nginx.pid").read())
    return master, [master] + children(master)


def wrk(port, seconds, conns, path):
    p = subprocess.Popen(["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
                         stdout=subprocess.PIPE, text=True)
    return p


def parse_wrk(text):
    total = int(re.search(r"(\d+) requests in", text).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    return total, rps


def status(addr):
    with urllib.request.urlopen(f"http://{addr}/statusz", timeout=5) as r:
        return json.load(r)


def count_rows(pixie_cmd, addr, path):
    script = ("import px\n"
              "df = px.DataFrame(table='http_events', start_time='-10m')\n"
              f"df = df[df.req_path == '{path}']\n"
              "df = df.agg(n=('latency', px.count))\n"
              "px.display(df, 'rows')\n")
    with tempfile.NamedTemporaryFile("w", suffix=".pxl", delete=False) as f:
        f.write(script)
    out = subprocess.run(pixie_cmd + ["run", "-f", f.name, "-o", "json", "--addr", addr],
                         capture_output=True, text=True, timeout=60)
    os.unlink(f.name)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    rows = [json.loads(l) for l in out.stdout.splitlines() if l.strip().startswith("{")]
    return int(rows[0]["n"]) if rows else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=10)
    ap.add_argument("--pixie", default="PixieHost/bin/Release/net10.0/pixie.dll")
    ap.add_argument("--out", default="artifacts/bench/overhead.json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("overhead.py: run as root (the tracer needs eBPF privileges)")
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            sys.exit(f"overhead.py: {tool} is missing; run ./build/setup-host.sh")
    pixie_cmd = ["dotnet", a.pixie]
    work = tempfile.mkdtemp(prefix="pixie-overhead-")
    port = free_port()
    master, nginx_pids = start_nginx(work, port)
    qport, sport = free_port(), free_port()
    qaddr, saddr = f"127.0.0.1:{qport}", f"127.0.0.1:{sport}"
    results = {"baseline": [], "traced": []}
    try:
        for r in range(a.rounds):
            for variant in ("baseline", "traced"):
                pixie = None
                pids = list(nginx_pids)
                if variant == "traced":
                    pixie = subprocess.Popen(pixie_cmd + ["serve", "--set", f"QueryBroker:Api:Address={qaddr}",
                                                          "--set", f"Hosting:StatusAddress={saddr}"],
                                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                    line = ""
                    deadline = time.time() + 60
                    while "Press Ctrl+C" not in line and time.time() < deadline:
                        line = pixie.stdout.readline()
                    time.sleep(1)
                    pids.append(pixie.pid)
                    before = status(saddr).get("socket_tracer", {})
                path = f"/bench-{r}-{variant}"
                w = wrk(port, a.seconds, a.connections, path)
                t0 = cpu_ticks(pids)
                out = w.stdout.read()
                _, _, ru = os.wait4(w.pid, 0)  # rusage of wrk alone
                total, rps = parse_wrk(out)
                entry = {"round": r, "requests": total, "rps": rps, "wrk_cpu_s": ru.ru_utime + ru.ru_stime}
                if pixie is not None:
                    time.sleep(2.5)  # one push period plus parsing, so every request had its chance to become a row
                t1 = cpu_ticks(pids)
                if pixie is not None:
                    after = status(saddr).get("socket_tracer", {})
                    entry["events"] = after.get("events", 0) - before.get("events", 0)
                    entry["drops"] = after.get("drops", 0) - before.get("drops", 0)
                    entry["rows"] = count_rows(pixie_cmd, qaddr, path)
                    pixie.send_signal(signal.SIGINT)
                    pixie.wait(timeout=30)
                entry["cpu_s_servers"] = (t1 - t0) / CLK_TCK
                results[variant].append(entry)
                print(json.dumps({variant: entry}), flush=True)
    finally:
        subprocess.run(["nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work, "-s", "stop"])
    summary = {}
    for variant, entries in results.items():
        cpu_us = [(e["cpu_s_servers"] + e["wrk_cpu_s"]) * 1e6 / e["requests"] for e in entries]
        summary[variant] = {"median_rps": statistics.median(e["rps"] for e in entries),
                            "median_cpu_us_per_req": statistics.median(cpu_us)}
        if variant == "traced":
            summary[variant]["median_events_per_s"] = statistics.median(e["events"] / a.seconds for e in entries)
            summary[variant]["drops"] = sum(e["drops"] for e in entries)
            summary[variant]["rows_vs_requests"] = [(e["rows"], e["requests"]) for e in entries]
    summary["rps_ratio"] = summary["traced"]["median_rps"] / summary["baseline"]["median_rps"]
    summary["added_cpu_us_per_req"] = summary["traced"]["median_cpu_us_per_req"] - summary["baseline"]["median_cpu_us_per_req"]
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump({"rounds": results, "summary": summary}, f, indent=2)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
