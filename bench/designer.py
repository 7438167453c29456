"""Designer benchmark: the browser designer's load time by machine size, and its frame times while dragging.

    cd /work/main && .venv/bin/python bench/designer.py [--sizes 50,500,2000] [--repeat 3]
                                                        [--drag-size 500] [--drag-steps 150] [--warm] [--json]

The product runs as the browser tests run it (tests/browser/conftest.py): Daphne serving the site on a
throwaway SQLite database, static files (the built designer in frontend/dist: build it first) served from
the apps' directories. The benchmark creates one machine per size (bench/designer_machines.py), a user who
may edit them, and opens each machine's design page in Debian's Chromium through Playwright (never a
downloaded browser), a fresh browser context (cold HTTP cache, no stored layouts) per run. With --warm, each
run then opens the machine once more in the same context (a second visit: HTTP cache and the designer's stored
elk layouts warm), reported in a table of its own.

Load: the app records User Timing marks (frontend/src/app/timing.ts), counted from the navigation's start;
`designer:interactive` is the first laid-out picture painted (for a large machine a provisional layout drawn
while elk works), `designer:ready` elk's layout rendered, React Flow's fit done, and that frame painted (the
same moment for a small machine). After it, "settled" waits for the main thread to go quiet (no long task for
500 ms) and is the end of the last long task. Drag: on the `--drag-size` machine, as loaded
(fitted view), a state node in the middle of the canvas is dragged by the mouse in `--drag-steps` moves paced
at 125 Hz while the page records requestAnimationFrame timestamps; frame time is the gap between frames.
See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.designer_machines import machine_definition  # noqa: E402
from bench.runtime_stack import free_port, stop_process, wait_for_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]  # as tests/browser/conftest.py
VIEWPORT = {"width": 1600, "height": 1000}
USER, PASSWORD = "bench", "bench-pass-1234"
ROLE = "arn:aws:iam::123456789012:role/flowdeck-bench"
LOAD_TIMEOUT_MS = 120_000
QUIET_MS = 500
STEP_SECONDS = 0.008  # mouse moves at 125 Hz, a common mouse's report rate

# Installed before any page script: long tasks, for "settled".
LONG_TASKS = """
window.__benchLongTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__benchLongTasks.push([entry.startTime, entry.duration]);
}).observe({ type: "longtask", buffered: true });
"""
READ_TIMINGS = """() => {
  const out = {};
  for (const entry of performance.getEntriesByType("mark")) if (entry.name.startsWith("designer:")) out[entry.name] = entry.startTime;
  for (const entry of performance.getEntriesByType("measure")) if (entry.name.startsWith("designer:")) out[entry.name] = entry.duration;
  return out;
}"""
LAST_BUSY = "() => [performance.now(), Math.max(0, ...(window.__benchLongTasks ?? []).map(([start, duration]) => start + duration))]"
START_FRAMES = """() => {
  window.__benchFrames = [];
  window.__benchRecording = true;
  const tick = (time) => { window.__benchFrames.push(time); if (window.__benchRecording) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""
STOP_FRAMES = "() => { window.__benchRecording = false; return window.__benchFrames; }"
# A state node well inside the canvas (clear of the controls and the minimap), to drag.
PICK_NODE = """() => {
  const pane = document.querySelector(".react-flow").getBoundingClientRect();
  const inside = (r) => r.left > pane.left + 80 && r.right < pane.right - 260 && r.top > pane.top + 80 && r.bottom < pane.bottom - 220;
  for (const element of document.querySelectorAll(".react-flow__node-state")) {
    const r = element.getBoundingClientRect();
    if (r.width > 0 && inside(r)) return { id: element.dataset.id, x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }
  return null;
}"""
NODE_CENTRE = """(id) => {
  const r = document.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"]`).getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
}"""

PHASES = [  # (column, how to compute it from the marks, in ms)
    ("interactive", lambda t: t["designer:interactive"]),
    ("ready", lambda t: t["designer:ready"]),
    ("settled", lambda t: t["settled"]),
    ("boot", lambda t: t["designer:boot"]),
    ("fetch", lambda t: t["designer:fetched"] - t["designer:boot"]),
    ("import", lambda t: t["designer:imported"] - t["designer:fetched"]),
    ("graph", lambda t: t.get("designer:graph", 0.0)),
    ("provisional", lambda t: t.get("designer:provisional", 0.0)),
    ("code", lambda t: t.get("designer:code", 0.0)),
    ("layout", lambda t: t["designer:layout-end"] - t["designer:layout-start"]),
    ("render", lambda t: t["designer:ready"] - t["designer:layout-end"]),
]


# -- the site ---------------------------------------------------------------------------------------------

def start_site(stack: ExitStack, sizes: list[int]) -> tuple[str, dict[int, str]]:
    """A fresh database with the machines and the user, and Daphne serving it; returns its URL and the names."""
    workdir = Path(tempfile.mkdtemp(prefix="flowdeck-bench-designer-"))
    stack.callback(shutil.rmtree, workdir, True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLOWDECK_")}
    env.update(FLOWDECK_DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}", FLOWDECK_VAR_DIR=str(workdir),
               FLOWDECK_LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="designer.settings", PYTHONPATH=str(ROOT))
    names = {size: f"Designer{size}" for size in sizes}
    seed = subprocess.run([sys.executable, "-c", SEED], input=json.dumps({n: machine_definition(s) for s, n in names.items()}),
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if seed.returncode != 0:
        raise RuntimeError(f"creating the benchmark's database failed:\n{seed.stdout}\n{seed.stderr}")
    port = free_port()
    log = workdir / "daphne.log"
    with open(log, "wb") as out:
        daphne = subprocess.Popen([sys.executable, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(port),
                                   "tests.browser.asgi:application"], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    stack.callback(stop_process, daphne)
    wait_for_port(port, daphne, log)
    # "localhost": Chromium keeps the site's Secure (__Host-) cookies for http://localhost, a secure context.
    return f"http://localhost:{port}", names


SEED = f"""
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from designer import services
from designer.accounts import permissions
call_command("migrate", "--noinput", verbosity=0)
user = get_user_model().objects.create_user({USER!r}, password={PASSWORD!r})
for name, definition in json.load(sys.stdin).items():
    machine = services.create_state_machine(name=name, definition=definition, role_arn={ROLE!r})
    permissions.grant(machine, permissions.EDIT, user=user)
"""


# -- measuring --------------------------------------------------------------------------------------------

def log_in(browser, url: str) -> dict:
    context = browser.new_context(base_url=url)
    page = context.new_page()
    page.goto("/login/")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("[type=submit]").click()
    page.wait_for_load_state()
    if "/login/" in page.url:
        raise RuntimeError("logging in to the benchmark's site failed")
    state = context.storage_state()
    context.close()
    return state


def measure_load(page, name: str) -> dict[str, float]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/machines/{name}/design/", wait_until="commit")
    page.wait_for_function("() => performance.getEntriesByName('designer:ready').length > 0", polling=50,
                           timeout=LOAD_TIMEOUT_MS)
    timings = page.evaluate(READ_TIMINGS)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now, last_busy = page.evaluate(LAST_BUSY)
        if now - max(last_busy, timings["designer:ready"]) >= QUIET_MS:
            break
        time.sleep(0.1)
    timings["settled"] = max(last_busy, timings["designer:ready"])
    if errors:
        raise RuntimeError(f"script errors on {name}: {errors}")
    return {column: compute(timings) for column, compute in PHASES}


def measure_drag(page, steps: int) -> dict[str, float]:
    page.evaluate(START_FRAMES)
    time.sleep(0.5)
    idle = page.evaluate(STOP_FRAMES)
    start = page.evaluate(PICK_NODE)
    if start is None:
        raise RuntimeError("no state node in the middle of the canvas to drag")
    x, y = start["x"], start["y"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate(START_FRAMES)
    began = time.monotonic()
    for step in range(1, steps + 1):
        # Diagonal, 1.5 px per move: a slow, steady drag that stays on the canvas.
        page.mouse.move(x + 1.5 * step, y + 0.75 * step)
        pause = began + step * STEP_SECONDS - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    frames = page.evaluate(STOP_FRAMES)
    page.mouse.up()
    end = page.evaluate(NODE_CENTRE, start["id"])
    if abs(end[0] - x) < 0.5 * 1.5 * steps * 0.5:
        raise RuntimeError(f"the drag did not move {start['id']} (from {x:.0f},{y:.0f} to {end[0]:.0f},{end[1]:.0f})")
    gaps = sorted(b - a for a, b in zip(frames, frames[1:]))
    idle_gaps = [b - a for a, b in zip(idle, idle[1:])]
    return {
        "median": statistics.median(gaps),
        "p95": gaps[min(len(gaps) - 1, round(0.95 * (len(gaps) - 1)))],
        "max": gaps[-1],
        "fps": 1000 * len(gaps) / (frames[-1] - frames[0]),
        "idle fps": 1000 * len(idle_gaps) / (idle[-1] - idle[0]),
        "long frames": sum(gap > 1.5 * 1000 / 60 for gap in gaps),
    }


# -- report -----------------------------------------------------------------------------------------------

def spread(values: list[float], digits: int = 0) -> str:
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def load_table(loads: dict[int, list[dict]]) -> list[str]:
    columns = [column for column, _ in PHASES]
    lines = ["| states | " + " | ".join(columns) + " |", "|---:|" + "---:|" * len(columns)]
    for size, runs in loads.items():
        lines.append(f"| {size:,} | " + " | ".join(spread([run[c] for run in runs]) for c in columns) + " |")
    return lines


def report(loads: dict[int, list[dict]], warm: dict[int, list[dict]], drags: list[dict], drag_size: int) -> str:
    lines = ["Load, ms from the navigation's start (interactive, ready, settled, boot) or per phase: median (min-max)", ""]
    lines += load_table(loads)
    if any(warm.values()):
        lines += ["", "Second visit in the same browser context (HTTP cache and stored layouts warm)", ""]
        lines += load_table(warm)
    if drags:
        lines += ["", f"Dragging a node on the {drag_size:,}-state machine: frame time in ms, median (min-max) over runs", ""]
        keys = ["median", "p95", "max", "fps", "long frames", "idle fps"]
        lines.append("| " + " | ".join(keys) + " |")
        lines.append("|" + "---:|" * len(keys))
        lines.append("| " + " | ".join(spread([d[k] for d in drags], 1) for k in keys) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,500,2000", help="machine sizes in states, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (each in a fresh browser context)")
    parser.add_argument("--drag-size", type=int, default=500, help="the machine to drag a node on (0: no drag)")
    parser.add_argument("--drag-steps", type=int, default=150, help="mouse moves per drag")
    parser.add_argument("--warm", action="store_true", help="also measure a second visit in the same context")
    parser.add_argument("--json", action="store_true", help="print every run as JSON instead of the tables")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.drag_size and args.drag_size not in sizes:
        sizes.append(args.drag_size)
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    if not (ROOT / "frontend" / "dist" / ".vite" / "manifest.json").exists():
        sys.exit("the designer is not built: cd frontend && npx vite build")

    from playwright.sync_api import sync_playwright

    loads: dict[int, list[dict]] = {size: [] for size in sizes}
    warm: dict[int, list[dict]] = {size: [] for size in sizes}
    drags: list[dict] = []
    with ExitStack() as stack:
        url, names = start_site(stack, sizes)
        playwright = sync_playwright().start()
        stack.callback(playwright.stop)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        state = log_in(browser, url)
        for run in range(args.repeat):
            for size in sizes:
                context = browser.new_context(base_url=url, storage_state=state, viewport=VIEWPORT)
                try:
                    context.add_init_script(LONG_TASKS)
                    page = context.new_page()
                    loads[size].append(measure_load(page, names[size]))
                    if size == args.drag_size:
                        drags.append(measure_drag(page, args.drag_steps))
                    if args.warm:
                        page.close()
                        warm[size].append(measure_load(context.new_page(), names[size]))
                finally:
                    context.close()
                print(f"run {run + 1}/{args.repeat}, {size} states: ready {loads[size][-1]['ready']:.0f} ms",
                      file=sys.stderr)
    if args.json:
        print(json.dumps({"loads": {str(k): v for k, v in loads.items()}, "warm": {str(k): v for k, v in warm.items()},
                          "drags": drags}, indent=2))
    else:
        print(report(loads, warm, drags, args.drag_size))


if __name__ == "__main__":
    main()
