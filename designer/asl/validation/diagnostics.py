"""Diagnostics as AWS's ValidateStateMachineDefinition reports them, and the list that collects them."""

from __future__ import annotations

import json
from dataclasses import dataclass

ERROR = "ERROR"
WARNING = "WARNING"

# API ValidateStateMachineDefinitionDiagnostic: the documented codes, plus the two JSONata codes
# AWS returns in practice (INVALID_/UNSUPPORTED_JSONATA_EXPRESSION).
SCHEMA = "SCHEMA_VALIDATION_FAILED"
INVALID_JSON = "INVALID_JSON_DESCRIPTION"
MISSING_DESCRIPTION = "MISSING_DESCRIPTION"
MISSING_TARGET = "MISSING_TRANSITION_TARGET"
DUPLICATE_STATE_NAME = "DUPLICATE_STATE_NAME"
MISSING_END_STATE = "MISSING_END_STATE"
INVALID_RESOURCE = "INVALID_RESOURCE"
INVALID_STATE_NAME = "INVALID_STATE_NAME"
TOO_DEEPLY_NESTED = "TOO_DEEPLY_NESTED"
DUPLICATE_LABEL_NAME = "DUPLICATE_LABEL_NAME"
INVALID_LABEL_NAME = "INVALID_LABEL_NAME"
INVALID_JSONATA = "INVALID_JSONATA_EXPRESSION"
UNSUPPORTED_JSONATA = "UNSUPPORTED_JSONATA_EXPRESSION"
NO_DOLLAR = "NO_DOLLAR"
NO_PATH = "NO_PATH"
PASS_RESULT_IS_STATIC = "PASS_RESULT_IS_STATIC"


@dataclass(frozen=True)
class Diagnostic:
    """One problem: `severity` ERROR|WARNING, an AWS `code`, a `message`, and a `location` such as
    "/States/Name/Field" ("" when the problem has no place, e.g. MISSING_END_STATE)."""

    severity: str
    code: str
    message: str
    location: str

    def to_dict(self) -> dict:
        """The AWS wire shape: {"severity", "code", "message", "location"}."""
        return {"severity": self.severity, "code": self.code, "message": self.message, "location": self.location}


class Report:
    """Collects diagnostics in the order the checks find them (the checks walk the document in order)."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, code: str, message: str, location: str) -> None:
        self.items.append(Diagnostic(ERROR, code, message, location))

    def schema(self, message: str, location: str) -> None:
        self.items.append(Diagnostic(ERROR, SCHEMA, message, location))

    def warning(self, code: str, message: str, location: str) -> None:
        self.items.append(Diagnostic(WARNING, code, message, location))


def at(location: str, key: str) -> str:
    """The location of `key` inside the object at `location`: "/States/A" + "Next" -> "/States/A/Next"."""
    return f"{location}/{key}"


def item(location: str, index: int) -> str:
    """The location of an array element, AWS style: "/States/C/Choices" + 0 -> "/States/C/Choices[0]"."""
    return f"{location}[{index}]"


def show(value, limit: int = 60) -> str:
    """A value quoted for a message, JSON-style and shortened: 'abc', 12, true, {...}."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 1] + "…"
        return f"'{text}'"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
