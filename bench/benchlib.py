"""What the benchmark drivers share: processes, RESULT lines, the C reference tools, medians."""

import glob
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
BROKER_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
C_TOOLS = os.path.join(ROOT, "..", "shared", "tools", "rabbitmq-c-bench")


def log(text):
    print(text, file=sys.stderr, flush=True)


def run(cmd, timeout=300, **kw):
    """Runs a command to its end and returns its standard output; fails with its standard error."""
    done = subprocess.run(cmd, text=True, capture_output=True, timeout=timeout, **kw)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def result_line(output):
    """The figures of a RESULT line (`RESULT bench=… | rate=1234.5 p50_us=…`) as a dict of floats."""
    for line in output.splitlines():
        if line.startswith("RESULT"):
            log("    " + line)
            figures = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line.split("|", 1)[1])}
            if figures.get("bad", 0) > 0:
                raise RuntimeError("wrong or failed answers: " + line)
            return figures
    raise RuntimeError("no RESULT line in:\n" + output)


def start(cmd, settle=1.5, log_path=None, **kw):
    """Starts a long-running process in a session of its own (so that stop() reaches its children)."""
    out = open(log_path, "w") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kw)
    time.sleep(settle)
    return process


def stop(process):
    """Stops a process started by start(): SIGINT, then SIGKILL after 5 s."""
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=5)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def check_echo_queue_free(queue="rpc-echo"):
    """Fails when something already consumes the echo queue on the broker: a server left running would answer part
    of every load's calls, and every figure would be wrong without anything failing."""
    out = run([os.path.join(ROOT, "scripts", "broker.sh"), "ctl", "list_queues", "-q", "name", "consumers"])
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0] == queue and fields[1].isdigit() and int(fields[1]) > 0:
            raise SystemExit(f"{queue} already has {fields[1]} consumer(s) on the broker; stop them first "
                             f"(scripts/broker.sh ctl list_consumers shows where they connect from)")


BENCHMARKS = os.path.join(ROOT, "Benchmarks")


def build_swift(products):
    """Builds the benchmark products of the Benchmarks package (a package of its own beside Enoki's) in release
    mode and returns the folder of their binaries."""
    log(f"building {', '.join(products)} (release, Benchmarks/)")
    # SwiftPM keeps the build plan of a package whose dependency is a local path, and does not notice a source
    # file added to that dependency (Enoki, here): the build then fails with "cannot find … in scope". Dropping
    # the plan makes it plan again; nothing already compiled is compiled again.
    for plan in [os.path.join(BENCHMARKS, ".build", "release.yaml")] + glob.glob(
            os.path.join(BENCHMARKS, ".build", "*", "release", "description.json")):
        if os.path.exists(plan):
            os.remove(plan)
    for product in products:
        run(["swift", "build", "-c", "release", "--package-path", BENCHMARKS, "--product", product], cwd=ROOT,
            timeout=3600)
    return os.path.join(BENCHMARKS, ".build", "release")


def build_c_tools(source=C_TOOLS):
    """Builds the rabbitmq-c reference tools into a temporary folder (installing librabbitmq-dev when it is
    missing) and returns the folder of their binaries, or None when the sources are not there."""
    source = os.path.abspath(source)
    if not os.path.isdir(source):
        log(f"no C reference tools at {source}: the broker's own limit will be missing from the table")
        return None
    if subprocess.run(["sh", "-c", "echo '#include <amqp.h>' | cc -E - >/dev/null 2>&1"]).returncode != 0:
        log("installing librabbitmq-dev for the C reference tools")
        prefix = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(prefix + ["apt-get", "update", "-qq"], check=True)
        subprocess.run(prefix + ["apt-get", "install", "-y", "-qq", "librabbitmq-dev"], check=True)
    target = tempfile.mkdtemp(prefix="rabbitmq-c-bench-")
    shutil.copytree(source, target, dirs_exist_ok=True)
    run(["make", "-C", target])
    return os.path.join(target, "build")


def c_env():
    """The C tools' connection variables, from AMQP_URL."""
    match = re.match(r"amqps?://([^:@/]*):?([^@/]*)@([^:/]+):?(\d*)/?(.*)", BROKER_URL)
    env = dict(os.environ)
    if match:
        user, password, host, port, vhost = match.groups()
        env.update(AMQP_USER=user or "guest", AMQP_PASS=password or "guest", AMQP_HOST=host,
                   AMQP_PORT=port or "5672", AMQP_VHOST=(vhost or "/").replace("%2F", "/").replace("%2f", "/"))
    return env


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
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores, {cpu}{memory}, {platform.system()} {platform.release()}"


class Figures:
    """Figures of many rounds, by (row, column); medians on the way out."""

    def __init__(self):
        self.runs = {}

    def add(self, row, column, values):
        self.runs.setdefault((row, column), []).append(values)

    def median(self, row, column, key="rate"):
        runs = [r[key] for r in self.runs.get((row, column), []) if key in r]
        return statistics.median(runs) if runs else None

    def text(self, row, column, unit="/s"):
        """`1,234/s (p50 0.68 ms, p99 2.48 ms)`, or `n/a`."""
        rate = self.median(row, column)
        if rate is None:
            return "n/a"
        text = f"{rate:,.0f}{unit}"
        p50, p99 = self.median(row, column, "p50_us"), self.median(row, column, "p99_us")
        if p50 is not None and p99 is not None:
            text += f" (p50 {p50 / 1000:.2f} ms, p99 {p99 / 1000:.2f} ms)"
        return text

    def rows(self):
        seen = []
        for (row, _column) in self.runs:
            if row not in seen:
                seen.append(row)
        return seen


def ratio(a, b, percent=False):
    if not a or not b:
        return "n/a"
    return f"{a / b:.0%}" if percent else f"{a / b:.1f}×"
