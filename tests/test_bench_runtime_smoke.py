"""Smoke test of the runtime benchmark: `bench/runtime.py --quick` on SQLite runs real processes (Daphne, a
worker, moto's server) and reports figures for the chosen rows, with every execution's history checked."""
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "runtime.py"
MOTO_SERVER = Path(sys.executable).parent / "moto_server"

pytestmark = pytest.mark.skipif(importlib.util.find_spec("executions.aws") is None,
                                reason="the AWS-compatible endpoint (executions/aws) is not there yet")


def test_quick_run_on_sqlite_reports_every_row_with_history_checked():
    env = {key: value for key, value in os.environ.items()
           if key != "DJANGO_SETTINGS_MODULE" and not key.startswith("FLOWDECK_")}
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", "--setups", "sqlite-1", "--rows", "a,b,c'"],
        capture_output=True, text=True, cwd="/", env=env, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(completed.stdout)
    rows = {row["row"]: row for row in report["rows"]}
    assert list(rows) == ["a", "b", "c'"]
    for row in rows.values():
        assert row["setup"] == "sqlite-1"
        assert row["ours"]["na"] is None, row
        assert row["checks"] == [], row  # statuses, transitions, events in the database, outputs vs moto
    throughput = rows["a"]["ours"]
    assert throughput["executions"] == report["sizes"]["throughput"]
    assert throughput["transitions"] == 5 * throughput["executions"]
    assert throughput["transitions_per_second"] > 0
    latency = rows["b"]["ours"]
    assert 0 < latency["p50_seconds"] <= latency["p95_seconds"] < 30
    standard_map = rows["c'"]["ours"]
    items = report["sizes"]["standard_map_items"]
    assert standard_map["transitions"] == 1 + 2 * items
    assert standard_map["events_per_execution"] == 6 * items + 6  # read back through GetExecutionHistory
    assert "a sqlite-1" in report["cpu"]
    if MOTO_SERVER.exists():
        assert rows["a"]["moto"]["transitions_per_second"] > 0
        assert rows["a"]["ratio"] == pytest.approx(
            throughput["transitions_per_second"] / rows["a"]["moto"]["transitions_per_second"])
        assert rows["b"]["moto"]["p50_seconds"] > 0
