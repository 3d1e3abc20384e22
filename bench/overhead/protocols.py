#!/usr/bin/env python3
"""Overhead and completeness of pixie's protocol tracing with the databases' own load generators on loopback.

redis-benchmark (SET/GET, pipelined and not) against redis-server, and pgbench (select-only, simple protocol)
against PostgreSQL 15, each in rounds alternating without and with `pixie serve` (standalone, socket tracer on).
Per variant: median throughput, CPU microseconds per request (client + server processes + pixie, from
/proc/PID/stat and the client's rusage), and for traced rounds: ring-buffer drops and rows recorded / requests sent
(the server side's rows of that round: each traced round starts a fresh pixie, so its tables start empty).

Usage: protocols.py [--rounds 3] [--requests 20000] [--seconds 5] [--only redis|pgsql] [--out FILE]
Needs root (eBPF), redis-server/redis-benchmark and postgresql (./build/setup-host.sh installs them).
"""
import argparse, json, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from overhead import free_port, status  # noqa: E402


def cpu_ticks(pids):
    """utime + stime + cutime + cstime: PostgreSQL's per-connection backends are reaped by the postmaster, so their
    CPU lands in its children's times once they exit (pgbench closes its connections before the round ends)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total

PG_BIN = "/usr/lib/postgresql/15/bin"


def query(pixie_cmd, addr, script):
    with tempfile.NamedTemporaryFile("w", suffix=".pxl", delete=False) as f:
        f.write(script)
    out = subprocess.run(pixie_cmd + ["run", "-f", f.name, "-o", "json", "--addr", addr],
                         capture_output=True, text=True, timeout=120)
    os.unlink(f.name)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return [json.loads(l) for l in out.stdout.splitlines() if l.strip().startswith("{")]


def count(pixie_cmd, addr, table, where):
    rows = query(pixie_cmd, addr, "import px\n"
                 f"df = px.DataFrame(table='{table}', start_time='-30m')\n"
                 f"df = df[{where}]\n"
                 "df = df.agg(n=('latency', px.count))\n"
                 "px.display(df, 'rows')\n")
    return int(rows[0]["n"]) if rows else 0


class Redis:
    name = "redis"

    def __init__(self, work, a):
        self.port = free_port()
        self.a = a
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", work], stdout=subprocess.DEVNULL)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(self.port), "PING"], capture_output=True).stdout.strip() == b"PONG":
                break
            time.sleep(0.1)

    def server_pids(self):
        return [self.proc.pid]

    def load(self):
        # -P 1: one request per round trip (every request a syscall pair); the pipelined case is reported separately.
        p = subprocess.Popen(["redis-benchmark", "-h", "127.0.0.1", "-p", str(self.port), "-t", "set,get",
                              "-n", str(self.a.requests), "-c", "10", "-P", str(self.a.pipeline), "-q", "--csv"],
                             stdout=subprocess.PIPE, text=True)
        out = p.stdout.read()
        _, _, ru = os.wait4(p.pid, 0)
        rps = [float(m.group(1)) for m in re.finditer(r'^"(?:SET|GET)","([\d.]+)"', out, re.M)]
        return {"requests": 2 * self.a.requests, "rps": statistics.mean(rps) if rps else 0.0,
                "client_cpu_s": ru.ru_utime + ru.ru_stime}

    def rows(self, pixie_cmd, addr):
        return count(pixie_cmd, addr, "redis_events",
                     f"(df.trace_role == 2) & (df.local_port == {self.port}) & ((df.req_cmd == 'SET') | (df.req_cmd == 'GET'))")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Pgsql:
    name = "pgsql"

    def __init__(self, work, a):
        self.a = a
        self.port = free_port()
        self.data = os.path.join(work, "pg")
        os.makedirs(self.data)
        shutil.chown(work, "postgres")
        shutil.chown(self.data, "postgres")
        run = lambda *c: subprocess.run(["runuser", "-u", "postgres", "--", *c], check=True, capture_output=True)
        run(f"{PG_BIN}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        run(f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(work, "pg.log"), "-w", "-o",
            f"-p {self.port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        subprocess.run(["pgbench", "-i", "-s", "1", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "postgres"],
                       check=True, capture_output=True)
        self.postmaster = int(open(os.path.join(self.data, "postmaster.pid")).readline())

    def server_pids(self):
        return [self.postmaster]

    def load(self):
        p = subprocess.Popen(["pgbench", "-S", "-n", "-c", "4", "-T", str(self.a.seconds), "-h", "127.0.0.1",
                              "-p", str(self.port), "-U", "postgres", "postgres"], stdout=subprocess.PIPE, text=True)
        out = p.stdout.read()
        _, _, ru = os.wait4(p.pid, 0)
        n = int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))
        tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
        return {"requests": n, "rps": tps, "client_cpu_s": ru.ru_utime + ru.ru_stime}

    def rows(self, pixie_cmd, addr):
        return count(pixie_cmd, addr, "pgsql_events",
                     f"(df.trace_role == 2) & (df.local_port == {self.port}) & px.contains(df.req, 'pgbench_accounts')")

    def stop(self):
        subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
                       capture_output=True)


def start_pixie(pixie_cmd, qaddr, saddr):
    pixie = subprocess.Popen(pixie_cmd + ["serve", "--set", f"QueryBroker:Api:Address={qaddr}",
                                          "--set", f"Hosting:StatusAddress={saddr}"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line, deadline = "", time.time() + 60
    while "socket tracer attached" not in line and time.time() < deadline:
        line = pixie.stdout.readline()
    time.sleep(1)
    return pixie


def bench(target, a, pixie_cmd):
    results = {"baseline": [], "traced": []}
    for r in range(a.rounds):
        for variant in ("baseline", "traced"):
            pixie = None
            pids = target.server_pids()
            if variant == "traced":
                qaddr, saddr = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
                pixie = start_pixie(pixie_cmd, qaddr, saddr)
                pids.append(pixie.pid)
                before = status(saddr).get("socket_tracer", {})
            t0 = cpu_ticks(pids)
            entry = {"round": r, **target.load()}
            if pixie is not None:
                time.sleep(3)  # one push period plus parsing
            entry["server_cpu_s"] = (cpu_ticks(pids) - t0) / os.sysconf("SC_CLK_TCK")
            if pixie is not None:
                after = status(saddr).get("socket_tracer", {})
                entry["drops"] = after.get("drops", 0) - before.get("drops", 0)
                entry["events"] = after.get("events", 0) - before.get("events", 0)
                entry["rows"] = target.rows(pixie_cmd, qaddr)
                pixie.send_signal(signal.SIGINT)
                pixie.wait(timeout=30)
            results[variant].append(entry)
            print(json.dumps({target.name: {variant: entry}}), flush=True)
    summary = {}
    for variant, entries in results.items():
        cpu_us = [(e["server_cpu_s"] + e["client_cpu_s"]) * 1e6 / e["requests"] for e in entries]
        summary[variant] = {"median_rps": statistics.median(e["rps"] for e in entries),
                            "median_cpu_us_per_req": statistics.median(cpu_us)}
    t = results["traced"]
    summary["rps_ratio"] = summary["traced"]["median_rps"] / summary["baseline"]["median_rps"]
    summary["added_cpu_us_per_req"] = summary["traced"]["median_cpu_us_per_req"] - summary["baseline"]["median_cpu_us_per_req"]
    summary["drops"] = sum(e["drops"] for e in t)
    summary["rows_per_request"] = [round(e["rows"] / e["requests"], 4) for e in t]
    return {"rounds": results, "summary": summary}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=20000, help="redis-benchmark requests per command")
    ap.add_argument("--pipeline", type=int, default=1, help="redis-benchmark -P")
    ap.add_argument("--seconds", type=int, default=5, help="pgbench duration")
    ap.add_argument("--only", choices=["redis", "pgsql"])
    ap.add_argument("--pixie", default="PixieHost/bin/Release/net10.0/pixie.dll")
    ap.add_argument("--out", default="artifacts/bench/protocols.json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("protocols.py: run as root (the tracer needs eBPF privileges)")
    pixie_cmd = ["dotnet", a.pixie]
    out = {}
    for cls in (Redis, Pgsql):
        if a.only and a.only != cls.name:
            continue
        work = tempfile.mkdtemp(prefix=f"pixie-bench-{cls.name}-")
        target = cls(work, a)
        try:
            out[cls.name] = bench(target, a, pixie_cmd)
        finally:
            target.stop()
            shutil.rmtree(work, ignore_errors=True)
        print(json.dumps({cls.name: out[cls.name]["summary"]}, indent=2), flush=True)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
