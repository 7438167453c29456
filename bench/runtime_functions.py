"""Python functions the runtime benchmark's Task states call (loaded through FLOWDECK_FUNCTIONS).

`bench-echo` returns its input, as moto's Lambda does without Docker, so both sides give the same output.
"""
from __future__ import annotations

from typing import Any

from executions.resources import function


@function("bench-echo")
def echo(payload: Any) -> Any:
    return payload
