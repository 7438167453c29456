"""What can be done to state machines; views (REST, AWS-compatible) call these, never the ORM directly."""
from __future__ import annotations

import re
from functools import lru_cache

from django.db import IntegrityError, transaction

from designer import errors
from designer.asl.compile import InvalidDefinition as AslInvalidDefinition
from designer.asl.compile import compile_machine
from designer.asl.model import Machine
from designer.models import StateMachine, StateMachineRevision

MAX_DEFINITION_BYTES = 1_048_576  # AWS: a definition is at most 1 MiB
# AWS names (BOTO Name doc): 1-80 characters, none of whitespace, brackets, wildcards, punctuation or controls.
_INVALID_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f\ufffe\uffff]")


def check_name(name: str, what: str = "name") -> str:
    """AWS's rule for state machine, execution, activity and alias names."""
    if not isinstance(name, str) or not 1 <= len(name) <= 80 or _INVALID_NAME.search(name):
        raise errors.InvalidName(f"Invalid {what}: '{name}'")
    return name


def check_definition(definition: str) -> Machine:
    """Compile a definition or raise InvalidDefinition with the validator's first errors."""
    if not isinstance(definition, str) or not definition.strip():
        raise errors.InvalidDefinition("Invalid State Machine Definition: 'MISSING_DESCRIPTION'")
    if len(definition.encode("utf-8")) > MAX_DEFINITION_BYTES:
        raise errors.InvalidDefinition("Invalid State Machine Definition: the definition exceeds 1 MiB")
    try:
        return compile_machine(definition)
    except AslInvalidDefinition as exc:
        problems = "; ".join(f"{d.code} at {d.location or '/'}: {d.message}" for d in exc.diagnostics[:10])
        raise errors.InvalidDefinition(f"Invalid State Machine Definition: '{problems}'") from None


@lru_cache(maxsize=256)
def _compiled(revision_id: int, definition: str) -> Machine:
    return compile_machine(definition, validate=False)


def compiled_machine(revision: StateMachineRevision) -> Machine:
    """The compiled Machine of a revision, compiled once per process (revisions never change)."""
    return _compiled(revision.pk, revision.definition)


def create_state_machine(*, name: str, definition: str, role_arn: str, type: str = StateMachine.STANDARD,
                         logging_configuration: dict | None = None,
                         tracing_configuration: dict | None = None) -> StateMachine:
    check_name(name)
    if type not in (StateMachine.STANDARD, StateMachine.EXPRESS):
        raise errors.ValidationException(f"Value '{type}' at 'type' failed to satisfy constraint: "
                                         "Member must satisfy enum value set: [STANDARD, EXPRESS]")
    check_definition(definition)
    existing = StateMachine.objects.filter(name=name).select_related("revision").first()
    if existing is not None:
        # AWS: CreateStateMachine is idempotent for the same name, definition, role and type.
        if (existing.definition, existing.role_arn, existing.type) == (definition, role_arn, type):
            return existing
        raise errors.StateMachineAlreadyExists(f"State Machine Already Exists: '{existing.arn}'")
    try:
        with transaction.atomic():
            machine = StateMachine.objects.create(
                name=name, type=type, role_arn=role_arn,
                logging_configuration=logging_configuration or {},
                tracing_configuration=tracing_configuration or {},
            )
            machine.revision = StateMachineRevision.objects.create(
                state_machine=machine, definition=definition, role_arn=role_arn)
            machine.save(update_fields=["revision"])
    except IntegrityError:
        raise errors.StateMachineAlreadyExists(f"State Machine Already Exists: '{name}'") from None
    return machine


def update_state_machine(machine: StateMachine, *, definition: str | None = None,
                         role_arn: str | None = None) -> StateMachine:
    """A new revision when the definition or role changes; running executions keep theirs."""
    if definition is None and role_arn is None:
        raise errors.MissingRequiredParameter("Either the definition or the roleArn must be specified")
    if machine.status == StateMachine.DELETING:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{machine.arn}'")
    if definition is not None:
        check_definition(definition)
    new_definition = definition if definition is not None else machine.definition
    new_role = role_arn if role_arn is not None else machine.role_arn
    if (new_definition, new_role) != (machine.definition, machine.role_arn):
        with transaction.atomic():
            machine.revision = StateMachineRevision.objects.create(
                state_machine=machine, definition=new_definition, role_arn=new_role)
            machine.role_arn = new_role
            machine.save(update_fields=["revision", "role_arn", "updated_at"])
    return machine
