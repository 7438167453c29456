"""Starting definitions the designer offers when creating a state machine ("from a template").

Each template is a `<id>.asl.json` file in this folder, kept as readable JSON with a Comment that says what
it does; creating a machine from one is the ordinary create with that definition. Every template passes the
validator (tests/designer/test_designer_api_templates.py).

ARNs that name this installation's resources (the nested workflow's child machine) are written with the
defaults `us-east-1` / `123456789012`; `templates()` gives them the installation's region and account.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from designer.models import arn_prefix

FOLDER = Path(__file__).resolve().parent
_DEFAULT_MACHINE_PREFIX = "arn:aws:states:us-east-1:123456789012:stateMachine:"


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    description: str
    definition: str  # JSON text, as a machine's definition is


# In the order the designer lists them.
CATALOGUE = [
    ("blank", "Blank", "One Pass state: start from nothing."),
    ("approval", "Approval flow",
     "Ask someone to approve with a task token (.waitForTaskToken), then branch on the answer; "
     "no answer within a day expires the request."),
    ("http-retries", "HTTP with retries",
     "Call an HTTP API through a connection, retrying 429 and 5xx answers with backoff and jitter, "
     "with a fallback path."),
    ("map-items", "Map over items",
     "Run a small workflow for each item of a list, ten at a time, and collect the results."),
    ("xmlrpc-call", "XML-RPC call",
     "Call a method on an XML-RPC server through a connection, retrying busy faults and time-outs."),
    ("nested-workflow", "Nested workflow",
     "Start another state machine as a step and wait for its result (startExecution.sync:2)."),
]


def templates() -> list[Template]:
    prefix = arn_prefix("stateMachine")
    return [Template(id, name, description,
                     (FOLDER / f"{id}.asl.json").read_text(encoding="utf-8").replace(_DEFAULT_MACHINE_PREFIX, prefix))
            for id, name, description in CATALOGUE]
