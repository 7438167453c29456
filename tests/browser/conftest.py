"""Browser tests: Debian's Chromium, driven by Playwright, against a live Daphne and a live worker.

The site runs as it does in production, as subprocesses: `daphne` (HTTP and the WebSocket stream) and
`manage.py runexecutions` (timers, task invocations), both on this session's test database (a SQLite file,
pytest-django's), so what a test writes through the ORM, committed (`django_db(transaction=True)`), is what the
server serves. Only static files are served differently: from the apps' static directories
(tests/browser/asgi.py), so that no collectstatic is needed.

`.ci/test` runs them in their own pytest invocation (`pytest tests/browser`). Playwright's sync API keeps an event
loop running in the main thread while it is started, which pytest-asyncio tests trip over; it is started for this
package and stopped after it, so a single `pytest tests` works too.
Screenshots go to $FLOWDECK_VAR_DIR/test-screenshots/ and are listed at the end of the run.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are still plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# What works as root, without a network (see the reference notes on this machine's browser).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
SCREENSHOTS: list[Path] = []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the live server exited ({process.returncode}):\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the live server did not listen on {port} within {seconds} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="package")
def live_server_url(django_db_setup) -> str:
    """http://localhost:<port>: Daphne and one worker on the test database, while tests/browser runs (stopped
    after it: a live worker would otherwise take the jobs of the tests that follow)."""
    from django.conf import settings
    from django.db import connection

    database = connection.settings_dict["NAME"]
    if database == ":memory:" or "mode=memory" in str(database):
        pytest.fail("the browser tests need the test database in a file (the server is another process)")
    logs = Path(settings.VAR_DIR) / "browser-logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FLOWDECK_DATABASE_URL": f"sqlite:///{database}", "FLOWDECK_VAR_DIR": str(settings.VAR_DIR),
           "FLOWDECK_FUNCTIONS": "tests.browser.functions", "PYTHONPATH": str(ROOT),
           # Every test signs in from 127.0.0.1, dozens a minute; the login limit has its own tests (tests/accounts).
           "FLOWDECK_LOGIN_RATE_LIMIT": "100000"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    port = _free_port()
    server_log, worker_log = logs / "daphne.log", logs / "worker.log"
    with open(server_log, "wb") as server_out, open(worker_log, "wb") as worker_out:
        server = subprocess.Popen([sys.executable, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(port),
                                   "tests.browser.asgi:application"], cwd=ROOT, env=env, stdout=server_out,
                                  stderr=subprocess.STDOUT)
        worker = subprocess.Popen([sys.executable, "manage.py", "runexecutions", "--interval", "0.1"], cwd=ROOT,
                                  env=env, stdout=worker_out, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, server, server_log)
        # "localhost", not 127.0.0.1: Chromium keeps Secure (__Host-) cookies for http://localhost, a secure context.
        yield f"http://localhost:{port}"
    finally:
        _stop(worker)
        _stop(server)


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: run .ci/setup.sh --browser (apt-get install chromium) first")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server_url):
    """Pages in a fresh browser context (own cookies) per user: `page = new_page()`."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server_url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page, user, password: str) -> None:
    """Sign `user` in through the login page, as a person does."""
    page.goto("/login/")
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", password)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("[type=submit]").click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, f"logging in as {user} failed: {page.url}"


def watch_errors(page, *, console: bool = True) -> list[str]:
    """The page's uncaught script errors (and, with console, what it logs as errors), collected as they come."""
    errors: list[str] = []
    if console:
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def screenshot(page, name: str) -> Path:
    path = screenshot_path(f"{name}.png")
    page.screenshot(path=str(path), full_page=True)
    return path


def screenshot_path(filename: str) -> Path:
    """Where an image the tests make goes (listed at the end of the run): $FLOWDECK_VAR_DIR/test-screenshots/."""
    from django.conf import settings

    directory = Path(settings.VAR_DIR) / "test-screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / filename
    SCREENSHOTS.append(path)
    return path


def pytest_terminal_summary(terminalreporter) -> None:
    if SCREENSHOTS:
        terminalreporter.write_sep("-", "browser screenshots")
        for path in SCREENSHOTS:
            terminalreporter.write_line(str(path))
