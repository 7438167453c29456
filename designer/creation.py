"""Creating a state machine on someone's behalf: the REST API's POST /api/state-machines/ and the machine list's
create forms (blank, from a template, imported ASL) both come here, so the same checks, defaults and audit apply.

`services.create_state_machine` knows nothing of users; this adds who may create (the account-wide
create_statemachine permission), that the creator administers what they made, and the audit record.
"""
from __future__ import annotations

from dataclasses import dataclass

from designer import errors, services
from designer.accounts import audit, permissions
from designer.models import StateMachine

# Flowdeck runs tasks itself, so the role is only recorded (AWS requires one); this is what a machine gets when
# its creator names none.
DEFAULT_ROLE_ARN = "arn:aws:iam::123456789012:role/flowdeck"


@dataclass(frozen=True)
class Created:
    machine: StateMachine
    new: bool  # False: CreateStateMachine repeated with the same name, definition, role and type


def create_state_machine_for(user, actor: audit.Actor, *, name: str, definition: str,
                             role_arn: str = DEFAULT_ROLE_ARN, type: str = StateMachine.STANDARD) -> Created:
    """Create a state machine as `user` (who must hold create_statemachine and then administers it), recorded
    in the audit log as done by `actor`. As CreateStateMachine does, a repeat of an earlier creation returns
    that machine (`new` False), but only to someone who may view it: nobody becomes admin of someone else's
    machine by sending its definition again, even while the first create is still under way. A name whose
    machine is being deleted is StateMachineDeleting, or free again once nothing of that machine runs. Raises
    the FlowdeckError of the first check that fails."""
    if not permissions.can_create_state_machines(user):
        raise permissions.AccessDeniedException(
            f"User: {user.get_username()} is not authorized to create state machines "
            "(needs the account-wide create_statemachine permission)")
    # executions depends on designer, not the other way round: deletion is imported where it is needed.
    from executions import deletion

    deletion.reclaim_state_machine_name(name)  # as CreateStateMachine does: a fully deleted name is free again

    def make_admin(machine: StateMachine) -> None:  # in the insert's transaction: no machine without its admin
        permissions.make_creator_admin(machine, user)
        audit.record(actor, "state_machine.create", target=machine.arn, type=machine.type)

    machine, new = services.create_or_find_state_machine(name=name, definition=definition, role_arn=role_arn,
                                                         type=type, on_create=make_admin)
    if not new and not permissions.has_permission(user, permissions.VIEW, machine):
        raise errors.StateMachineAlreadyExists(f"State Machine Already Exists: '{machine.arn}'")
    return Created(machine, new=new)
