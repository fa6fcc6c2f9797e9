#!/usr/bin/env python3
"""Shows where the CPU goes: CPU time per call of the broker, the echo server and the client, for each pairing.

    bench/cpu.py [--rounds 3] [--seconds 3] [--inflight 1 10 100] [--c-tools DIR]

Each pairing drives the RPC-shaped echo (Nameko's guarantees) through the same broker, one load at a time, and
reads the CPU time (user and system) each process used during the load from /proc and wait4. The pairings, client
to server, alternate in every round:

- c → c: the rabbitmq-c reference client and server (one thread each, no framework);
- raw → raw: enoki-amqp-bench's echo, handlers on the connection's event loop;
- raw (tasks) → raw: the same, the client's calls from tasks on the default executor (`-G`, as an application calls);
- enoki → enoki: `enoki-bench rpc` against the `echo` service (`enoki-bench run echo`);
- c → enoki and enoki → c: the framework on one side only.

Prints medians: calls per second, then microseconds of CPU per call for each process. Absolute figures move with
the machine; compare rows of one run. The broker is started with scripts/broker.sh; the C tools come from
--c-tools (default ../shared/tools/rabbitmq-c-bench), built with librabbitmq-dev.
"""

import argparse
import os
import subprocess
import tempfile

from benchlib import (BROKER_URL, C_TOOLS, ROOT, Figures, build_c_tools, build_swift, c_env, check_echo_queue_free, log,
                      machine, result_line, start, stop)

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User and system CPU seconds a process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def broker_pid():
    """The RabbitMQ node's Erlang VM (not a rabbitmqctl that may be running)."""
    out = subprocess.run(["pgrep", "-f", "beam.smp.*rabbit boot"], capture_output=True, text=True).stdout.split()
    if not out:
        raise RuntimeError("no RabbitMQ node is running")
    return int(out[0])


def measure(client_cmd, server, broker, env):
    """Runs one client load; returns its RESULT figures with the CPU µs per call of each process added."""
    broker_before, server_before = cpu_seconds(broker), cpu_seconds(server.pid)
    with tempfile.TemporaryFile(mode="w+") as out:
        process = subprocess.Popen(client_cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)  # wait4 gives the client's own CPU time
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
        out.seek(0)
        output = out.read()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(client_cmd)} exited with {process.returncode}:\n{output}")
    figures = result_line(output)
    calls = figures["total"]
    figures["broker"] = (cpu_seconds(broker) - broker_before) / calls * 1e6
    figures["server"] = (cpu_seconds(server.pid) - server_before) / calls * 1e6
    figures["client"] = (usage.ru_utime + usage.ru_stime) / calls * 1e6
    log(f"    CPU per call: broker {figures['broker']:.0f} µs, server {figures['server']:.0f} µs, "
        f"client {figures['client']:.0f} µs")
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3, help="measured seconds per load")
    parser.add_argument("--inflight", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--c-tools", default=C_TOOLS)
    args = parser.parse_args()

    subprocess.run([os.path.join(ROOT, "scripts", "broker.sh"), "start"], check=True)
    check_echo_queue_free()
    bin_dir = build_swift(["enoki-amqp-bench", "enoki-bench"])
    c_tools = build_c_tools(args.c_tools)
    env = c_env()
    broker = broker_pid()
    raw, bench = os.path.join(bin_dir, "enoki-amqp-bench"), os.path.join(bin_dir, "enoki-bench")
    timing = ["-d", str(args.seconds), "-W", "1"]
    servers = {
        "enoki": [bench, "run", "echo", "--broker", BROKER_URL],
        "raw": [raw, "echo-server"],
    }
    clients = {
        "enoki": lambda w: [bench, "rpc", "-w", str(w)] + timing,
        "raw": lambda w: [raw, "echo-client", "-w", str(w)] + timing,
        "raw (tasks)": lambda w: [raw, "echo-client", "-G", "-w", str(w)] + timing,
    }
    pairings = [("raw", "raw"), ("raw (tasks)", "raw"), ("enoki", "enoki")]
    if c_tools:
        servers["c"] = [os.path.join(c_tools, "rpc_server"), "-m", "2", "-c", "-P"]
        clients["c"] = lambda w: [os.path.join(c_tools, "rpc_client"), "-w", str(w), "-m", "2", "-c", "-D"] + timing
        pairings = [("c", "c")] + pairings + [("c", "enoki"), ("enoki", "c")]

    figures = Figures()
    for round_number in range(args.rounds):
        log(f"round {round_number + 1}/{args.rounds}")
        order = pairings if round_number % 2 == 0 else list(reversed(pairings))
        for client, server_name in order:
            log(f"  {client} → {server_name}")
            server = start(servers[server_name], env=env)
            try:
                for inflight in args.inflight:
                    figures.add((client, server_name, inflight), "", measure(clients[client](inflight), server,
                                                                            broker, env))
            finally:
                stop(server)

    print()
    print(f"Machine: {machine()}; broker, server and client share it. Medians of {args.rounds} rounds, "
          f"{args.seconds:g} s measured per load; CPU time (user and system) per call, µs.")
    print()
    print("| Client → server | In flight | Calls/s | Broker | Server | Client |")
    print("|---|---|---|---|---|---|")
    for inflight in args.inflight:
        for client, server_name in pairings:
            row = (client, server_name, inflight)
            cells = [f"{figures.median(row, '', key):,.0f}" for key in ("rate", "broker", "server", "client")]
            print(f"| {client} → {server_name} | {inflight} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
