"""The runtime benchmark's results and how they are printed: a markdown table, the goals, CPU per process."""
from __future__ import annotations

from dataclasses import dataclass, field

GOAL_TRANSITIONS = 2000.0  # persisted state transitions per second on PostgreSQL
GOAL_RATIO = 10.0  # times moto's rate
PERSISTED = ("a", "a'", "c'")  # rows whose every history event is stored (Express (c) stores none, as AWS)

WORKLOADS = {
    "a": "5 states, 2 Python-function Tasks: throughput",
    "a'": "5 states, Pass/Choice only: throughput",
    "b": "5 states, 2 Tasks: StartExecution to end",
    "c": "inline Map, 2 Pass per item, EXPRESS (StartSync; no history kept)",
    "c'": "inline Map, 2 Pass per item, STANDARD",
}


@dataclass
class Measure:
    executions: int = 0
    transitions: int = 0
    seconds: float = 0.0
    size: str = ""
    p50: float | None = None
    p95: float | None = None
    events_per_execution: int | None = None
    output: str | None = None
    checks: list[str] = field(default_factory=list)
    na: str | None = None  # why there is no figure

    @property
    def rate(self) -> float | None:
        return self.transitions / self.seconds if self.seconds > 0 and self.na is None else None

    @property
    def executions_rate(self) -> float | None:
        return self.executions / self.seconds if self.seconds > 0 and self.na is None else None


@dataclass
class Row:
    key: str
    setup: str
    label: str
    ours: Measure
    moto: Measure

    @property
    def latency(self) -> bool:
        return self.key == "b"

    @property
    def ratio(self) -> float | None:
        """Throughput rows: our rate / moto's. Latency: moto's p50 / ours (how many times faster we end)."""
        if self.latency:
            ours, moto = self.ours.p50, self.moto.p50
            return moto / ours if ours and moto and self.ours.na is None and self.moto.na is None else None
        ours, moto = self.ours.rate, self.moto.rate
        return ours / moto if ours and moto else None

    def checks(self) -> list[str]:
        found = list(self.ours.checks) + [f"moto: {check}" for check in self.moto.checks]
        if self.ours.output is not None and self.moto.output is not None and self.ours.na is None \
                and self.moto.na is None and _normal(self.ours.output) != _normal(self.moto.output):
            found.append("outputs differ from moto's")
        return found

    def goal(self) -> str:
        if self.ours.na:
            return "error"
        if self.latency:
            return "-"
        parts = []
        if self.setup.startswith("postgres") and self.key in PERSISTED:
            rate = self.ours.rate or 0.0
            parts.append(f"2,000/s {'yes' if rate >= GOAL_TRANSITIONS else 'NO'}")
        ratio = self.ratio
        parts.append(f"10x {'yes' if ratio and ratio >= GOAL_RATIO else 'NO' if ratio else 'n/a'}")
        return ", ".join(parts)


def _normal(text: str) -> object:
    import json

    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def _n(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f}"


def _figure(measure: Measure, latency: bool) -> str:
    if measure.na:
        return f"n/a ({measure.na})"
    if latency:
        return f"{_ms(measure.p50)} / {_ms(measure.p95)} ms"
    return _n(measure.rate)


def _run(measure: Measure) -> str:
    if measure.na:
        return "-"
    return f"{measure.size}: {measure.transitions:,} transitions in {measure.seconds:.2f} s"


def format_table(rows: list[Row]) -> str:
    lines = [
        "| row | workload | setup | executions/s | transitions/s | p50 / p95 | moto | ratio | goal | our run | moto run "
        "| check |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ours = row.ours
        ratio = row.ratio
        lines.append("| " + " | ".join([
            f"({row.key})", WORKLOADS[row.key], row.label,
            "-" if ours.na or row.latency else _n(ours.executions_rate, 1),
            f"n/a ({ours.na})" if ours.na else ("-" if row.latency else _n(ours.rate)),
            f"{_ms(ours.p50)} / {_ms(ours.p95)} ms" if row.latency and not ours.na else "-",
            _figure(row.moto, row.latency),
            f"{ratio:.1f}x" if ratio else "-",
            row.goal(),
            _run(ours), _run(row.moto),
            "; ".join(row.checks()) or "ok",
        ]) + " |")
    return "\n".join(lines)


def goals(rows: list[Row]) -> list[str]:
    """One line per goal: the best PostgreSQL figure of (a) and of (c), and every throughput ratio."""
    lines = []
    for key in ("a", "c'"):
        postgres = [row for row in rows if row.key == key and row.setup.startswith("postgres") and row.ours.rate]
        if postgres:
            best = max(postgres, key=lambda row: row.ours.rate or 0.0)
            rate = best.ours.rate or 0.0
            lines.append(f"Goal >= {GOAL_TRANSITIONS:,.0f} persisted transitions/s on PostgreSQL, ({key}): "
                         f"{'met' if rate >= GOAL_TRANSITIONS else 'NOT met'} ({rate:,.0f}/s, {best.label}).")
    ratios = [row for row in rows if not row.latency and row.ratio is not None]
    if ratios:
        met = [row for row in ratios if (row.ratio or 0) >= GOAL_RATIO]
        worst = min(ratios, key=lambda row: row.ratio or 0.0)
        lines.append(f"Goal >= {GOAL_RATIO:.0f}x moto's transitions/s: met on {len(met)} of {len(ratios)} throughput "
                     f"rows (lowest {worst.ratio:.1f}x: ({worst.key}) {worst.label}).")
    lines.append("Throughput: first StartExecution until none is RUNNING (seen through the API). Latency: "
                 "StartExecution to stopDate, one execution at a time. Every history event of (a), (a') and (c') "
                 "is persisted and checked in the database (see bench/README.md).")
    return lines


def format_cpu(cpu: dict[str, dict]) -> str:
    """CPU per process group while a row ran, in cores (CPU seconds per wall-clock second)."""
    names = ["daphne", "workers", "PostgreSQL", "bench client", "other processes", "machine busy"]
    lines = ["Where the CPU went, in cores (CPU seconds / wall seconds; the machine has 2): PostgreSQL counts every "
             "database on the server; other processes are the rest of the machine (other users' work skews the "
             "figures when it is high).", "",
             "| row, setup | wall s | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for key, usage in cpu.items():
        seconds = usage["seconds"] or 1e-9
        spent = usage["cpu_seconds"]
        ours = sum(spent.get(name, 0.0) for name in names[:4])
        spent.setdefault("other processes", max(0.0, spent.get("machine busy", 0.0) - ours))
        cells = []
        for name in names:
            value = usage["cpu_seconds"].get(name)
            cells.append("-" if value is None else f"{value / seconds:.2f}")
        lines.append(f"| {key} | {usage['seconds']:.2f} | " + " | ".join(cells) + " |")
    database = {key: usage["database_per_execution"] for key, usage in cpu.items() if usage.get("database_per_execution")}
    if database:
        lines += ["", "PostgreSQL work per execution (pg_stat_database of the bench database: transactions include "
                  "read-only ones, as every autocommit SELECT is one; the workers' idle polls and heartbeats and the "
                  "harness's ListExecutions polls are in there too):", "",
                  "| row, setup | transactions | connections opened | rows inserted | rows updated | rows deleted |",
                  "|---|---|---|---|---|---|"]
        for key, per in database.items():
            lines.append(f"| {key} | {per['xact_commit']:.1f} | {per['sessions']:.1f} | {per['tup_inserted']:.1f} | "
                         f"{per['tup_updated']:.1f} | {per['tup_deleted']:.1f} |")
    return "\n".join(lines)


def to_json(rows: list[Row], cpu: dict, profile: str | None, sizes: dict) -> dict:
    def side(measure: Measure) -> dict:
        return {"executions": measure.executions, "transitions": measure.transitions, "seconds": measure.seconds,
                "size": measure.size, "executions_per_second": measure.executions_rate,
                "transitions_per_second": measure.rate, "p50_seconds": measure.p50, "p95_seconds": measure.p95,
                "events_per_execution": measure.events_per_execution, "na": measure.na}

    return {
        "goal_transitions_per_second": GOAL_TRANSITIONS, "goal_ratio": GOAL_RATIO, "sizes": sizes,
        "rows": [{"row": row.key, "workload": WORKLOADS[row.key], "setup": row.setup, "ours": side(row.ours),
                  "moto": side(row.moto), "ratio": row.ratio, "goal": row.goal(), "checks": row.checks()}
                 for row in rows],
        "cpu": cpu, "profile": profile,
    }
