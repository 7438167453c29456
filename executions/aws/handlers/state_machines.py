"""CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine, ListStateMachines,
ValidateStateMachineDefinition."""
from __future__ import annotations

import json

from designer import errors
from designer import services as machines
from designer.accounts import permissions
from designer.asl.validate import validate
from designer.models import StateMachine, StateMachineVersion
from executions import deletion
from executions.aws.authentication import Caller
from executions.aws.dispatch import action
from executions.aws.pagination import page

VALIDATION_PAGE = 100  # AWS: ValidateStateMachineDefinition returns at most 100 diagnostics
_EXPRESS_UNSUPPORTED = (".waitForTaskToken", ".sync:2", ".sync")
METADATA_ONLY_DEFINITION = "{}"  # AWS: with includedData METADATA_ONLY, "the returned definition will be {}"


@action("CreateStateMachine")
def create_state_machine(params: dict, caller: Caller) -> dict:
    deletion.reclaim_state_machine_name(params["name"])
    # AWS: repeating a creation returns the machine made before; that grants the repeater nothing. The creator's
    # grant is made in the insert's transaction (no machine without its admin), only by the call that made it.
    def make_admin(machine: StateMachine) -> None:
        permissions.make_creator_admin(machine, caller.user)
        caller.record("state_machine.create", machine.arn)

    machine, version, created = machines.create_state_machine_and_publish(
        name=params["name"], definition=params["definition"], role_arn=params["roleArn"],
        type=params.get("type", StateMachine.STANDARD), logging=params.get("loggingConfiguration"),
        tracing=params.get("tracingConfiguration"), encryption=params.get("encryptionConfiguration"),
        tags=params.get("tags", ()),
        publish=params.get("publish", False), version_description=params.get("versionDescription"),
        on_create=make_admin)
    if created and version is not None:
        caller.record("version.publish", version.arn)
    return {"stateMachineArn": machine.arn, "creationDate": machine.created_at,
            "stateMachineVersionArn": version.arn if version else None}


@action("DescribeStateMachine")
def describe_state_machine(params: dict, caller: Caller) -> dict:
    target = machines.find_state_machine(params["stateMachineArn"])
    machine, version = target.machine, target.version
    if target.alias is not None:
        version = _main_version(target.alias)
    revision = version.revision if version else machine.revision
    data = params.get("includedData") != "METADATA_ONLY"
    return {
        "stateMachineArn": version.arn if version else machine.arn,
        "name": machine.name,
        "status": machine.status,
        "definition": revision.definition if data else METADATA_ONLY_DEFINITION,
        "roleArn": revision.role_arn,
        "type": machine.type,
        "creationDate": version.created_at if version else machine.created_at,
        "loggingConfiguration": machines.logging_configuration(machine.logging_configuration),
        "tracingConfiguration": machines.tracing_configuration(machine.tracing_configuration),
        "encryptionConfiguration": machines.encryption_configuration(machine.encryption_configuration),
        "revisionId": machines.shown_revision_id(revision),
        "description": (version.description or None) if version else None,
        "variableReferences": (machines.revision_variable_references(revision) or None) if data else None,
    }


def _main_version(alias) -> StateMachineVersion:
    # An alias ARN describes the version the alias sends most executions to.
    number = max(alias.routing, key=lambda route: route["weight"])["version"]
    return alias.state_machine.versions.select_related("revision").get(number=number)


@action("UpdateStateMachine")
def update_state_machine(params: dict, caller: Caller) -> dict:
    target = machines.find_state_machine(params["stateMachineArn"])
    if target.version is not None or target.alias is not None:
        raise errors.ValidationException("A version or alias cannot be updated: use the state machine's ARN")
    machine, version = machines.update_state_machine_and_publish(
        target.machine, definition=params.get("definition"), role_arn=params.get("roleArn"),
        logging=params.get("loggingConfiguration"), tracing=params.get("tracingConfiguration"),
        encryption=params.get("encryptionConfiguration"), publish=params.get("publish", False),
        version_description=params.get("versionDescription"))
    caller.record("state_machine.update", machine.arn)
    if version is not None:
        caller.record("version.publish", version.arn)
    return {"updateDate": machine.updated_at, "revisionId": machines.shown_revision_id(machine.revision),
            "stateMachineVersionArn": version.arn if version else None}


@action("DeleteStateMachine")
def delete_state_machine(params: dict, caller: Caller) -> dict:
    try:
        target = machines.find_state_machine(params["stateMachineArn"])
    except errors.StateMachineDoesNotExist:
        return {}  # AWS: deleting a state machine that does not exist succeeds
    if target.version is not None or target.alias is not None:
        raise errors.ValidationException("Use DeleteStateMachineVersion or DeleteStateMachineAlias to delete a "
                                         "version or an alias")
    deletion.delete_state_machine(target.machine)
    caller.record("state_machine.delete", target.machine.arn)
    return {}


@action("ListStateMachines")
def list_state_machines(params: dict, caller: Caller) -> dict:
    visible = permissions.with_permission(caller.user, permissions.VIEW, machines.list_state_machines())
    rows, token = page(visible, params, scope="ListStateMachines", key="name")
    return {"stateMachines": [{"stateMachineArn": machine.arn, "name": machine.name, "type": machine.type,
                               "creationDate": machine.created_at} for machine in rows],
            "nextToken": token}


@action("ValidateStateMachineDefinition")
def validate_state_machine_definition(params: dict, caller: Caller) -> dict:
    definition = params["definition"]
    diagnostics = [_wire(diagnostic.to_dict())
                   for diagnostic in validate(definition, severity=params.get("severity", "ERROR"))]
    if params.get("type") == StateMachine.EXPRESS:
        diagnostics += express_diagnostics(definition)
    limit = params.get("maxResults") or VALIDATION_PAGE
    return {"result": "FAIL" if any(d["severity"] == "ERROR" for d in diagnostics) else "OK",
            "diagnostics": diagnostics[:limit], "truncated": len(diagnostics) > limit}


def _wire(diagnostic: dict) -> dict:
    # AWS leaves out the location of a problem that has none.
    return {key: value for key, value in diagnostic.items() if value != "" or key != "location"}


def express_diagnostics(definition: str) -> list[dict]:
    """What an Express state machine cannot run (AWS: no .sync and no .waitForTaskToken integrations)."""
    try:
        document = json.loads(definition)
    except ValueError:
        return []  # the validator reports it
    found: list[dict] = []

    def walk(states: object, at: str) -> None:
        if not isinstance(states, dict):
            return
        for name, state in states.items():
            if not isinstance(state, dict):
                continue
            where = f"{at}/{name}"
            resource = state.get("Resource")
            if state.get("Type") == "Task" and isinstance(resource, str):
                suffix = next((s for s in _EXPRESS_UNSUPPORTED if resource.endswith(s)), None)
                if suffix is not None:
                    # AWS's message, trailing space included.
                    found.append({"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED",
                                  "location": f"{where}/Resource", "message": "Express state machine does not "
                                  f"support '{suffix.split(':')[0]}' service integration "})
            for index, branch in enumerate(state.get("Branches") or []):
                if isinstance(branch, dict):
                    walk(branch.get("States"), f"{where}/Branches/{index}/States")
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(state.get(key), dict):
                    walk(state[key].get("States"), f"{where}/{key}/States")

    if isinstance(document, dict):
        walk(document.get("States"), "/States")
    return found
