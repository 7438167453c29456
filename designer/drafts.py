"""Drafts: definition text someone is working on in the designer and has not saved, one per machine and user.

A draft may be anything the editor holds: invalid ASL, or not JSON at all. Saving a valid definition stays
the machine's PATCH (which creates a revision); a draft is never run and never published: publishing takes
the machine's current revision, which passed the validator when it was saved.
"""
from __future__ import annotations

import logging

from django.db import transaction

from designer import errors
from designer.asl.validate import validate
from designer.models import StateMachine, StateMachineDraft, StateMachineRevision
from designer.services import MAX_DEFINITION_BYTES

logger = logging.getLogger(__name__)


def draft_of(machine: StateMachine, user) -> StateMachineDraft | None:
    return (StateMachineDraft.objects.select_related("base_revision")
            .filter(state_machine=machine, user=user).first())


def save_draft(machine: StateMachine, user, definition: str, *,
               base_revision_id: str | None = None) -> StateMachineDraft:
    """Keep `definition` as `user`'s draft of `machine`, replacing the one before. `base_revision_id` names the
    revision the draft started from (default: the machine's current one)."""
    if len(definition.encode("utf-8")) > MAX_DEFINITION_BYTES:
        raise errors.ValidationException(f"A draft is at most {MAX_DEFINITION_BYTES} bytes, as a definition is")
    if machine.status == StateMachine.DELETING:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{machine.arn}'")
    if base_revision_id is None:
        base = machine.revision
    else:
        base = StateMachineRevision.objects.filter(state_machine=machine, revision_id=base_revision_id).first()
        if base is None:
            raise errors.ValidationException(f"base_revision_id {base_revision_id} is no revision of "
                                             f"'{machine.name}'")
    with transaction.atomic():
        draft, _ = StateMachineDraft.objects.update_or_create(
            state_machine=machine, user=user, defaults={"definition": definition, "base_revision": base})
    return draft


def discard_draft(machine: StateMachine, user) -> bool:
    """Delete `user`'s draft of `machine`; False if there was none."""
    deleted, _ = StateMachineDraft.objects.filter(state_machine=machine, user=user).delete()
    return bool(deleted)


def diagnostics(definition: str) -> tuple[str, list[dict]]:
    """("OK" | "FAIL", the validator's diagnostics as dicts), as /api/validate answers: only errors fail."""
    found = validate(definition, severity="WARNING")
    return ("FAIL" if any(d.severity == "ERROR" for d in found) else "OK"), [d.to_dict() for d in found]


def draft_diagnostics(definition: str) -> tuple[str, list[dict]]:
    """`diagnostics`, for a draft shown back to its author: a draft may hold any text, and should the validator
    fail on it the draft must still load (its text is what the author needs back), so a failure is one
    diagnostic, not an error response."""
    try:
        return diagnostics(definition)
    except Exception:
        logger.exception("The validator failed on a draft")
        return "FAIL", [{"severity": "ERROR", "code": "VALIDATION_FAILED", "location": "",
                         "message": "The validator could not check this draft"}]
