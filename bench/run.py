#!/usr/bin/env python3
"""The framework benchmarks: Enoki and Python Nameko 2.14.1 side by side on one broker, with the broker's own
limit beside them.

    bench/run.py [--rounds 6] [--seconds 3] [--events 3000] [--c-tools DIR] [--only WORKLOAD ...]

Starts RabbitMQ (scripts/broker.sh), makes the Python venv with Nameko 2.14.1 (scripts/python-env.sh, and runs
itself in it), builds enoki-bench and enoki-amqp-bench in release mode and the rabbitmq-c reference tools. Then,
in every round, and alternating which framework goes first:

- starts the framework's `echo` service (Benchmarks/Sources/EnokiBench/EchoService.swift, bench/nameko/echo.py) and times it
  from process start to the first answered call, then reads its resident memory once idle;
- drives `echo.echo(x)` at 1, 10 and 100 calls in flight from the Swift client (`enoki-bench rpc`, a
  ClusterRPCClient), the Python client (bench/nameko/client.py, ClusterRpcProxy) and the C client (rpc_client,
  which shows the service's side alone), sampling the service's resident memory under that load;
- dispatches N events with the framework's own dispatcher (Enoki's ClusterEventDispatcher, Nameko's
  event_dispatcher) and times them until the service-pool handler has seen them all, and again with the C
  event_pub, which publishes faster than either, to show the handler alone;
- stops the service.

Each round also runs the raw echo with no framework: the rabbitmq-c rpc_server and rpc_client, and
enoki-amqp-bench's echo-server and echo-client, with Nameko's guarantees (persistent messages, publisher confirms,
a durable reply queue). The table gives medians over the rounds and the ratios, all measured in this one run.

A new workload is a method of Bench called from framework() (or from go() when it needs no service) and its rows
in report(). HTTP under wrk (bench/http.py: Enoki, Nameko and a bare Hummingbird server) runs after the AMQP
workloads, or alone with `--only http`.
"""

import argparse
import os
import subprocess
import sys
import threading
import time

from benchlib import (BROKER_URL, C_TOOLS, ROOT, Figures, build_c_tools, build_swift, c_env, check_echo_queue_free, log,
                      machine, ratio, result_line, run, start, stop)

FRAMEWORKS = ("enoki", "nameko")
INFLIGHT = (1, 10, 100)


def in_venv():
    """Runs this script again in the Nameko venv unless it runs there already."""
    python = subprocess.run([os.path.join(ROOT, "scripts", "python-env.sh")], check=True, text=True,
                            stdout=subprocess.PIPE).stdout.strip()
    venv = os.path.dirname(os.path.dirname(python))
    if os.path.abspath(sys.prefix) != os.path.abspath(venv):
        os.execv(python, [python] + sys.argv)
    return python


class MemoryWatch:
    """Samples a process's resident memory (VmRSS) every 100 ms while a load runs and keeps the peak."""

    def __init__(self, pid):
        self.pid = pid
        self.peak = 0
        self.running = True
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self):
        while self.running:
            self.peak = max(self.peak, resident_mib(self.pid) or 0)
            time.sleep(0.1)

    def close(self):
        self.running = False
        self.thread.join()
        return self.peak


def resident_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Bench:
    def __init__(self, args, python, bin_dir, c_tools):
        from nameko.standalone.rpc import ClusterRpcProxy

        self.args = args
        self.python = python
        self.enoki_bench = os.path.join(bin_dir, "enoki-bench")
        self.amqp_bench = os.path.join(bin_dir, "enoki-amqp-bench")
        self.c_tools = c_tools
        self.env = c_env()
        self.figures = Figures()
        self.proxy_factory = lambda: ClusterRpcProxy({"AMQP_URI": BROKER_URL}, timeout=30)
        self.logs = os.path.join(ROOT, ".build", "bench-logs")
        os.makedirs(self.logs, exist_ok=True)

    def wanted(self, workload):
        return not self.args.only or workload in self.args.only

    def service_command(self, framework):
        if framework == "enoki":
            return [self.enoki_bench, "run", "echo", "--broker", BROKER_URL], None
        nameko = os.path.join(os.path.dirname(self.python), "nameko")
        return [nameko, "run", "echo", "--broker", BROKER_URL], os.path.join(ROOT, "bench", "nameko")

    def client_command(self, client, inflight):
        seconds, warmup = str(self.args.seconds), "1"
        if client == "swift":
            return [self.enoki_bench, "rpc", "-w", str(inflight), "-d", seconds, "-W", warmup]
        if client == "python":
            return [self.python, os.path.join(ROOT, "bench", "nameko", "client.py"), "rpc", "-w", str(inflight),
                    "-d", seconds, "-W", warmup]
        return [os.path.join(self.c_tools, "rpc_client"), "-w", str(inflight), "-d", seconds, "-W", warmup,
                "-m", "2", "-c", "-D"]

    def clients(self):
        return ["swift", "python"] + (["c"] if self.c_tools else [])

    def framework(self, framework):
        """Everything measured against one framework's echo service."""
        command, cwd = self.service_command(framework)
        with self.proxy_factory() as proxy:
            began = time.monotonic()
            service = start(command, settle=0, cwd=cwd, env=self.env,
                            log_path=os.path.join(self.logs, f"{framework}-echo.log"))
            try:
                while True:
                    try:
                        proxy.echo.echo("first")
                        break
                    except Exception as error:  # UnknownService until the queue is there
                        if service.poll() is not None:
                            raise RuntimeError(f"the {framework} echo service exited: see {self.logs}") from error
                        time.sleep(0.005)
                self.figures.add("first answer after process start", framework,
                                 {"rate": (time.monotonic() - began) * 1000})
                time.sleep(2)
                self.figures.add("resident memory, idle", framework, {"rate": resident_mib(service.pid)})

                watch = MemoryWatch(service.pid)
                for client in self.clients():
                    for inflight in INFLIGHT:
                        if not self.wanted("rpc"):
                            continue
                        out = run(self.client_command(client, inflight), env=self.env)
                        self.figures.add(("rpc", client, inflight), framework, result_line(out))
                if self.wanted("rpc"):
                    self.figures.add("resident memory, peak under the RPC loads", framework,
                                     {"rate": watch.close()})
                else:
                    watch.close()

                if self.wanted("events"):
                    self.events(framework, proxy)
            finally:
                stop(service)

    def events(self, framework, proxy):
        n = str(self.args.events)
        if framework == "enoki":
            out = run([self.enoki_bench, "events", "-n", n], env=self.env)
        else:
            out = run([self.python, os.path.join(ROOT, "bench", "nameko", "client.py"), "events", "-n", n],
                      env=self.env)
        self.figures.add("events, own dispatcher", framework, result_line(out))
        if not self.c_tools:
            return
        before = proxy.echo.events_seen()
        began = time.monotonic()
        run([os.path.join(self.c_tools, "event_pub"), "-n", n, "-x", "bench_source.events", "-r", "ping"],
            env=self.env)
        seen = 0
        while seen < self.args.events and time.monotonic() - began < 120:
            seen = proxy.echo.events_seen() - before
            time.sleep(0.005)
        if seen < self.args.events:
            raise RuntimeError(f"the {framework} handler saw {seen} of {n} events from event_pub")
        self.figures.add("events, from the C event_pub", framework,
                         {"rate": seen / (time.monotonic() - began)})

    def raw(self, order):
        """The RPC-shaped echo with no framework: rabbitmq-c, and Enoki's own AMQP client."""
        if not self.wanted("raw"):
            return
        for side in order:
            if side == "c" and not self.c_tools:
                continue
            if side == "c":
                server = start([os.path.join(self.c_tools, "rpc_server"), "-m", "2", "-c", "-P"], env=self.env)
            else:
                server = start([self.amqp_bench, "echo-server"], env=self.env)
            try:
                for inflight in INFLIGHT:
                    if side == "c":
                        out = run(self.client_command("c", inflight), env=self.env)
                    else:
                        out = run([self.amqp_bench, "echo-client", "-w", str(inflight), "-d", str(self.args.seconds),
                                   "-W", "1"], env=self.env)
                    self.figures.add(("raw", inflight), side, result_line(out))
            finally:
                stop(server)

    def go(self):
        for round_number in range(self.args.rounds):
            order = FRAMEWORKS if round_number % 2 == 0 else tuple(reversed(FRAMEWORKS))
            log(f"round {round_number + 1}/{self.args.rounds}: {', '.join(order)}, then the raw echo")
            for framework in order:
                log(f"  {framework}")
                self.framework(framework)
            self.raw(("c", "enoki") if round_number % 2 == 0 else ("enoki", "c"))
        self.report()

    def report(self):
        f = self.figures
        raw_name = "rabbitmq-c" if self.c_tools else "enoki-amqp-bench"
        raw_side = "c" if self.c_tools else "enoki"
        print()
        print(f"Machine: {machine()}; the broker, the services and the clients share it.")
        print(f"Medians of {self.args.rounds} rounds; {self.args.seconds:g} s measured per load after 1 s of warm-up.")
        print()
        print("Each framework with its own client (Swift client to Enoki, Python client to Nameko), against the")
        print(f"raw echo ({raw_name} client and server, no framework):")
        print()
        print("| Workload | Enoki | Nameko | Enoki / Nameko | Raw echo | Enoki / raw | Nameko / raw |")
        print("|---|---|---|---|---|---|---|")
        for inflight in INFLIGHT:
            enoki_row, nameko_row, raw_row = ("rpc", "swift", inflight), ("rpc", "python", inflight), ("raw", inflight)
            e, n, r = f.median(enoki_row, "enoki"), f.median(nameko_row, "nameko"), f.median(raw_row, raw_side)
            print(f"| RPC echo, {inflight} in flight | {f.text(enoki_row, 'enoki')} | {f.text(nameko_row, 'nameko')} "
                  f"| {ratio(e, n)} | {f.text(raw_row, raw_side)} | {ratio(e, r, True)} | {ratio(n, r, True)} |")
        for row in ("events, own dispatcher", "events, from the C event_pub"):
            e, n = f.median(row, "enoki"), f.median(row, "nameko")
            print(f"| {row} ({self.args.events:,} events) | {f.text(row, 'enoki')} | {f.text(row, 'nameko')} "
                  f"| {ratio(e, n)} | | | |")
        for row, unit in (("first answer after process start", " ms"), ("resident memory, idle", " MiB"),
                          ("resident memory, peak under the RPC loads", " MiB")):
            e, n = f.median(row, "enoki"), f.median(row, "nameko")
            print(f"| {row} | {f.text(row, 'enoki', unit)} | {f.text(row, 'nameko', unit)} | {ratio(e, n)} | | | |")
        print()
        print("Every client against each service (the C client shows the service's side alone):")
        print()
        print("| Client | In flight | Enoki service | Nameko service | Enoki / Nameko |")
        print("|---|---|---|---|---|")
        for client in self.clients():
            for inflight in INFLIGHT:
                row = ("rpc", client, inflight)
                e, n = f.median(row, "enoki"), f.median(row, "nameko")
                print(f"| {client} | {inflight} | {f.text(row, 'enoki')} | {f.text(row, 'nameko')} | {ratio(e, n)} |")
        if self.c_tools:
            print()
            print("The raw echo on each AMQP client (no framework):")
            print()
            print("| In flight | enoki-amqp-bench | rabbitmq-c | Enoki / C |")
            print("|---|---|---|---|")
            for inflight in INFLIGHT:
                row = ("raw", inflight)
                print(f"| {inflight} | {f.text(row, 'enoki')} | {f.text(row, 'c')} | "
                      f"{ratio(f.median(row, 'enoki'), f.median(row, 'c'), True)} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=3, help="measured seconds per load")
    parser.add_argument("--events", type=int, default=3000, help="events per event workload")
    parser.add_argument("--c-tools", default=C_TOOLS)
    parser.add_argument("--only", nargs="*", choices=["rpc", "events", "raw", "http"],
                        help="run only these workloads (start-up time and memory are always measured)")
    args = parser.parse_args()
    if args.only == ["http"]:
        # HTTP needs no broker: bench/http.py alone, with this run's rounds and seconds.
        os.execv(sys.executable, [sys.executable, os.path.join(ROOT, "bench", "http.py"), "--rounds",
                                  str(args.rounds), "--seconds", str(max(1, int(args.seconds)))])

    subprocess.run([os.path.join(ROOT, "scripts", "broker.sh"), "start"], check=True)
    check_echo_queue_free()
    python = in_venv()
    bin_dir = build_swift(["enoki-bench", "enoki-amqp-bench"])
    c_tools = build_c_tools(args.c_tools)
    Bench(args, python, bin_dir, c_tools).go()
    if not args.only or "http" in args.only:
        # HTTP under wrk (bench/http.py), after the AMQP workloads, in the same run.
        sys.stdout.flush()
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "http.py"), "--rounds", str(args.rounds),
                        "--seconds", str(max(1, int(args.seconds)))], check=True)


if __name__ == "__main__":
    main()
