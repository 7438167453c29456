"""Who may call which action of the AWS-compatible endpoint: one rule per action, in one table (RULES).

The rules apply designer/accounts/permissions.py: a state machine's view / edit / execute / approve / admin,
and the account-wide abilities (accounts.create_statemachine, manage_activities, work_activities). Versions,
aliases, executions and Map Runs are judged by their state machine. Superusers hold every permission, so their
requests skip the rules (and the look-ups) and meet the handlers' own errors (StateMachineDoesNotExist...);
anyone else is told AccessDeniedException alike for a machine that does not exist and for one they may not see,
so that names cannot be probed. The refusal is worded as AWS words IAM's: "User: bob is not authorized to
perform: states:StartExecution on resource: arn:...".
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from designer.accounts import permissions
from designer.accounts.permissions import ADMIN, EDIT, EXECUTE, VIEW
from designer.models import StateMachine
from executions.authorization import require_answer

Rule = Callable[[Any, str, dict], None]  # (user, action, params) -> None, or AccessDeniedException


def denied(user, action: str, resource: str) -> permissions.AccessDeniedException:
    return permissions.AccessDeniedException(
        f"User: {user.get_username()} is not authorized to perform: states:{action} on resource: {resource}")


def authorize(user, action: str, params: dict) -> None:
    """Raise AccessDeniedException unless `user` may call `action` with `params`."""
    if user.is_superuser:
        return
    RULES[action](user, action, params)


# --- the kinds of rule ----------------------------------------------------------------------------------

def authenticated(user, action: str, params: dict) -> None:
    """Any signed-in user (the signature was checked before any rule runs)."""


def account(perm: str, resource: Callable[[dict], str] = lambda params: "*") -> Rule:
    """An account-wide Django permission (`accounts.create_statemachine`...)."""

    def rule(user, action: str, params: dict) -> None:
        if not user.has_perm(perm):
            raise denied(user, action, resource(params))

    return rule


def on_machine(permission: str, *members: str) -> Rule:
    """`permission` on the state machine of each ARN member present (a machine, version, alias, execution or Map
    Run ARN). Actions whose members are all optional (ListExecutions) leave a missing one to the handler."""

    def rule(user, action: str, params: dict) -> None:
        for member in members:
            arn = params.get(member)
            if arn is not None:
                _require(user, permission, action, arn)

    return rule


def on_alias_routing(permission: str) -> Rule:
    """CreateStateMachineAlias names its machine by the versions it routes to."""

    def rule(user, action: str, params: dict) -> None:
        for route in params.get("routingConfiguration", ()):
            _require(user, permission, action, route["stateMachineVersionArn"])

    return rule


def on_taggable(machine_permission: str, activity_rule: Rule) -> Rule:
    """Tags live on state machines (`machine_permission`) and activities (`activity_rule`)."""

    def rule(user, action: str, params: dict) -> None:
        arn = params["resourceArn"]
        if _kind(arn) == "activity":
            activity_rule(user, action, params)
        else:
            _require(user, machine_permission, action, arn)

    return rule


def task_token(user, action: str, params: dict) -> None:
    """Answering a task: executions/authorization.py (approve, or an activity worker for activity tokens)."""
    require_answer(user, params["taskToken"], action=f"states:{action}")


def _require(user, permission: str, action: str, arn: str) -> None:
    machine = machine_of(arn)
    if machine is None or not permissions.has_permission(user, permission, machine):
        raise denied(user, action, arn)


def _kind(arn: str) -> str:
    parts = arn.split(":", 6) if isinstance(arn, str) else []
    return parts[5] if len(parts) == 7 and parts[:3] == ["arn", "aws", "states"] else ""


def machine_of(arn: str) -> StateMachine | None:
    """The state machine an ARN belongs to (a machine, its version or alias, an execution, a Map Run), or None."""
    kind = _kind(arn)
    if kind == "stateMachine":
        base = arn.partition("#")[0]  # `<arn>#<test case>`: a mocked run (mocks_server.py)
        name = base.split(":")[6]
        machine = StateMachine.objects.filter(name=name).first()
        prefix = f"arn:aws:states:{settings.FLOWDECK_REGION}:{settings.FLOWDECK_ACCOUNT_ID}:stateMachine:{name}"
        return machine if machine is not None and base.split(":")[:7] == prefix.split(":") else None
    if kind == "execution":
        return StateMachine.objects.filter(executions__arn=arn).first()
    if kind == "mapRun":
        return StateMachine.objects.filter(executions__map_runs__arn=arn).first()
    return None


def _arn_of(kind: str, member: str = "name") -> Callable[[dict], str]:
    def resource(params: dict) -> str:
        region, account_id = settings.FLOWDECK_REGION, settings.FLOWDECK_ACCOUNT_ID
        return f"arn:aws:states:{region}:{account_id}:{kind}:{params.get(member, '*')}"

    return resource


def _activity_arn(params: dict) -> str:
    return params.get("activityArn") or params.get("resourceArn") or "*"


MANAGE_ACTIVITIES = account("accounts.manage_activities", _activity_arn)

RULES: dict[str, Rule] = {
    # State machines
    "ListStateMachines": authenticated,  # the handler lists only those the user may view
    "CreateStateMachine": account("accounts.create_statemachine", _arn_of("stateMachine")),
    "DescribeStateMachine": on_machine(VIEW, "stateMachineArn"),
    "UpdateStateMachine": on_machine(EDIT, "stateMachineArn"),
    "DeleteStateMachine": on_machine(ADMIN, "stateMachineArn"),
    "ValidateStateMachineDefinition": authenticated,
    # TestState runs any definition, Python function tasks included: only those who may create machines.
    "TestState": account("accounts.create_statemachine"),
    # Versions and aliases
    "PublishStateMachineVersion": on_machine(EDIT, "stateMachineArn"),
    "ListStateMachineVersions": on_machine(VIEW, "stateMachineArn"),
    "DeleteStateMachineVersion": on_machine(EDIT, "stateMachineVersionArn"),
    "CreateStateMachineAlias": on_alias_routing(EDIT),
    "DescribeStateMachineAlias": on_machine(VIEW, "stateMachineAliasArn"),
    "UpdateStateMachineAlias": on_machine(EDIT, "stateMachineAliasArn"),
    "DeleteStateMachineAlias": on_machine(EDIT, "stateMachineAliasArn"),
    "ListStateMachineAliases": on_machine(VIEW, "stateMachineArn"),
    # Tags
    "TagResource": on_taggable(EDIT, MANAGE_ACTIVITIES),
    "UntagResource": on_taggable(EDIT, MANAGE_ACTIVITIES),
    "ListTagsForResource": on_taggable(VIEW, authenticated),
    # Executions
    "StartExecution": on_machine(EXECUTE, "stateMachineArn"),
    "StartSyncExecution": on_machine(EXECUTE, "stateMachineArn"),
    "StopExecution": on_machine(EXECUTE, "executionArn"),
    "RedriveExecution": on_machine(EXECUTE, "executionArn"),
    "DescribeExecution": on_machine(VIEW, "executionArn"),
    "DescribeStateMachineForExecution": on_machine(VIEW, "executionArn"),
    "ListExecutions": on_machine(VIEW, "stateMachineArn", "mapRunArn"),
    "GetExecutionHistory": on_machine(VIEW, "executionArn"),
    # Map Runs
    "DescribeMapRun": on_machine(VIEW, "mapRunArn"),
    "ListMapRuns": on_machine(VIEW, "executionArn"),
    "UpdateMapRun": on_machine(EXECUTE, "mapRunArn"),
    # Activities and task tokens
    "CreateActivity": account("accounts.manage_activities", _arn_of("activity")),
    "DeleteActivity": MANAGE_ACTIVITIES,
    "DescribeActivity": authenticated,
    "ListActivities": authenticated,
    "GetActivityTask": account("accounts.work_activities", _activity_arn),
    "SendTaskSuccess": task_token,
    "SendTaskFailure": task_token,
    "SendTaskHeartbeat": task_token,
}
