"""The AWS-compatible endpoint, versions and aliases: Publish / List / DeleteStateMachineVersion, Create /
Describe / Update / Delete / ListStateMachineAliases, and executions started through them."""
import json

import pytest

from designer import services as machines
from tests.executions.aws_helpers import PASS, PREFIX, ROLE, error_of, make, sfn, unchecked  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def definition(result: str) -> str:
    return json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": result, "End": True}}})


def two_versions(sfn) -> str:
    arn = make(sfn, definition=definition("v1"), publish=True)
    sfn.update_state_machine(stateMachineArn=arn, definition=definition("v2"), publish=True)
    return arn


def test_publish_list_describe_delete_versions(sfn):
    arn = make(sfn, definition=definition("v1"))
    first = sfn.publish_state_machine_version(stateMachineArn=arn, description="one")
    assert first["stateMachineVersionArn"] == f"{arn}:1"
    again = sfn.publish_state_machine_version(stateMachineArn=arn)  # same revision: the same version
    assert again["stateMachineVersionArn"] == f"{arn}:1"
    revision = sfn.update_state_machine(stateMachineArn=arn, definition=definition("v2"))["revisionId"]
    second = sfn.publish_state_machine_version(stateMachineArn=arn, revisionId=revision)
    assert second["stateMachineVersionArn"] == f"{arn}:2"
    listed = sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in listed] == [f"{arn}:2", f"{arn}:1"]
    paged = sfn.list_state_machine_versions(stateMachineArn=arn, maxResults=1)
    rest = sfn.list_state_machine_versions(stateMachineArn=arn, maxResults=1, nextToken=paged["nextToken"])
    assert [v["stateMachineVersionArn"] for v in rest["stateMachineVersions"]] == [f"{arn}:1"]
    v1 = sfn.describe_state_machine(stateMachineArn=f"{arn}:1")
    assert (v1["definition"], v1["description"], v1["stateMachineArn"]) == (definition("v1"), "one", f"{arn}:1")
    assert sfn.describe_state_machine(stateMachineArn=f"{arn}:2")["revisionId"] == revision

    sfn.delete_state_machine_version(stateMachineVersionArn=f"{arn}:1")
    sfn.delete_state_machine_version(stateMachineVersionArn=f"{arn}:1")  # already gone: succeeds
    assert [v["stateMachineVersionArn"] for v in sfn.list_state_machine_versions(stateMachineArn=arn)[
        "stateMachineVersions"]] == [f"{arn}:2"]
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=f"{arn}:1")


def test_version_numbers_are_never_used_again(sfn):
    # AWS: version numbers increase monotonically; deleting the latest version does not free its number.
    arn = two_versions(sfn)
    sfn.delete_state_machine_version(stateMachineVersionArn=f"{arn}:2")
    again = sfn.publish_state_machine_version(stateMachineArn=arn)  # v2's revision, published anew
    assert again["stateMachineVersionArn"] == f"{arn}:3"
    sfn.delete_state_machine_version(stateMachineVersionArn=f"{arn}:3")
    sfn.delete_state_machine_version(stateMachineVersionArn=f"{arn}:1")
    sfn.update_state_machine(stateMachineArn=arn, definition=definition("v3"))
    assert sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"] == f"{arn}:4"
    assert [v["stateMachineVersionArn"] for v in sfn.list_state_machine_versions(stateMachineArn=arn)[
        "stateMachineVersions"]] == [f"{arn}:4"]
    published = sfn.update_state_machine(stateMachineArn=arn, definition=definition("v5"), publish=True)
    assert published["stateMachineVersionArn"] == f"{arn}:5"


def test_version_errors(sfn):
    arn = make(sfn)
    sfn.publish_state_machine_version(stateMachineArn=arn)
    current = sfn.update_state_machine(stateMachineArn=arn, definition=definition("v2"))["revisionId"]
    with pytest.raises(sfn.exceptions.ConflictException) as excinfo:
        sfn.publish_state_machine_version(stateMachineArn=arn, revisionId="0b0b0b0b-0000-0000-0000-000000000000")
    assert error_of(excinfo)[1] == ("Failed to publish the State Machine version for revision "
                                    "0b0b0b0b-0000-0000-0000-000000000000. The current State Machine revision is "
                                    f"{current}.")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.publish_state_machine_version(stateMachineArn=f"{PREFIX}:stateMachine:Nope")
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.publish_state_machine_version(stateMachineArn=f"{arn}:1")
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.delete_state_machine_version(stateMachineVersionArn=arn)
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.list_state_machine_versions(stateMachineArn="nope")
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_state_machine_versions(stateMachineArn=arn, nextToken="forged")


def test_alias_lifecycle(sfn):
    arn = two_versions(sfn)
    created = sfn.create_state_machine_alias(name="live", description="production", routingConfiguration=[
        {"stateMachineVersionArn": f"{arn}:1", "weight": 100}])
    alias = created["stateMachineAliasArn"]
    assert alias == f"{arn}:live"
    again = sfn.create_state_machine_alias(name="live", description="production", routingConfiguration=[
        {"stateMachineVersionArn": f"{arn}:1", "weight": 100}])
    assert again["creationDate"] == created["creationDate"]  # idempotent
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert (described["name"], described["description"], described["routingConfiguration"]) == (
        "live", "production", [{"stateMachineVersionArn": f"{arn}:1", "weight": 100}])

    sfn.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=[
        {"stateMachineVersionArn": f"{arn}:1", "weight": 30}, {"stateMachineVersionArn": f"{arn}:2", "weight": 70}])
    routed = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert [r["weight"] for r in routed["routingConfiguration"]] == [30, 70] and routed["description"] == "production"
    # Describing the alias's ARN as a state machine shows the version it mostly runs.
    assert sfn.describe_state_machine(stateMachineArn=alias)["stateMachineArn"] == f"{arn}:2"

    with pytest.raises(sfn.exceptions.ConflictException) as excinfo:
        sfn.delete_state_machine_version(stateMachineVersionArn=f"{arn}:2")
    assert error_of(excinfo)[1] == ("Version to be deleted must not be referenced by an alias. Current list of "
                                    "aliases referencing this version: [live]")
    sfn.create_state_machine_alias(name="beta", routingConfiguration=[
        {"stateMachineVersionArn": f"{arn}:2", "weight": 100}])
    listed = sfn.list_state_machine_aliases(stateMachineArn=arn)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"] for a in listed] == [alias, f"{arn}:beta"]
    page = sfn.list_state_machine_aliases(stateMachineArn=arn, maxResults=1)
    assert len(page["stateMachineAliases"]) == 1 and page["nextToken"]

    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)  # already gone: succeeds
    with pytest.raises(sfn.exceptions.ResourceNotFound) as excinfo:
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert error_of(excinfo)[1] == "Request references a resource that does not exist."
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.update_state_machine_alias(stateMachineAliasArn=alias, description="x")


def test_alias_routing_is_checked_as_aws_checks_it(sfn, unchecked):
    arn = two_versions(sfn)

    def create(routing, name="live", client=sfn):
        with pytest.raises(client.exceptions.ClientError) as excinfo:
            client.create_state_machine_alias(name=name, routingConfiguration=[
                {"stateMachineVersionArn": version, "weight": weight} for version, weight in routing])
        return error_of(excinfo)

    assert create([(arn, 100)]) == ("ValidationException", "Routing configuration must contain state machine "
                                    f"version ARNs. Received: [{arn}]")
    assert create([(f"{arn}:1", 50), (f"{arn}:1", 50)]) == (
        "ValidationException", "Routing configuration must contain distinct state machine version ARNs. "
        f"Received: [{arn}:1, {arn}:1]")
    assert create([(f"{arn}:1", 70), (f"{arn}:2", 29)]) == (
        "ValidationException", "Sum of routing configuration weights must equal 100. Received: [70, 29]")
    assert create([(f"{arn}:7", 100)]) == ("ResourceNotFound", f"Resource not found: '{arn}:7'")
    assert create([(f"{arn}:1", 100)], name="123", client=unchecked) == (
        "ValidationException", "1 validation error detected: Value '123' at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$")
    assert create([(f"{arn}:1", 101)], client=unchecked)[1].endswith(
        "at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than "
        "or equal to 100")
    assert create([], client=unchecked)[1].endswith(
        "at 'routingConfiguration' failed to satisfy constraint: Member must have length greater than or equal to 1")
    assert create([("nope", 100)])[0] == "InvalidArn"
    sfn.create_state_machine_alias(name="live", routingConfiguration=[
        {"stateMachineVersionArn": f"{arn}:1", "weight": 100}])
    assert create([(f"{arn}:2", 100)]) == ("ConflictException", "Failed to create alias because an alias with the "
                                           "same name and a different routing configuration already exists.")
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_state_machine_alias(stateMachineAliasArn=f"{arn}:live")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_state_machine_alias(stateMachineAliasArn=f"{arn}:1")


def test_executions_through_versions_and_weighted_aliases(sfn, monkeypatch):
    arn = two_versions(sfn)
    sfn.create_state_machine_alias(name="live", routingConfiguration=[
        {"stateMachineVersionArn": f"{arn}:1", "weight": 40}, {"stateMachineVersionArn": f"{arn}:2", "weight": 60}])
    alias = f"{arn}:live"
    rolls = iter([10.0, 39.9, 40.0, 99.9])  # the weights split 0-100 into [0, 40) -> v1 and [40, 100) -> v2
    monkeypatch.setattr(machines.random, "uniform", lambda low, high: next(rolls))
    outputs = []
    for n in range(4):
        run = sfn.start_execution(stateMachineArn=alias, name=f"via-alias-{n}")["executionArn"]
        described = sfn.describe_execution(executionArn=run)
        assert described["stateMachineAliasArn"] == alias and described["stateMachineArn"] == arn
        outputs.append((json.loads(described["output"]), described["stateMachineVersionArn"]))
    assert outputs == [("v1", f"{arn}:1"), ("v1", f"{arn}:1"), ("v2", f"{arn}:2"), ("v2", f"{arn}:2")]

    by_version = sfn.start_execution(stateMachineArn=f"{arn}:1", name="by-version")["executionArn"]
    described = sfn.describe_execution(executionArn=by_version)
    assert (json.loads(described["output"]), described["stateMachineVersionArn"]) == ("v1", f"{arn}:1")
    assert "stateMachineAliasArn" not in described
    plain = sfn.start_execution(stateMachineArn=arn, name="plain")["executionArn"]
    assert json.loads(sfn.describe_execution(executionArn=plain)["output"]) == "v2"  # the current revision

    def names(listed_arn):
        return [e["name"] for e in sfn.list_executions(stateMachineArn=listed_arn)["executions"]]

    assert names(alias) == ["via-alias-3", "via-alias-2", "via-alias-1", "via-alias-0"]
    assert names(f"{arn}:1") == ["by-version", "via-alias-1", "via-alias-0"]
    assert len(names(arn)) == 6
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=f"{arn}:nope")
