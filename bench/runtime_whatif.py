"""Settings for what-if runs of the runtime benchmark (`bench/runtime.py --what-if CHANGE,...`).

Flowdeck's own settings with the changes named in FLOWDECK_BENCH_WHAT_IF, so that a fix suggested by the
profile can be measured before anyone makes it in the runtime. Never used unless asked for; the table marks
every setup that ran with them.

- persistent-connections: keep database connections open between jobs and requests (CONN_MAX_AGE, with
  health checks) instead of opening one per job and per request (Django's default, CONN_MAX_AGE = 0).
- async-commit (PostgreSQL): synchronous_commit=off, so a commit does not wait for its WAL flush. This
  gives up durability of the last moments before a crash; it is here to show what the flushes cost.
"""
import os

from designer.settings import *  # noqa: F403
from designer.settings import DATABASES

WHAT_IF = [change for change in os.environ.get("FLOWDECK_BENCH_WHAT_IF", "").split(",") if change]
CHANGES = ("persistent-connections", "async-commit")
_unknown = [change for change in WHAT_IF if change not in CHANGES]
if _unknown:
    raise ValueError(f"unknown what-if changes {_unknown}; choose from {', '.join(CHANGES)}")

if "persistent-connections" in WHAT_IF:
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "async-commit" in WHAT_IF and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
