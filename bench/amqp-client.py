#!/usr/bin/env python3
"""Measures the AMQP client side by side with the rabbitmq-c reference tools, through the same broker.

    bench/amqp-client.py [--rounds 6] [--seconds 4] [--c-tools DIR] [--skip-oneway]

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
import subprocess

from benchlib import (C_TOOLS, ROOT, Figures, build_c_tools, build_swift, c_env, check_echo_queue_free, log, machine,
                      ratio, result_line, run, start, stop)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--c-tools", default=C_TOOLS)
    parser.add_argument("--skip-oneway", action="store_true")
    args = parser.parse_args()

    subprocess.run([os.path.join(ROOT, "scripts", "broker.sh"), "start"], check=True)
    check_echo_queue_free()
    enoki = os.path.join(build_swift(["enoki-amqp-bench"]), "enoki-amqp-bench")
    c_tools = build_c_tools(args.c_tools)
    env = c_env()
    seconds = str(args.seconds)
    figures = Figures()

    for round_number in range(args.rounds):
        log(f"round {round_number + 1}/{args.rounds}")
        clients = ["enoki", "c"] if round_number % 2 == 0 else ["c", "enoki"]
        for client in clients:
            if client == "c" and c_tools is None:
                continue
            if client == "c":
                server = start([os.path.join(c_tools, "rpc_server"), "-m", "2", "-c", "-P"], env=env)
            else:
                server = start([enoki, "echo-server"], env=env)
            try:
                for inflight in (1, 10, 100):
                    if client == "c":
                        out = run([os.path.join(c_tools, "rpc_client"), "-w", str(inflight), "-d", seconds, "-W", "1",
                                   "-m", "2", "-c", "-D"], env=env)
                    else:
                        out = run([enoki, "echo-client", "-w", str(inflight), "-d", seconds, "-W", "1"], env=env)
                    figures.add(f"echo, {inflight} in flight", client, result_line(out))
                if client == "enoki":
                    for inflight in (1, 100):
                        out = run([enoki, "echo-client", "-w", str(inflight), "-d", seconds, "-W", "1", "-N"], env=env)
                        figures.add(f"echo, {inflight} in flight, Nameko-shaped requests (mandatory, call-id header)",
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
                out = run(tool + ["-n", str(n), "-m", str(mode), "-c", str(confirms), "-C", "1000"], env=env)
                figures.add(label, client, result_line(out))

    print()
    print(f"Machine: {machine()}; broker, servers and clients share it. Medians of {args.rounds} rounds.")
    print()
    print("| Workload | Enoki | rabbitmq-c | Enoki / C |")
    print("|---|---|---|---|")
    for row in figures.rows():
        enoki_rate, c_rate = figures.median(row, "enoki"), figures.median(row, "c")
        print(f"| {row} | {figures.text(row, 'enoki')} | {figures.text(row, 'c')} | "
              f"{ratio(enoki_rate, c_rate, percent=True)} |")


if __name__ == "__main__":
    main()
