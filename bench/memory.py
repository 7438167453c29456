"""Peak memory of our side on the inline Map row, measured in a fresh child process.

A child process keeps the figures clean: the parent has run moto and the other rows, which would
raise its high-water mark (ru_maxrss) before the Map starts. The child first runs the Map untraced to
read the growth of the peak resident set size, then again under tracemalloc for the peak of Python
allocations, with history kept (as a real run) and without (the interpreter's own working set).
"""
from __future__ import annotations

import gc
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def measure_map_memory(items: int) -> dict:
    """Run the Map-memory child for `items` items; return its figures plus a one-paragraph `text`."""
    completed = subprocess.run([sys.executable, str(Path(__file__).resolve()), str(items)],
                               capture_output=True, text=True, cwd=ROOT, timeout=600)
    if completed.returncode != 0:
        tail = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return {"items": items, "error": tail, "text": f"Peak memory, (c) Map over {items:,} items: error: {tail}"}
    figures = json.loads(completed.stdout)
    figures["text"] = (
        f"Peak memory, (c) inline Map over {items:,} items, our side "
        f"({figures['transitions']:,} transitions, {figures['events']:,} history events kept):\n"
        f"- tracemalloc peak during the run: {figures['tracemalloc_peak_mb']:.1f} MB with history, "
        f"{figures['tracemalloc_peak_no_history_mb']:.1f} MB without\n"
        f"- peak RSS growth during the run: {figures['rss_delta_mb']:.1f} MB "
        f"(from {figures['rss_before_mb']:.1f} MB to a peak of {figures['rss_peak_mb']:.1f} MB; "
        f"input {figures['input_mb']:.1f} MB as JSON)"
    )
    if abs(figures["tracemalloc_peak_mb"] - figures["tracemalloc_peak_no_history_mb"]) < 0.05 * figures["tracemalloc_peak_mb"]:
        figures["text"] += ("\n  (same peak without history: with no Task the whole run is one engine step, and the "
                            "engine builds a step's events before the host can drop them)")
    return figures
    return figures


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024  # reported in kB
    except OSError:
        pass
    return None


def _reset_peak_rss() -> float:
    """Reset the resident-set high-water mark if the kernel allows it; return the current RSS in MB.

    ru_maxrss is no use here: Linux carries it across exec, so a child starts with its parent's peak.
    Writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
    """
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass
    current = _status_mb("VmRSS")
    return current if current is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_rss() -> float:
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(items: int) -> dict:
    sys.path.insert(0, str(ROOT))
    import tracemalloc

    from bench import definitions as defs
    from designer.asl.compile import compile_machine
    from executions.engine.runner import LocalRunner

    machine = compile_machine(defs.inline_map(), validate=True)
    input = defs.inline_map_input(items)
    gc.collect()
    before = _reset_peak_rss()
    started = time.perf_counter()
    result = LocalRunner(machine, keep_history=True, max_history_events=None).run(input, name="memory")
    seconds = time.perf_counter() - started
    after = _peak_rss()
    if result.status != "SUCCEEDED":
        raise RuntimeError(f"the Map run ended {result.status}: {result.error}: {result.cause}")
    transitions, events = result.transitions, len(result.events)
    del result
    peaks = {}
    for keep_history in (True, False):
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        run = LocalRunner(machine, keep_history=keep_history, max_history_events=None).run(input, name="memory")
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        del run
        peaks[keep_history] = peak / MB
    return {
        "items": items, "transitions": transitions, "events": events, "seconds": seconds,
        "input_mb": len(json.dumps(input, separators=(",", ":"))) / MB,
        "rss_before_mb": before, "rss_peak_mb": after, "rss_delta_mb": after - before,
        "tracemalloc_peak_mb": peaks[True], "tracemalloc_peak_no_history_mb": peaks[False],
    }


if __name__ == "__main__":
    print(json.dumps(_child(int(sys.argv[1]))))
