"""PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion, and the alias actions:
Create / Describe / Update / Delete / ListStateMachineAliases."""
from __future__ import annotations

from designer import errors
from designer import services as machines
from executions.aws.authentication import Caller
from executions.aws.dispatch import action
from executions.aws.pagination import page


def _unqualified(arn: str):
    target = machines.find_state_machine(arn)
    if target.version is not None or target.alias is not None:
        raise errors.ValidationException(f"Expected the ARN of a state machine, not of a version or alias: '{arn}'")
    return target.machine


@action("PublishStateMachineVersion")
def publish_state_machine_version(params: dict, caller: Caller) -> dict:
    machine = _unqualified(params["stateMachineArn"])
    version = machines.publish_state_machine_version(machine, description=params.get("description"),
                                                     revision_id=params.get("revisionId"))
    caller.record("version.publish", version.arn)
    return {"creationDate": version.created_at, "stateMachineVersionArn": version.arn}


@action("ListStateMachineVersions")
def list_state_machine_versions(params: dict, caller: Caller) -> dict:
    machine = _unqualified(params["stateMachineArn"])
    rows, token = page(machine.versions.all(), params, scope=f"ListStateMachineVersions:{machine.arn}",
                       key="number", descending=True)
    return {"stateMachineVersions": [{"stateMachineVersionArn": f"{machine.arn}:{version.number}",
                                      "creationDate": version.created_at} for version in rows],
            "nextToken": token}


@action("DeleteStateMachineVersion")
def delete_state_machine_version(params: dict, caller: Caller) -> dict:
    arn = params["stateMachineVersionArn"]
    _, rest = machines.parse_arn(arn, "stateMachine")
    if not rest.partition(":")[2].isdigit():
        raise errors.ValidationException(f"Expected the ARN of a state machine version: '{arn}'")
    try:
        target = machines.find_state_machine(arn)
    except errors.StateMachineDoesNotExist:
        return {}  # AWS: deleting a version that does not exist succeeds
    machines.delete_state_machine_version(target.version)
    caller.record("version.delete", arn)
    return {}


@action("CreateStateMachineAlias")
def create_state_machine_alias(params: dict, caller: Caller) -> dict:
    alias = machines.create_state_machine_alias(name=params["name"], routing=params["routingConfiguration"],
                                                description=params.get("description"))
    caller.record("alias.create", alias.arn)
    return {"stateMachineAliasArn": alias.arn, "creationDate": alias.created_at}


@action("DescribeStateMachineAlias")
def describe_state_machine_alias(params: dict, caller: Caller) -> dict:
    alias = machines.find_state_machine_alias(params["stateMachineAliasArn"])
    return {"stateMachineAliasArn": alias.arn, "name": alias.name, "description": alias.description or None,
            "routingConfiguration": machines.routing_configuration(alias), "creationDate": alias.created_at,
            "updateDate": alias.updated_at}


@action("UpdateStateMachineAlias")
def update_state_machine_alias(params: dict, caller: Caller) -> dict:
    alias = machines.find_state_machine_alias(params["stateMachineAliasArn"])
    alias = machines.update_state_machine_alias(alias, description=params.get("description"),
                                                routing=params.get("routingConfiguration"))
    caller.record("alias.update", alias.arn)
    return {"updateDate": alias.updated_at}


@action("DeleteStateMachineAlias")
def delete_state_machine_alias(params: dict, caller: Caller) -> dict:
    try:
        alias = machines.find_state_machine_alias(params["stateMachineAliasArn"])
    except errors.ResourceNotFound:
        return {}  # AWS: deleting an alias that does not exist succeeds
    alias.delete()
    caller.record("alias.delete", params["stateMachineAliasArn"])
    return {}


@action("ListStateMachineAliases")
def list_state_machine_aliases(params: dict, caller: Caller) -> dict:
    machine = _unqualified(params["stateMachineArn"])
    rows, token = page(machine.aliases.all(), params, scope=f"ListStateMachineAliases:{machine.arn}")
    return {"stateMachineAliases": [{"stateMachineAliasArn": f"{machine.arn}:{alias.name}",
                                     "creationDate": alias.created_at} for alias in rows],
            "nextToken": token}
