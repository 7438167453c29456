"""Interpreter benchmark: state transitions per second of Flowdeck's engine and of moto, side by side.

    cd /work/main && .venv/bin/python bench/engine.py [--quick] [--rows a,b,...] [--json] [--profile]

Rows (the issue's list): (a) a 10-state Pass chain run 1,000 times, (b) a Choice loop of 10,000
iterations, (c) an inline Map over 10,000 items, (d) a Parallel of 10 branches x 100 states, (e) a chain
of JSONata-heavy states and (e') its JSONPath + intrinsics counterpart, which moto can run. Both sides run
the same definitions; each compiles (parses) once outside the timing. Ours keeps the history, as a real
run does, and reports the best of a few repetitions; moto, about 50 times slower, runs a smaller size of
the same definition where the table says so (transitions per second is the metric; measured at
1,000 to 3,000 iterations or items, moto's rate does not change with size) and reports the best of two. After the table
comes the peak memory of the 10,000-item Map, measured in a child process.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import definitions as defs  # noqa: E402
from bench.memory import measure_map_memory  # noqa: E402

GOAL_RATIO = 20.0


@dataclass(frozen=True)
class Size:
    """How big one side's run of a row is: a builder argument and the number of executions."""

    arg: Any
    executions: int


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    # size argument -> (definition, input)
    build: Callable[[Any], tuple[dict, Any]]
    describe: Callable[[Size], str]
    ours: Size
    moto: Size
    ours_quick: Size
    moto_quick: Size


def _n(value: int) -> str:
    return f"{value:,}"


def _runs(count: int) -> str:
    return f"x {_n(count)} run" + ("s" if count != 1 else "")


ROWS: list[Row] = [
    Row("a", "10-state Pass chain", lambda _: (defs.pass_chain(10), defs.pass_chain_input()),
        lambda s: _runs(s.executions),
        Size(None, 1000), Size(None, 100), Size(None, 20), Size(None, 5)),
    Row("b", "Choice loop (Pass + States.MathAdd)",
        lambda n: (defs.choice_loop(), defs.choice_loop_input(n)),
        lambda s: f"{_n(s.arg)} iterations",
        Size(10_000, 1), Size(1_000, 1), Size(200, 1), Size(50, 1)),
    Row("c", "inline Map, 2 Pass per item", lambda n: (defs.inline_map(), defs.inline_map_input(n)),
        lambda s: f"{_n(s.arg)} items",
        Size(10_000, 1), Size(1_000, 1), Size(200, 1), Size(50, 1)),
    Row("d", "Parallel of Pass chains",
        lambda shape: (defs.parallel_chains(*shape), defs.parallel_input()),
        lambda s: f"{s.arg[0]} x {s.arg[1]} states" + (f", {s.executions} runs" if s.executions > 1 else ""),
        Size((10, 100), 5), Size((10, 100), 1), Size((3, 10), 2), Size((3, 10), 1)),
    Row("e", "JSONata chain, 10 states", lambda _: (defs.jsonata_chain(), defs.orders_input()),
        lambda s: _runs(s.executions),
        Size(None, 200), Size(None, 1), Size(None, 5), Size(None, 1)),
    Row("e'", "JSONPath + intrinsics chain, 10 states", lambda _: (defs.jsonpath_chain(), defs.orders_input()),
        lambda s: _runs(s.executions),
        Size(None, 200), Size(None, 20), Size(None, 5), Size(None, 2)),
]
ROW_ALIASES = {"e2": "e'", "ep": "e'"}


@dataclass
class Side:
    transitions: int = 0
    seconds: float = 0.0
    size: str = ""
    na: str | None = None  # why this side has no figure

    @property
    def rate(self) -> float | None:
        return self.transitions / self.seconds if self.seconds and self.na is None else None


@dataclass
class Result:
    row: Row
    ours: Side
    moto: Side
    checks: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        ours, moto = self.ours.rate, self.moto.rate
        return ours / moto if ours and moto else None


# -- our side ---------------------------------------------------------------------------------------

def compile_definition(definition: dict) -> Any:
    """Validate and compile once, outside any timing."""
    from designer.asl.compile import compile_machine

    return compile_machine(definition, validate=True)


def run_ours(machine: Any, input: Any, executions: int, *, verify: bool = False) -> tuple[int, float, Any]:
    """Run a compiled machine `executions` times with history kept; return transitions, seconds and output.

    `verify` (for untimed runs) also checks that RunResult.transitions equals the history's
    `*StateEntered` events, the count moto's side is measured by.
    """
    from executions.engine.runner import LocalRunner

    # No history cap: the 10,000-item Map writes ~60,000 events, past the 25,000 an AWS Standard
    # execution may have (AWS would fail it; an Express workflow would not). We measure the interpreter.
    runner = LocalRunner(machine, keep_history=True, max_history_events=None)
    transitions = 0
    output: Any = None
    started = time.perf_counter()
    for index in range(executions):
        result = runner.run(input, name=f"run-{index}", state_machine_name="bench")
        if result.status != "SUCCEEDED":
            raise RuntimeError(f"our run ended {result.status}: {result.error}: {result.cause}")
        transitions += result.transitions
        output = result.output
        if verify:
            entered = sum(1 for event in result.events if event["type"].endswith("StateEntered"))
            if entered != result.transitions:
                raise RuntimeError(f"RunResult.transitions={result.transitions}, {entered} *StateEntered events")
    return transitions, time.perf_counter() - started, output


def measure_ours(row: Row, size: Size, repetitions: int) -> Side:
    """Best of `repetitions` timed runs, after one untimed run that checks the transition count."""
    definition, input = row.build(size.arg)
    machine = compile_definition(definition)
    run_ours(machine, input, 1, verify=True)
    best = None
    for _ in range(repetitions):
        transitions, seconds, _ = run_ours(machine, input, size.executions)
        if best is None or seconds < best.seconds:
            best = Side(transitions, seconds, row.describe(size))
    assert best is not None
    return best


# -- moto side --------------------------------------------------------------------------------------

def measure_moto(session: Any, row: Row, size: Size, ours_size: Size, checks: list[str],
                 repetitions: int = 1) -> Side:
    """Best of `repetitions` moto runs of `size`; check output and transitions against ours at that size."""
    definition, input = row.build(size.arg)
    run = session.run(definition, input, size.executions)
    for _ in range(repetitions - 1):
        if run.status != "SUCCEEDED":
            break
        again = session.run(definition, input, size.executions)
        run = again if again.seconds < run.seconds else run
    label = row.describe(size) + (" (smaller)" if size.arg != ours_size.arg else "")
    if run.status != "SUCCEEDED":
        reason = f"{run.error}: {(run.cause or '').splitlines()[-1] if run.cause else ''}".strip(": ")
        if "NoneType' object is not callable" in (run.cause or "") and definition.get("QueryLanguage") == "JSONata":
            reason = "no JSONata evaluator (" + reason + ")"
        return Side(run.transitions, run.seconds, label, na=f"moto: {run.status} {reason}")
    transitions, _, output = run_ours(compile_definition(definition), input, size.executions, verify=True)
    if transitions != run.transitions:
        checks.append(f"transitions differ: ours {_n(transitions)}, moto {_n(run.transitions)}")
    if output != run.output:
        checks.append("outputs differ")
    return Side(run.transitions, run.seconds, label)


# -- table ------------------------------------------------------------------------------------------

def _rate(side: Side) -> str:
    if side.na:
        return f"n/a ({side.na})"
    return _n(round(side.rate)) if side.rate is not None else "-"


def _run_text(side: Side) -> str:
    if side.na:
        return "-"
    return f"{side.size}: {_n(side.transitions)} in {side.seconds:.3f} s"


def format_table(results: list[Result]) -> str:
    lines = [
        "| row | definition | our transitions/s | moto transitions/s | ratio | goal met | our run | moto run | check |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        ratio = result.ratio
        if result.ours.na:
            goal = "error"
        elif ratio is None:
            goal = "n/a (see e')" if result.row.key == "e" else "n/a"
        else:
            goal = "yes" if ratio >= GOAL_RATIO else "NO"
        lines.append(" | ".join([
            f"| ({result.row.key})", result.row.title, _rate(result.ours), _rate(result.moto),
            f"{ratio:.1f}x" if ratio else "-", goal, _run_text(result.ours), _run_text(result.moto),
            "; ".join(result.checks) or ("ok" if result.moto.na is None else "-"),
        ]) + " |")
    return "\n".join(lines)


def to_json(results: list[Result], memory: dict | None) -> dict:
    def side(s: Side) -> dict:
        return {"transitions": s.transitions, "seconds": s.seconds, "size": s.size,
                "transitions_per_second": s.rate, "na": s.na}

    return {
        "goal_ratio": GOAL_RATIO,
        "rows": [{"row": r.row.key, "definition": r.row.title, "ours": side(r.ours), "moto": side(r.moto),
                  "ratio": r.ratio, "goal_met": (r.ratio >= GOAL_RATIO) if r.ratio else None,
                  "checks": r.checks} for r in results],
        "memory": memory,
    }


# -- profile ----------------------------------------------------------------------------------------

def profile_rows(rows: list[Row], quick: bool, top: int, out: Any) -> None:
    """cProfile one run of our side per row; print the `top` functions by own time and by cumulative time."""
    import cProfile
    import io
    import pstats

    for row in rows:
        size = row.ours_quick if quick else row.ours
        definition, input = row.build(size.arg)
        profiler = cProfile.Profile()
        try:
            machine = compile_definition(definition)
            run_ours(machine, input, 1)  # warm up (lazy imports, caches) outside the profile
            profiler.enable()
            run_ours(machine, input, size.executions)
        except Exception as exc:  # a broken row should not hide the others' profiles
            print(f"\n### profile ({row.key}): {type(exc).__name__}: {exc}", file=out)
            continue
        finally:
            profiler.disable()
        for order in ("tottime", "cumulative"):
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(top)
            body = text.getvalue()
            body = body[body.find("   ncalls"):] if "   ncalls" in body else body
            print(f"\n### profile ({row.key}) {row.title}, {row.describe(size)}: top {top} by {order}\n", file=out)
            print(body.rstrip(), file=out)


# -- main -------------------------------------------------------------------------------------------

def select_rows(spec: str | None) -> list[Row]:
    if not spec:
        return ROWS
    keys = [ROW_ALIASES.get(key.strip(), key.strip()) for key in spec.split(",") if key.strip()]
    by_key = {row.key: row for row in ROWS}
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        raise SystemExit(f"unknown rows {unknown}; choose from {', '.join(by_key)}")
    return [by_key[key] for key in keys]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", "--smoke", action="store_true", help="small sizes, one repetition")
    parser.add_argument("--rows", help="comma-separated rows to run (a,b,c,d,e,e'); default all")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of the table")
    parser.add_argument("--repetitions", type=int, help="our side: best of this many (default 3, quick 1)")
    parser.add_argument("--moto-repetitions", type=int, help="moto: best of this many (default 2, quick 1)")
    parser.add_argument("--no-moto", action="store_true", help="run our side only")
    parser.add_argument("--no-memory", action="store_true", help="skip the Map peak-memory measurement")
    parser.add_argument("--profile", nargs="?", const=15, type=int, metavar="TOP",
                        help="also cProfile our side once per row and print the TOP hot spots")
    args = parser.parse_args(argv)
    rows = select_rows(args.rows)
    repetitions = args.repetitions or (1 if args.quick else 3)
    moto_repetitions = args.moto_repetitions or (1 if args.quick else 2)

    results: list[Result] = []
    for row in rows:
        ours_size = row.ours_quick if args.quick else row.ours
        try:
            ours = measure_ours(row, ours_size, repetitions)
        except Exception as exc:
            ours = Side(size=row.describe(ours_size), na=f"error: {type(exc).__name__}: {exc}")
        results.append(Result(row, ours, Side(na="not run")))

    if not args.no_moto:
        from bench.moto_side import MotoSession

        with MotoSession() as session:
            for result in results:
                row = result.row
                size = row.moto_quick if args.quick else row.moto
                ours_size = row.ours_quick if args.quick else row.ours
                try:
                    result.moto = measure_moto(session, row, size, ours_size, result.checks, moto_repetitions)
                except Exception as exc:
                    result.moto = Side(size=row.describe(size), na=f"error: {type(exc).__name__}: {exc}")

    memory = None
    if not args.no_memory and any(row.key == "c" for row in rows):
        items = ROWS[2].ours_quick.arg if args.quick else ROWS[2].ours.arg
        memory = measure_map_memory(items)

    if args.json:
        print(json.dumps(to_json(results, memory), indent=2))
    else:
        print(format_table(results))
        met = [r.ratio >= GOAL_RATIO for r in results if r.ratio is not None]
        print(f"\nGoal: at least {GOAL_RATIO:.0f}x moto's transitions/s on every row: "
              f"{'met' if met and all(met) else 'NOT met'} ({sum(met)} of {len(met)} comparable rows).")
        print("Moto's time excludes its per-execution ANTLR parse (ours excludes compile); ours keeps history.")
        if memory:
            print("\n" + memory["text"])
    if args.profile:
        profile_rows(rows, args.quick, args.profile, sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
