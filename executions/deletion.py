"""DeleteStateMachine as AWS does it, and what becomes of the machine's executions.

AWS (API DeleteStateMachine; re:Post "Why is my Step Functions state machine stuck in the DELETING status?"):
the machine is DELETING at once (no new executions, no longer listed, its name not free yet) and is deleted only
once all its executions have ended. A running Standard execution is failed at its next state transition
(ExecutionFailed, `States.Runtime`, "State machine <name> has been deleted."), so one sitting in a Wait state or
waiting for a task keeps the machine DELETING until then, or until it is stopped. Express machines are deleted at
once; their running executions run on to their end. Versions and aliases go with the machine.

The executions' records outlive the machine, as on AWS: DescribeExecution, GetExecutionHistory and
DescribeStateMachineForExecution still answer for them until the retention period removes them (retention.py);
ListExecutions of the deleted machine's ARN is StateMachineDoesNotExist. A deleted machine is kept as a DELETED
record that no API finds (StateMachine.objects leaves it out) for as long as executions of it are kept.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from designer.asl import errors as asl_errors
from designer.models import StateMachine
from designer.services import untag_resource
from executions.engine import signals as sig
from executions.models import Execution

# Signals that are no state transition: a task's start or heartbeat does not end the execution of a deleted machine.
_NOT_TRANSITIONS = (sig.TaskStarted, sig.TaskSubmitted, sig.TaskHeartbeat)


def delete_state_machine(machine: StateMachine) -> None:
    """DeleteStateMachine: DELETING while Standard executions of the machine run, deleted otherwise."""
    with transaction.atomic():
        untag_resource(machine.arn)
        if machine.type == StateMachine.STANDARD and _runs(machine):
            StateMachine.records.filter(pk=machine.pk).update(status=StateMachine.DELETING, updated_at=timezone.now())
            machine.status = StateMachine.DELETING
        else:
            _finish(machine)


def signals_for(execution: Execution, incoming: list) -> list:
    """What a step of this execution is to consume: `incoming`, unless its state machine is being deleted. Then
    the step is the execution's next state transition, which fails it (AWS), or a stop, which aborts it; once it
    has ended, the machine is deleted if no other execution of it runs. Call inside the step's transaction."""
    machine = execution.state_machine
    if machine.status != StateMachine.DELETING or all(isinstance(s, _NOT_TRANSITIONS) for s in incoming):
        return incoming
    transaction.on_commit(lambda: finish_deleting(machine.pk))
    stops = [signal for signal in incoming if isinstance(signal, sig.StopExecution)]
    return stops[:1] or [sig.FailExecution(asl_errors.RUNTIME, f"State machine {machine.name} has been deleted.")]


def finish_deleting(machine_id: int) -> None:
    """Delete a DELETING state machine whose executions have all ended."""
    with transaction.atomic():
        machine = StateMachine.records.select_for_update().filter(pk=machine_id, status=StateMachine.DELETING).first()
        if machine is not None and not _runs(machine):
            _finish(machine)


def reclaim_state_machine_name(name: str) -> None:
    """Finish deleting a DELETING state machine of this name if nothing of it runs any more."""
    machine = StateMachine.objects.filter(name=name, status=StateMachine.DELETING).values_list("pk", flat=True).first()
    if machine is not None:
        finish_deleting(machine)


def purge_deleted_state_machines() -> int:
    """Remove the records of deleted state machines none of whose executions are kept any more."""
    purged = 0
    for machine in StateMachine.records.filter(status=StateMachine.DELETED, executions__isnull=True):
        with transaction.atomic():
            if not machine.executions.exists():  # none started since: a deleted machine starts nothing
                _purge(machine)
                purged += 1
    return purged


def _runs(machine: StateMachine) -> bool:
    return machine.executions.filter(status=Execution.RUNNING).exists()


def _finish(machine: StateMachine) -> None:
    # Versions hold revisions (PROTECT): they go first; revisions stay while executions run or describe them.
    machine.aliases.all().delete()
    machine.versions.all().delete()
    if machine.executions.exists():
        StateMachine.records.filter(pk=machine.pk).update(status=StateMachine.DELETED, updated_at=timezone.now())
        machine.status = StateMachine.DELETED
    else:
        _purge(machine)


def _purge(machine: StateMachine) -> None:
    # The machine's current revision is protected by the machine itself: unlink it before deleting revisions.
    StateMachine.records.filter(pk=machine.pk).update(revision=None)
    machine.revisions.all().delete()
    StateMachine.records.filter(pk=machine.pk).delete()
