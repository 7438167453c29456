"""Layout records: where the designer draws each state of a machine, kept beside the ASL and never in it.

A layout is {state path: {"x": number, "y": number}}; the designer chooses the paths (a state's name, prefixed
by the Parallel branch or Map processor it sits in), the server only checks the shape and the size. One layout
per machine, shared by its editors and kept across revisions (see StateMachineLayout).
"""
from __future__ import annotations

import math

from django.db import transaction

from designer import errors
from designer.models import StateMachine, StateMachineLayout

MAX_POSITIONS = 10_000  # five times the largest machine the designer is benchmarked with (2,000 states)
MAX_PATH_LENGTH = 1024
MAX_COORDINATE = 1e9


def layout_of(machine: StateMachine) -> StateMachineLayout | None:
    return StateMachineLayout.objects.filter(state_machine=machine).first()


def check_positions(positions) -> dict:
    """The positions if they have the layout's shape, else ValidationException naming the first problem."""
    if not isinstance(positions, dict):
        raise errors.ValidationException("positions must be an object of {state path: {x, y}}")
    if len(positions) > MAX_POSITIONS:
        raise errors.ValidationException(f"A layout holds at most {MAX_POSITIONS} positions, not {len(positions)}")
    for path, point in positions.items():
        if not path or len(path) > MAX_PATH_LENGTH:
            raise errors.ValidationException(f"A state path is 1 to {MAX_PATH_LENGTH} characters: '{path[:80]}'")
        if not isinstance(point, dict) or set(point) != {"x", "y"}:
            raise errors.ValidationException(f"The position of '{path}' must be an object with x and y only")
        for axis in ("x", "y"):
            value = point[axis]
            # bool is an int in Python; JSON's true is no coordinate.
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or abs(value) > MAX_COORDINATE:
                raise errors.ValidationException(f"{axis} of '{path}' must be a number within "
                                                 f"±{MAX_COORDINATE:.0e}, not {value!r}")
    return positions


def save_layout(machine: StateMachine, positions) -> StateMachineLayout:
    """Replace the machine's layout with `positions`."""
    positions = check_positions(positions)
    if machine.status == StateMachine.DELETING:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{machine.arn}'")
    with transaction.atomic():
        layout, _ = StateMachineLayout.objects.update_or_create(state_machine=machine,
                                                                defaults={"positions": positions})
    return layout
