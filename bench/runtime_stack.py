"""Processes for the runtime benchmark: our stack (a fresh database, Daphne, N workers) and moto's server.

Everything binds to 127.0.0.1 on a free port. Each process writes its output to a log file in the run's
temporary directory (shown when it fails to start) and is stopped, SIGTERM then SIGKILL, when its
context exits, also on Ctrl-C and on errors. Every wait here is bounded in time.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench.runtime_workloads import Endpoint

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"
READY_SECONDS = 60.0
STOP_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = READY_SECONDS) -> None:
    """Return once something accepts connections on `port`; fail if the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}:\n{tail(log)}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {HOST}:{port} after {seconds:.0f} s:\n{tail(log)}")


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, wait up to STOP_SECONDS, then SIGKILL: only this process (started in its own session)."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGTERM)
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_SECONDS)
    except ProcessLookupError:
        pass


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one live process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU seconds of the PostgreSQL server so far: its live processes plus the exited backends the
    postmaster reaped (its cutime + cstime). All databases count: other users of the server too."""
    ticks = os.sysconf("SC_CLK_TCK")
    processes: dict[str, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if stat[stat.find("(") + 1:stat.rfind(")")].startswith("postgres"):
                processes[entry.name] = stat.rsplit(")", 1)[1].split()
    total = 0.0
    for fields in processes.values():
        total += int(fields[11]) + int(fields[12])
        if fields[1] not in processes:  # the postmaster: its parent is not a postgres process
            total += int(fields[13]) + int(fields[14])
    return total / ticks


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    ticks = os.sysconf("SC_CLK_TCK")
    return (total - idle) / ticks, total / ticks


# -- databases ----------------------------------------------------------------------------------------

@dataclass
class Database:
    """A bench database: a fresh PostgreSQL database (dropped afterwards) or a new SQLite file."""

    kind: str  # "sqlite" | "postgres"
    url: str
    name: str

    def connect(self):
        """A DB-API connection for the harness's own reads (verification, counts), autocommit."""
        if self.kind == "sqlite":
            import sqlite3

            return sqlite3.connect(self.name, timeout=20, isolation_level=None)
        import psycopg

        return psycopg.connect(self.url, autocommit=True)


PG_COUNTERS = ("xact_commit", "sessions", "tup_inserted", "tup_updated", "tup_deleted")


def postgres_counters(database: Database) -> dict[str, int]:
    """The bench database's totals from pg_stat_database: commits, sessions (connections opened), rows.

    Backends report at the end of a transaction at most once a second, and when they exit; the caller
    waits a little more than a second before reading, so that what it measured has been reported."""
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True, connect_timeout=10) as admin:
        row = admin.execute(f"SELECT {', '.join(PG_COUNTERS)} FROM pg_stat_database WHERE datname = %s",
                            (database.name,)).fetchone()
    return dict(zip(PG_COUNTERS, row or [0] * len(PG_COUNTERS)))


def create_database(kind: str, workdir: Path, stack: ExitStack) -> Database:
    if kind == "sqlite":
        path = workdir / "bench.sqlite3"
        return Database("sqlite", f"sqlite:///{path}", str(path))
    import psycopg

    name = f"flowdeck_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    stack.callback(_drop_database, name)
    return Database("postgres", f"{PG_ADMIN_URL}/{name}", name)


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- our stack ----------------------------------------------------------------------------------------

@dataclass
class OurStack:
    """Daphne on a free port and `workers` runexecutions processes on one bench database."""

    database: Database
    workers: int
    endpoint: Endpoint | None = None
    workdir: Path = Path()
    daphne: subprocess.Popen | None = None
    worker_processes: list[subprocess.Popen] = field(default_factory=list)
    env: dict = field(default_factory=dict)

    def pids(self) -> dict[str, list[int]]:
        return {"daphne": [self.daphne.pid] if self.daphne else [],
                "workers": [p.pid for p in self.worker_processes]}

    def check_alive(self) -> None:
        for process in [self.daphne, *self.worker_processes]:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{' '.join(map(str, process.args[:3]))} exited with {process.returncode}")


def _spawn(args: list[str], env: dict, log: Path, stack: ExitStack) -> subprocess.Popen:
    handle = open(log, "wb")
    stack.callback(handle.close)
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=handle,
                               stderr=subprocess.STDOUT, start_new_session=True)
    stack.callback(stop_process, process)
    return process


def start_our_stack(kind: str, workers: int, stack: ExitStack, *, worker_interval: float | None = None,
                    functions: str = "bench.runtime_functions", what_if: str = "") -> OurStack:
    """Create the database, migrate it, start Daphne and the workers; everything stops with `stack`.

    `what_if` (comma-separated, see bench/runtime_whatif.py) runs every process with changed settings."""
    workdir = Path(tempfile.mkdtemp(prefix=f"flowdeck-bench-{kind}-"))
    stack.callback(shutil.rmtree, workdir, True)
    database = create_database(kind, workdir, stack)
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLOWDECK_")}
    env.update(FLOWDECK_DATABASE_URL=database.url, FLOWDECK_VAR_DIR=str(workdir), FLOWDECK_FUNCTIONS=functions,
               FLOWDECK_LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="designer.settings", PYTHONPATH=str(ROOT),
               PYTHONUNBUFFERED="1")
    if what_if:
        env.update(DJANGO_SETTINGS_MODULE="bench.runtime_whatif", FLOWDECK_BENCH_WHAT_IF=what_if)
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    if migrate.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{migrate.stdout}\n{migrate.stderr}")
    port = free_port()
    ours = OurStack(database, workers, _endpoint(f"http://{HOST}:{port}", env), workdir, env=env)
    daphne_log = workdir / "daphne.log"
    ours.daphne = _spawn([str(VENV_BIN / "daphne"), "--bind", HOST, "--port", str(port),
                          "designer.asgi:application"], env, daphne_log, stack)
    wait_for_port(port, ours.daphne, daphne_log)
    extra = ["--interval", str(worker_interval)] if worker_interval is not None else []
    for index in range(workers):
        ours.worker_processes.append(_spawn([sys.executable, "manage.py", "runexecutions", *extra], env,
                                            workdir / f"worker-{index}.log", stack))
    return ours


def _endpoint(url: str, env: dict) -> Endpoint:
    """The endpoint at `url` with an access key of a new superuser of the bench's database."""
    created = subprocess.run([sys.executable, "manage.py", "accesskey", "create", "bench", "--superuser",
                              "--description", "runtime benchmark"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    if created.returncode != 0:
        raise RuntimeError(f"accesskey create failed:\n{created.stdout}\n{created.stderr}")
    values = dict(line.split("=", 1) for line in created.stdout.split())
    return Endpoint(url, values["AWS_ACCESS_KEY_ID"], values["AWS_SECRET_ACCESS_KEY"])


# -- moto ---------------------------------------------------------------------------------------------

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


def start_moto(stack: ExitStack) -> tuple[str, subprocess.Popen]:
    """`moto_server` on a free port with its interpreter on and Lambda answered without Docker.

    MOTO_PORT tells moto's Step Functions interpreter where its own server is: its Lambda tasks call
    Lambda through HTTP on that port (and moto's Lambda without Docker returns the payload it gets).
    """
    executable = VENV_BIN / "moto_server"
    if not executable.exists():
        raise RuntimeError("moto_server is not installed (pip install 'moto[server,stepfunctions]')")
    workdir = Path(tempfile.mkdtemp(prefix="flowdeck-bench-moto-"))
    stack.callback(shutil.rmtree, workdir, True)
    port = free_port()
    env = dict(os.environ, MOTO_PORT=str(port), PYTHONUNBUFFERED="1")
    log = workdir / "moto.log"
    process = _spawn([str(executable), "-H", HOST, "-p", str(port)], env, log, stack)
    wait_for_port(port, process, log)
    url = f"http://{HOST}:{port}"
    request = urllib.request.Request(f"{url}/moto-api/config", data=json.dumps(MOTO_CONFIG).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
    return url, process
