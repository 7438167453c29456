"""Smoke test of the interpreter benchmark: `bench/engine.py --quick` runs and prints its table."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "engine.py"
ROW_KEYS = ["a", "b", "c", "d", "e", "e'"]


def _run(*args: str) -> subprocess.CompletedProcess:
    # No DJANGO_SETTINGS_MODULE: the benchmark must not need Django.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run([sys.executable, str(SCRIPT), "--quick", *args], capture_output=True, text=True,
                          cwd="/", env=env, timeout=60)


def test_quick_run_prints_the_table_for_every_row():
    completed = _run()
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("| row | definition | our transitions/s | moto transitions/s | ratio | goal met")
    rows = {line.split(" | ")[0][2:].strip("()"): line for line in lines if line.startswith("| (")}
    assert list(rows) == ROW_KEYS
    for key in ("a", "b", "c", "d", "e'"):
        cells = [cell.strip() for cell in rows[key].strip("|").split(" | ")]
        assert cells[2].replace(",", "").isdigit(), rows[key]  # our transitions/s
        assert cells[3].replace(",", "").isdigit(), rows[key]  # moto transitions/s
        assert cells[4].endswith("x") and cells[5] in ("yes", "NO"), rows[key]
        assert cells[8] == "ok", rows[key]  # same output and transition count on both sides
    # moto has no JSONata evaluator: the row says so instead of a figure.
    assert "n/a (moto:" in rows["e"]
    assert "Peak memory, (c) inline Map" in completed.stdout
    assert "tracemalloc peak" in completed.stdout


def test_json_output_for_selected_rows():
    completed = _run("--json", "--rows", "a,e2", "--no-memory")
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert [row["row"] for row in report["rows"]] == ["a", "e'"]
    pass_chain = report["rows"][0]
    # 10 states per run, 20 runs in --quick; moto runs 5.
    assert pass_chain["ours"]["transitions"] == 200
    assert pass_chain["moto"]["transitions"] == 50
    assert pass_chain["ratio"] == pass_chain["ours"]["transitions_per_second"] / \
        pass_chain["moto"]["transitions_per_second"]
    assert report["memory"] is None
