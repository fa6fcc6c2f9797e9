#!/usr/bin/env python3
"""Two builds of the framework side by side: each build's `echo` service driven by the same build's Swift client.

    bench/ab.py A_BIN_DIR B_BIN_DIR [--rounds 4] [--seconds 3] [--in-flight 10 100] [--observe-b]

Each folder holds an `enoki-bench` (for instance the release folder of an older checkout, and this checkout's
`Benchmarks/.build/release`). In every round both builds run, in an order that turns, against the broker of
`AMQP_URL`; the table gives the median calls per second, and the CPU time per call of the service and of the
client (user + system, from /proc and the client's rusage), since the broker shares the machine's cores. Use it
to check that a change leaves the framework's speed where it was. With `--observe-b [metrics|tracing|both]`, B's
service runs with metrics (a Prometheus registry, scraped by nobody), with every span recorded in memory (exported
nowhere), or both: give the same folder twice to see what observability costs.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import BROKER_URL, check_echo_queue_free, log, result_line, start, stop  # noqa: E402


def cpu_seconds(pid):
    """User + system CPU seconds of a running process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


OBSERVED_CONFIG = os.path.join(tempfile.gettempdir(), "enoki-bench-observed.yaml")


def measure(bin_dir, inflight, seconds, observe=None):
    bench = os.path.join(bin_dir, "enoki-bench")
    if observe:
        with open(OBSERVED_CONFIG, "w") as f:
            f.write(f"AMQP_URI: '{BROKER_URL}'\n")
            if observe in ("metrics", "both"):
                f.write("PROMETHEUS:\n  ADDRESS: '127.0.0.1:0'\n")
            if observe in ("tracing", "both"):
                f.write("BENCH_TRACING: true\n")
        service = start([bench, "run", "echo", "--config", OBSERVED_CONFIG], settle=1.5)
    else:
        service = start([bench, "run", "echo", "--broker", BROKER_URL], settle=1.5)
    try:
        figures = {}
        for n in inflight:
            # A short load first, so that the service has its queue and has warmed up.
            subprocess.run([bench, "rpc", "-w", str(n), "-d", "1", "-W", "1"], capture_output=True, check=True)
            service_before = cpu_seconds(service.pid)
            usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            done = subprocess.run([bench, "rpc", "-w", str(n), "-d", str(seconds), "-W", "0"], text=True,
                                  capture_output=True, check=True)
            usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            service_cpu = cpu_seconds(service.pid) - service_before
            client_cpu = (usage_after.ru_utime - usage_before.ru_utime) + (usage_after.ru_stime - usage_before.ru_stime)
            result = result_line(done.stdout)
            calls = result["rate"] * seconds
            figures[n] = {
                "rate": result["rate"],
                "service_us": service_cpu / calls * 1e6,
                "client_us": client_cpu / calls * 1e6,
            }
        return figures
    finally:
        stop(service)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--in-flight", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--observe-b", nargs="?", const="both", choices=["metrics", "tracing", "both"],
                        help="run B's service with metrics, tracing or both on")
    args = parser.parse_args()
    builds = {"A": os.path.abspath(args.a), "B": os.path.abspath(args.b)}
    for name, path in builds.items():
        if not os.access(os.path.join(path, "enoki-bench"), os.X_OK):
            raise SystemExit(f"no enoki-bench in {path}")
    check_echo_queue_free()
    samples = {(name, n): [] for name in builds for n in args.in_flight}
    for round_number in range(args.rounds):
        order = ["A", "B"] if round_number % 2 == 0 else ["B", "A"]
        log(f"round {round_number + 1}/{args.rounds}: {', '.join(order)}")
        for name in order:
            observe = args.observe_b if name == "B" else None
            for n, figures in measure(builds[name], args.in_flight, args.seconds, observe).items():
                samples[(name, n)].append(figures)
            time.sleep(1)
    print(f"A = {builds['A']}")
    print(f"B = {builds['B']}" + (f" (observed: {args.observe_b})" if args.observe_b else ""))
    print(f"Medians of {args.rounds} rounds, {args.seconds:g} s each; CPU time per call in µs.")
    print()
    print("| In flight | A calls/s | B calls/s | B / A | A service µs | B service µs | A client µs | B client µs |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.in_flight:
        med = {name: {k: statistics.median(s[k] for s in samples[(name, n)]) for k in ("rate", "service_us", "client_us")}
               for name in builds}
        a, b = med["A"], med["B"]
        print(f"| {n} | {a['rate']:,.0f} | {b['rate']:,.0f} | {b['rate'] / a['rate']:.2f} | {a['service_us']:.0f} | "
              f"{b['service_us']:.0f} | {a['client_us']:.0f} | {b['client_us']:.0f} |")


if __name__ == "__main__":
    main()
