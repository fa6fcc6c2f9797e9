#!/usr/bin/env python3
"""Measures the AMQP client side by side with the rabbitmq-c reference tools, through the same broker.

    scripts/bench-amqp.py [--rounds 6] [--seconds 4] [--c-tools DIR]

Runs, alternating the two clients in every round so that both see the same machine: the RPC-shaped echo (Nameko's
guarantees: persistent requests and replies, publisher confirms, a durable reply queue, the request acked after the
reply is confirmed) at 1, 10 and 100 calls in flight, and one-way publish-to-consume throughput (transient without
confirms, transient and persistent with up to 1,000 confirms in flight, persistent with each confirm awaited).
Prints the median of each figure and the ratio Enoki / C. The echo requests are shaped as the C client shapes
them (not mandatory, no headers) for a like-for-like figure; rows marked "Nameko-shaped" add what Nameko sends
(mandatory publish, a nameko.call_id_stack header) and have no C counterpart.

The C tools come from --c-tools (default ../shared/tools/rabbitmq-c-bench, built into a temporary folder with
librabbitmq-dev, installed with apt-get when missing). The broker is started with scripts/broker.sh.
"""

import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def result_line(output):
    for line in output.splitlines():
        if line.startswith("RESULT"):
            return dict(re.findall(r"(\w+)=([\d.]+)", line.split("|", 1)[1]))
    raise RuntimeError("no RESULT line in:\n" + output)


def build_c_tools(source):
    if not os.path.isdir(source):
        return None
    if subprocess.run(["sh", "-c", "echo '#include <amqp.h>' | cc -E - >/dev/null 2>&1"]).returncode != 0:
        print("installing librabbitmq-dev for the C reference tools", file=sys.stderr)
        prefix = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(prefix + ["apt-get", "update", "-qq"], check=True)
        subprocess.run(prefix + ["apt-get", "install", "-y", "-qq", "librabbitmq-dev"], check=True)
    target = tempfile.mkdtemp(prefix="rabbitmq-c-bench-")
    shutil.copytree(source, target, dirs_exist_ok=True)
    run(["make", "-C", target])
    return os.path.join(target, "build")


def start(cmd):
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(1.5)
    return process


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=5)
    except Exception:
        os.killpg(process.pid, signal.SIGKILL)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--c-tools", default=os.path.join(ROOT, "..", "shared", "tools", "rabbitmq-c-bench"))
    parser.add_argument("--skip-oneway", action="store_true")
    args = parser.parse_args()

    subprocess.run([os.path.join(ROOT, "scripts", "broker.sh"), "start"], check=True)
    print("building enoki-amqp-bench (release)", file=sys.stderr)
    run(["swift", "build", "-c", "release", "--product", "enoki-amqp-bench"], cwd=ROOT)
    enoki = os.path.join(ROOT, ".build", "release", "enoki-amqp-bench")
    c_tools = build_c_tools(os.path.abspath(args.c_tools))
    if c_tools is None:
        print(f"no C tools at {args.c_tools}: measuring Enoki alone", file=sys.stderr)

    seconds = str(args.seconds)
    figures = {}  # (workload, client) -> [ {rate, p50_us, p99_us} ]

    def record(workload, client, values):
        figures.setdefault((workload, client), []).append(values)

    for round_number in range(args.rounds):
        print(f"round {round_number + 1}/{args.rounds}", file=sys.stderr)
        clients = ["enoki", "c"] if round_number % 2 == 0 else ["c", "enoki"]
        for client in clients:
            if client == "c" and c_tools is None:
                continue
            if client == "c":
                server = start([os.path.join(c_tools, "rpc_server"), "-m", "2", "-c", "-P"])
            else:
                server = start([enoki, "echo-server"])
            try:
                for inflight in (1, 10, 100):
                    if client == "c":
                        out = run([os.path.join(c_tools, "rpc_client"), "-w", str(inflight), "-d", seconds, "-W", "1",
                                   "-m", "2", "-c", "-D"])
                    else:
                        out = run([enoki, "echo-client", "-w", str(inflight), "-d", seconds, "-W", "1"])
                    record(f"echo, {inflight} in flight", client, result_line(out))
                if client == "enoki":
                    for inflight in (1, 100):
                        out = run([enoki, "echo-client", "-w", str(inflight), "-d", seconds, "-W", "1", "-N"])
                        record(f"echo, {inflight} in flight, Nameko-shaped requests (mandatory, call-id header)",
                               client, result_line(out))
            finally:
                stop(server)
            if args.skip_oneway:
                continue
            for (label, n, mode, confirms) in [
                ("one-way transient, no confirms", 200000, 1, 0),
                ("one-way transient, 1,000 confirms in flight", 200000, 1, 2),
                ("one-way persistent, 1,000 confirms in flight", 100000, 2, 2),
                ("one-way persistent, each confirm awaited", 5000, 2, 1),
            ]:
                tool = [os.path.join(c_tools, "oneway")] if client == "c" else [enoki, "oneway"]
                out = run(tool + ["-n", str(n), "-m", str(mode), "-c", str(confirms), "-C", "1000"])
                record(label, client, result_line(out))

    print()
    print(f"Machine: {machine()}; broker, servers and clients share it. Medians of {args.rounds} rounds.")
    print()
    print("| Workload | Enoki | rabbitmq-c | Enoki / C |")
    print("|---|---|---|---|")
    workloads = []
    for (workload, _client) in figures:
        if workload not in workloads:
            workloads.append(workload)
    for workload in workloads:
        def summary(client):
            runs = figures.get((workload, client))
            if not runs:
                return None, "n/a"
            rate = statistics.median(float(r["rate"]) for r in runs)
            text = f"{rate:,.0f}/s"
            if "p50_us" in runs[0]:
                p50 = statistics.median(float(r["p50_us"]) for r in runs) / 1000
                p99 = statistics.median(float(r["p99_us"]) for r in runs) / 1000
                text += f" (p50 {p50:.2f} ms, p99 {p99:.2f} ms)"
            return rate, text
        enoki_rate, enoki_text = summary("enoki")
        c_rate, c_text = summary("c")
        ratio = f"{enoki_rate / c_rate:.0%}" if enoki_rate and c_rate else "n/a"
        print(f"| {workload} | {enoki_text} | {c_text} | {ratio} |")


if __name__ == "__main__":
    main()
