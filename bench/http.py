#!/usr/bin/env python3
"""The HTTP benchmark: `GET /get/<int:value>` of the seed's http_service under wrk, for Enoki (EnokiHTTP on
Hummingbird), for Python Nameko 2.14.1's same service, and for a bare Hummingbird server with the same route (the
ceiling), side by side in one run.

    bench/http.py [--rounds 3] [--seconds 5] [--connections 10 100]

Installs wrk (Debian's package) when it is missing, makes the Nameko venv (scripts/python-env.sh), builds
enoki-bench in release mode. In every round, in an order that turns, each server runs alone on 127.0.0.1 and wrk
drives it with 2 threads at each connection count; the table gives the median requests per second and latency
percentiles over the rounds, and the ratios; and the CPU time each server process used per request (user + system,
from /proc), since wrk shares the two cores with the server.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, build_swift, log, machine, start, stop  # noqa: E402

SERVERS = ("enoki", "nameko", "bare")
PORT = 18765


def in_venv():
    python = subprocess.run([os.path.join(ROOT, "scripts", "python-env.sh")], check=True, text=True,
                            stdout=subprocess.PIPE).stdout.strip()
    venv = os.path.dirname(os.path.dirname(python))
    if os.path.abspath(sys.prefix) != os.path.abspath(venv):
        os.execv(python, [python] + sys.argv)


def ensure_wrk():
    if subprocess.run(["sh", "-c", "command -v wrk"], stdout=subprocess.DEVNULL).returncode == 0:
        return
    log("installing wrk")
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(prefix + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(prefix + ["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def cpu_seconds(pid):
    """User + system CPU time of a process and its threads, in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def server_command(server, bin_dir, config):
    if server == "enoki":
        return [os.path.join(bin_dir, "enoki-bench"), "run", "http_service", "--config", config]
    if server == "bare":
        return [os.path.join(bin_dir, "enoki-bench"), "http-bare", str(PORT)]
    nameko = os.path.join(os.path.dirname(sys.executable), "nameko")
    return [nameko, "run", "http_get", "--config", config]


def wait_until_serving(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        done = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url], text=True,
                              stdout=subprocess.PIPE)
        if done.stdout.strip() == "200":
            return
        time.sleep(0.2)
    raise SystemExit(f"nothing serves {url}")


def parse_wrk(output):
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def latency(percent):
        match = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rate": rate, "p50": latency(50), "p99": latency(99), "requests": requests,
            "errors": int(errors.group(1)) if errors else 0}


def median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, nargs="*", default=[10, 100])
    args = parser.parse_args()
    in_venv()
    ensure_wrk()
    bin_dir = build_swift(["enoki-bench"])
    config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    config.write(f"AMQP_URI: 'amqp://guest:guest@127.0.0.1'\nWEB_SERVER_ADDRESS: '127.0.0.1:{PORT}'\n")
    config.close()
    url = f"http://127.0.0.1:{PORT}/get/42"
    results = {}
    for round_index in range(args.rounds):
        order = SERVERS[round_index % 3:] + SERVERS[:round_index % 3]
        for server in order:
            process = start(server_command(server, bin_dir, config.name), settle=0.5,
                            cwd=os.path.join(ROOT, "bench", "nameko"))
            try:
                wait_until_serving(url)
                for connections in args.connections:
                    # A short warm-up, then the measured run.
                    subprocess.run(["wrk", "-t2", f"-c{connections}", "-d1s", url], stdout=subprocess.DEVNULL)
                    before = cpu_seconds(process.pid)
                    done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{args.seconds}s", "--latency", url],
                                          text=True, stdout=subprocess.PIPE, timeout=args.seconds + 30)
                    used = cpu_seconds(process.pid) - before
                    figures = parse_wrk(done.stdout)
                    figures["cpu_us"] = used / max(figures["requests"], 1) * 1e6
                    results.setdefault((server, connections), []).append(figures)
                    log(f"round {round_index + 1} {server} c={connections}: {figures['rate']:.0f}/s "
                        f"p50 {figures['p50']:.2f} ms p99 {figures['p99']:.2f} ms, "
                        f"{figures['cpu_us']:.0f} µs CPU/request, {figures['errors']} errors")
            finally:
                stop(process)
    print(f"\nHTTP GET /get/42 under wrk -t2, {args.rounds} rounds of {args.seconds} s, medians ({machine()})\n")
    print("| server | connections | requests/s | p50 ms | p99 ms | server CPU µs/request |")
    print("|---|---|---|---|---|---|")
    for connections in args.connections:
        for server in SERVERS:
            rows = results.get((server, connections), [])
            print(f"| {server} | {connections} | {median([r['rate'] for r in rows]):,.0f} | "
                  f"{median([r['p50'] for r in rows]):.2f} | {median([r['p99'] for r in rows]):.2f} | "
                  f"{median([r['cpu_us'] for r in rows]):.0f} |")
    print()
    for connections in args.connections:
        rate = {s: median([r["rate"] for r in results.get((s, connections), [])]) for s in SERVERS}
        print(f"c={connections}: Enoki is {rate['enoki'] / rate['nameko']:.1f}× Nameko and "
              f"{100 * rate['enoki'] / rate['bare']:.0f}% of bare Hummingbird")


if __name__ == "__main__":
    main()
