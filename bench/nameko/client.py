"""The Python side of the framework benchmarks' clients, on Nameko's standalone proxy and dispatcher.

    client.py rpc [-w INFLIGHT] [-d SECONDS] [-W WARMUP] [-s PAYLOAD]
        calls echo.echo(x) through ClusterRpcProxy with INFLIGHT calls in flight (call_async beyond one)
    client.py events [-n N]
        dispatches N bench_source.ping events with event_dispatcher, one after the other, and waits until
        echo.events_seen() has grown by N

Prints a RESULT line in the format of the rabbitmq-c tools. The broker is AMQP_URL.
"""
import argparse
import collections
import os
import sys
import time

from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy


def percentiles(samples):
    samples = sorted(samples)

    def at(p):
        if not samples:
            return 0.0
        return samples[min(len(samples) - 1, int(p / 100 * len(samples)))]

    return "p50_us=%.1f p90_us=%.1f p99_us=%.1f" % (at(50), at(90), at(99))


def rpc_load(config, args):
    payload = "x" * args.s
    measure_from = time.monotonic() + args.W
    measure_to = measure_from + args.d
    measured, bad, latencies = 0, 0, []
    with ClusterRpcProxy(config) as proxy:
        echo = proxy.echo.echo
        window = collections.deque()
        while True:
            now = time.monotonic()
            if now < measure_to:
                while len(window) < args.w:
                    window.append((time.monotonic(), echo.call_async(payload)))
            if not window:
                break
            sent, reply = window.popleft()
            right = reply.result() == payload
            received = time.monotonic()
            if not right:
                bad += 1
            elif measure_from <= received <= measure_to:
                measured += 1
                if sent >= measure_from:
                    latencies.append((received - sent) * 1e6)
    print("RESULT bench=nameko_client inflight=%d payload=%d | rate=%.1f %s bad=%d"
          % (args.w, args.s, measured / args.d, percentiles(latencies), bad))


def event_load(config, args):
    with ClusterRpcProxy(config) as proxy:
        before = proxy.echo.events_seen()
        dispatch = event_dispatcher(config)
        dispatch("bench_source", "warmup", None)  # connect before the clock starts
        start = time.monotonic()
        for index in range(args.n):
            dispatch("bench_source", "ping", {"i": index})
        dispatched = time.monotonic()
        seen = 0
        while seen < args.n and time.monotonic() - start < args.T:
            seen = proxy.echo.events_seen() - before
            if seen < args.n:
                time.sleep(0.005)
        elapsed = time.monotonic() - start
    print("RESULT bench=nameko_events n=%d | rate=%.1f secs=%.3f dispatch_secs=%.3f seen=%d"
          % (args.n, seen / elapsed, elapsed, dispatched - start, seen))
    if seen < args.n:
        sys.exit("the handler saw %d of %d events" % (seen, args.n))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["rpc", "events"])
    parser.add_argument("-w", type=int, default=1)
    parser.add_argument("-d", type=float, default=5)
    parser.add_argument("-W", type=float, default=1)
    parser.add_argument("-s", type=int, default=16)
    parser.add_argument("-n", type=int, default=5000)
    parser.add_argument("-T", type=float, default=120)
    args = parser.parse_args()
    config = {"AMQP_URI": os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")}
    if args.command == "rpc":
        rpc_load(config, args)
    else:
        event_load(config, args)


if __name__ == "__main__":
    main()
