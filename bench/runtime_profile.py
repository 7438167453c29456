"""Where the runtime's time goes: py-spy attached to running processes, and CPU time per process.

py-spy samples every thread of a live process from outside (Daphne runs Django views in worker threads,
which cProfile in the main thread would miss) at 200 Hz in raw "collapsed stack" form, idle threads
included. A sample is idle when its innermost line waits for work (a condition, the event loop's select,
a thread pool's queue, a sleep); the other samples are the process's wall-clock time at work, split into
waiting for PostgreSQL (psycopg's wait for an answer, connecting apart) and running Python. Each busy stack
is summarised as own time per function (the innermost frame), own time per area (our packages, Django's
ORM, the driver, ...), and total time of our own functions and the task queue's (callees included; the
roots of every stack, threads and event loops, say nothing)."""
from __future__ import annotations

import functools
import linecache
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.runtime_stack import STOP_SECONDS, ROOT

PYSPY = Path(sys.executable).parent / "py-spy"
RATE = 200
# Functions listed by total time (their callees included): ours and the task queue's, the actionable ones.
OWN_CODE = ("executions/", "designer/", "bench/", "django_tasks_db/")


def pyspy_path() -> str | None:
    return str(PYSPY) if PYSPY.exists() else shutil.which("py-spy")


@dataclass
class Recording:
    label: str
    process: subprocess.Popen
    output: Path


def start_recording(label: str, pid: int, output: Path) -> Recording:
    """Attach py-spy to `pid` until stop_recording (SIGINT makes it write what it has)."""
    executable = pyspy_path()
    if executable is None:
        raise RuntimeError("py-spy is not installed (pip install py-spy)")
    process = subprocess.Popen([executable, "record", "--pid", str(pid), "--rate", str(RATE), "--format", "raw",
                                "--nonblocking", "--idle", "--output", str(output)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    time.sleep(0.3)  # let it attach before the work starts
    return Recording(label, process, output)


def stop_recording(recording: Recording) -> None:
    process = recording.process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_SECONDS * 3)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_SECONDS)


@dataclass
class Summary:
    label: str
    samples: int
    own: list[tuple[str, float]] = field(default_factory=list)
    total: list[tuple[str, float]] = field(default_factory=list)
    areas: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None


def _split(frame: str) -> tuple[str, str, int]:
    # "name (path/to/file.py:123)" -> (name, path, line)
    name, _, where = frame.partition(" (")
    path, _, line = where.rstrip(")").rpartition(":")
    return name, path, int(line) if line.isdigit() else 0


def _function(frame: str) -> str:
    name, path, _ = _split(frame)
    return f"{_short(path)}:{name}"


IDLE_LINES = ("sleep(", "waiter.acquire(", "work_queue.get(", ".poll(", ".select(")


def _idle(frame: str) -> bool:
    """Whether the innermost frame waits for work rather than for an answer (read from its source line)."""
    name, path, line = _split(frame)
    if "psycopg" in path:
        return False
    source = _source(path)
    text = linecache.getline(source, line) if source else ""
    return any(marker in text for marker in IDLE_LINES)


@functools.cache
def _source(path: str) -> str | None:
    """The file behind a frame's path, which py-spy gives relative to the target's sys.path (or bare)."""
    if path.startswith("/"):
        return path
    for folder in [str(ROOT), *sys.path]:
        candidate = Path(folder or ".") / path
        if candidate.is_file():
            return str(candidate)
    site = next((Path(folder) for folder in sys.path if folder.endswith("site-packages")), None)
    found = next(site.rglob(Path(path).name), None) if site else None
    return str(found) if found else None


WAIT_CONNECT = "waiting for PostgreSQL: connecting"
WAIT_QUERY = "waiting for PostgreSQL: queries and commits"


def _classify(raw: list[str]) -> str | None:
    """"idle", one of the PostgreSQL waits, or None for a sample of Python at work."""
    driver = [frame for frame in raw if "psycopg/" in frame]
    if not driver:
        return "idle" if _idle(raw[-1]) else None
    # psycopg waits for the server in Connection.wait (queries) or in a selector (connecting).
    if raw[-1].startswith("Connection.wait (psycopg/") or _idle(raw[-1]):
        connecting = any(frame.startswith(("Connection.connect (psycopg/", "wait_conn (psycopg/")) for frame in driver)
        return WAIT_CONNECT if connecting else WAIT_QUERY
    return None


def _short(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    root = str(ROOT) + "/"
    if path.startswith(root):
        return path[len(root):]
    if "/lib/python3" in path:
        return "stdlib/" + path.split("/lib/python3", 1)[1].split("/", 1)[-1]
    if path.split("/", 1)[0].removesuffix(".py") in sys.stdlib_module_names:
        return "stdlib/" + path
    return path


AREAS = [  # first match wins: (prefix of the short path, area)
    ("executions/engine/", "engine (executions/engine)"),
    ("designer/asl/", "ASL core (designer/asl)"),
    ("executions/", "runtime (executions/*.py)"),
    ("designer/", "designer app"),
    ("bench/", "bench functions"),
    ("django/db/models/sql/", "Django ORM: SQL compiler"),
    ("django/db/models/", "Django ORM: models, querysets"),
    ("django/db/backends/", "Django DB backends"),
    ("django/db/", "Django DB: other"),
    ("django/core/handlers/", "Django request handling"),
    ("django/", "Django: other"),
    ("rest_framework/", "DRF"),
    ("django_tasks_db/", "django-tasks-db"),
    ("psycopg", "psycopg (driver)"),
    ("asgiref/", "asgiref (sync/async bridge)"),
    ("daphne/", "daphne"),
    ("twisted/", "twisted"),
    ("stdlib/json/", "json"),
    ("stdlib/sqlite3/", "sqlite3"),
    ("stdlib/", "stdlib: other"),
]


def _area(function: str) -> str:
    for prefix, area in AREAS:
        if function.startswith(prefix):
            return area
    return "other"


def summarise(recording: Recording, top: int) -> Summary:
    if not recording.output.exists():
        message = recording.process.stderr.read().decode(errors="replace")[-300:] if recording.process.stderr else ""
        return Summary(recording.label, 0, error=f"py-spy wrote nothing: {message.strip()}")
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    samples = 0
    for line in recording.output.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        raw = stack.split(";")
        kind = _classify(raw) if raw else "idle"
        if kind == "idle":
            continue
        frames = [_function(frame) for frame in raw]
        samples += count
        own[frames[-1]] += count
        areas[kind or _area(frames[-1])] += count
        for function in set(frames):
            if function.startswith(OWN_CODE):
                total[function] += count

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, 100.0 * count / samples) for name, count in counter.most_common(top)] if samples else []

    return Summary(recording.label, samples, share(own), share(total), share(areas))


def format_summary(summary: Summary, seconds: float) -> str:
    if summary.error:
        return f"#### {summary.label}\n\n{summary.error}\n"
    lines = [f"#### {summary.label}: {summary.samples:,} busy samples at {RATE} Hz over {seconds:.1f} s "
             f"(~{summary.samples / RATE / seconds:.2f} threads at work on average)\n",
             "| time at work, by area (innermost frame) | % |", "|---|---|"]
    lines += [f"| {name} | {share:.1f} |" for name, share in summary.areas]
    lines += ["", "| function (own time) | % | | our function (total time, incl. callees) | % |", "|---|---|---|---|---|"]
    for index in range(max(len(summary.own), len(summary.total))):
        own = summary.own[index] if index < len(summary.own) else ("", 0.0)
        total = summary.total[index] if index < len(summary.total) else ("", 0.0)
        lines.append(f"| `{own[0]}` | {own[1]:.1f} | | `{total[0]}` | {total[1]:.1f} |")
    return "\n".join(lines) + "\n"
