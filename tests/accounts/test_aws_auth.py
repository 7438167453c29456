"""The AWS-compatible endpoint's authentication (SigV4 with access keys) and authorization (one rule per action,
executions/aws/authorization.py), against a live server through boto3 and signed raw requests.

For every action of botocore's Step Functions model: an anonymous request is refused, a signed-in user holding
every permission but the one the action needs is refused, and a user holding exactly that one gets past the
rule (success, or the action's own domain error)."""
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from unittest import mock
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone as dj_timezone

from designer.accounts import credentials, permissions
from designer.accounts.models import AccessKey, AuditEvent
from designer.models import StateMachine
from executions import resources
from executions.aws import shapes
from executions.models import Execution, TaskToken
from tests.executions.aws_helpers import (PASS, PREFIX, ROLE, client_for, error_of, key_of, make, post,  # noqa: F401
                                          sfn, sign)
from tests.executions.runtime import drain

pytestmark = pytest.mark.django_db(transaction=True)
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:"
ACTIVITY = f"{PREFIX}:activity:Picker"
AUTH_ERRORS = {"MissingAuthenticationTokenException", "UnrecognizedClientException", "InvalidSignatureException",
               "IncompleteSignatureException", "AccessDeniedException"}
ACCOUNT_PERMS = ("accounts.create_statemachine", "accounts.manage_activities", "accounts.work_activities")


@resources.function("auth-callback")
def callback(event):
    return {"queued": True}


@resources.function("auth-item")
def item(event):
    return event


class World:
    """What the actions act on, made by the superuser on first use: Orders (version 1, alias live, one finished
    execution), Callback (an execution waiting for a task token), Jobs (a Distributed Map run), activity Picker."""

    def __init__(self, sfn):
        self.sfn = sfn

    @cached_property
    def orders(self) -> str:
        return make(self.sfn, publish=True)

    @cached_property
    def version(self) -> str:
        return f"{self.orders}:1"

    @cached_property
    def alias(self) -> str:
        return self.sfn.create_state_machine_alias(name="live", routingConfiguration=[
            {"stateMachineVersionArn": self.version, "weight": 100}])["stateMachineAliasArn"]

    @cached_property
    def execution(self) -> str:
        arn = self.sfn.start_execution(stateMachineArn=self.orders, name="first")["executionArn"]
        drain()
        return arn

    @cached_property
    def token(self) -> str:
        definition = json.dumps({"StartAt": "Ask", "States": {"Ask": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "auth-callback", "Payload": {"token.$": "$$.Task.Token"}}, "End": True}}})
        self.sfn.start_execution(stateMachineArn=make(self.sfn, name="Callback", definition=definition))
        drain()
        return TaskToken.objects.get().token

    @cached_property
    def map_execution(self) -> str:
        definition = json.dumps({"StartAt": "Dist", "States": {"Dist": {
            "Type": "Map", "End": True, "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Item",
                "States": {"Item": {"Type": "Task", "Resource": FUNCTION + "auth-item", "End": True}}}}}})
        arn = self.sfn.start_execution(stateMachineArn=make(self.sfn, name="Jobs", definition=definition),
                                       input="[1, 2]")["executionArn"]
        drain()
        return arn

    @cached_property
    def map_run(self) -> str:
        return self.sfn.list_map_runs(executionArn=self.map_execution)["mapRuns"][0]["mapRunArn"]

    @cached_property
    def activity(self) -> str:
        return self.sfn.create_activity(name="Picker")["activityArn"]


VIEW, EDIT, EXECUTE, APPROVE, ADMIN = (permissions.VIEW, permissions.EDIT, permissions.EXECUTE, permissions.APPROVE,
                                       permissions.ADMIN)
ANYONE = None  # any signed-in user
TEST_STATE = json.dumps({"Type": "Pass", "End": True})

# action -> (what the action needs, the request's members)
CASES = {
    "ListStateMachines": (ANYONE, lambda w: {}),
    "CreateStateMachine": ("accounts.create_statemachine", lambda w: {"name": "New", "definition": PASS,
                                                                        "roleArn": ROLE}),
    "DescribeStateMachine": (VIEW, lambda w: {"stateMachineArn": w.orders}),
    "UpdateStateMachine": (EDIT, lambda w: {"stateMachineArn": w.orders, "definition": PASS.replace("1", "2")}),
    "DeleteStateMachine": (ADMIN, lambda w: {"stateMachineArn": w.orders}),
    "ValidateStateMachineDefinition": (ANYONE, lambda w: {"definition": PASS}),
    "TestState": ("accounts.create_statemachine", lambda w: {"definition": TEST_STATE, "input": "{}"}),
    "PublishStateMachineVersion": (EDIT, lambda w: {"stateMachineArn": w.orders}),
    "ListStateMachineVersions": (VIEW, lambda w: {"stateMachineArn": w.orders}),
    "DeleteStateMachineVersion": (EDIT, lambda w: {"stateMachineVersionArn": w.version}),
    "CreateStateMachineAlias": (EDIT, lambda w: {"name": "beta", "routingConfiguration": [
        {"stateMachineVersionArn": w.version, "weight": 100}]}),
    "DescribeStateMachineAlias": (VIEW, lambda w: {"stateMachineAliasArn": w.alias}),
    "UpdateStateMachineAlias": (EDIT, lambda w: {"stateMachineAliasArn": w.alias, "description": "now"}),
    "DeleteStateMachineAlias": (EDIT, lambda w: {"stateMachineAliasArn": w.alias}),
    "ListStateMachineAliases": (VIEW, lambda w: {"stateMachineArn": w.orders}),
    "TagResource": (EDIT, lambda w: {"resourceArn": w.orders, "tags": [{"key": "team", "value": "ops"}]}),
    "UntagResource": (EDIT, lambda w: {"resourceArn": w.orders, "tagKeys": ["team"]}),
    "ListTagsForResource": (VIEW, lambda w: {"resourceArn": w.orders}),
    "StartExecution": (EXECUTE, lambda w: {"stateMachineArn": w.orders}),
    "StartSyncExecution": (EXECUTE, lambda w: {"stateMachineArn": w.orders}),  # Standard: a domain error
    "StopExecution": (EXECUTE, lambda w: {"executionArn": w.execution}),
    "RedriveExecution": (EXECUTE, lambda w: {"executionArn": w.execution}),  # succeeded: a domain error
    "DescribeExecution": (VIEW, lambda w: {"executionArn": w.execution}),
    "DescribeStateMachineForExecution": (VIEW, lambda w: {"executionArn": w.execution}),
    "ListExecutions": (VIEW, lambda w: {"stateMachineArn": w.orders}),
    "GetExecutionHistory": (VIEW, lambda w: {"executionArn": w.execution}),
    "DescribeMapRun": (VIEW, lambda w: {"mapRunArn": w.map_run}),
    "ListMapRuns": (VIEW, lambda w: {"executionArn": w.map_execution}),
    "UpdateMapRun": (EXECUTE, lambda w: {"mapRunArn": w.map_run, "maxConcurrency": 2}),
    "CreateActivity": ("accounts.manage_activities", lambda w: {"name": "Packer"}),
    "DeleteActivity": ("accounts.manage_activities", lambda w: {"activityArn": w.activity}),
    "DescribeActivity": (ANYONE, lambda w: {"activityArn": w.activity}),
    "ListActivities": (ANYONE, lambda w: {}),
    "GetActivityTask": ("accounts.work_activities", lambda w: {"activityArn": w.activity}),
    "SendTaskSuccess": (APPROVE, lambda w: {"taskToken": w.token, "output": "{}"}),
    "SendTaskFailure": (APPROVE, lambda w: {"taskToken": w.token, "error": "No"}),
    "SendTaskHeartbeat": (APPROVE, lambda w: {"taskToken": w.token}),
}


def test_every_action_of_the_model_has_a_case_and_a_rule():
    from executions.aws.authorization import RULES

    actions = set(shapes.service_model().operation_names)
    assert len(actions) == 37
    assert set(CASES) == actions and set(RULES) == actions


def give(user, needed) -> None:
    """Grant `needed` (a machine permission, on every machine there is, or an account-wide one) to `user`."""
    if needed in permissions.ALL:
        for machine in StateMachine.objects.all():
            permissions.grant(machine, needed, user=user)
    elif needed is not None:
        app, codename = needed.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))


def everything_but(needed) -> list[str]:
    """Every permission that does not give `needed`: machine permissions that do not imply it, and the other
    account-wide ones (or all account-wide ones, if `needed` is a machine permission)."""
    if needed in permissions.ALL:
        machine = [p for p in permissions.ALL if p != VIEW and p != needed and p != ADMIN] if needed != VIEW else []
        return machine + list(ACCOUNT_PERMS)
    return list(permissions.ALL) + [p for p in ACCOUNT_PERMS if p != needed]


@pytest.fixture
def user_with(django_user_model):
    def make_user(name: str, granted) -> tuple[str, str]:
        user = django_user_model.objects.create_user(name)
        for needed in granted:
            give(user, needed)
        return key_of(user)

    return make_user


@pytest.mark.parametrize("action", sorted(CASES))
def test_each_action_needs_its_permission(action, sfn, post, user_with):
    needed, members = CASES[action]
    body = members(World(sfn))
    target = f"AWSStepFunctions.{action}"

    status, answer = post(target, body, key=None)
    assert (status, answer["__type"]) == (403, "com.amazon.coral.service#MissingAuthenticationTokenException")

    if needed is not ANYONE:
        status, answer = post(target, body, key=user_with("bob", everything_but(needed)))
        assert (status, answer["__type"]) == (400, "com.amazonaws.states#AccessDeniedException"), answer
        assert answer["message"].startswith("User: bob is not authorized to perform")
        assert f"states:{action}" in answer["message"]

    status, answer = post(target, body, key=user_with("carol", [needed]))
    assert answer.get("__type", "").split("#")[-1] not in AUTH_ERRORS, answer


def test_a_machine_that_does_not_exist_looks_like_one_you_may_not_see(sfn, post, user_with):
    other = make(sfn, name="Other")
    bob = user_with("bob", [])
    for arn in (other, f"{PREFIX}:stateMachine:Nope"):
        status, answer = post("AWSStepFunctions.DescribeStateMachine", {"stateMachineArn": arn}, key=bob)
        assert answer == {"__type": "com.amazonaws.states#AccessDeniedException", "message":
                          f"User: bob is not authorized to perform: states:DescribeStateMachine on resource: {arn}"}
    _, answer = post("AWSStepFunctions.DescribeStateMachine", {"stateMachineArn": f"{PREFIX}:stateMachine:Nope"})
    assert answer["__type"] == "com.amazonaws.states#StateMachineDoesNotExist"  # the superuser


def test_lists_show_only_what_the_user_may_view(sfn, live_server, django_user_model):
    orders, other = make(sfn), make(sfn, name="Other")
    sfn.start_execution(stateMachineArn=orders, name="mine")
    sfn.start_execution(stateMachineArn=other, name="theirs")
    bob = django_user_model.objects.create_user("bob")
    permissions.grant(Execution.objects.get(name="mine").state_machine, EXECUTE, user=bob)
    as_bob = client_for(live_server.url, key_of(bob))
    assert [m["name"] for m in as_bob.list_state_machines()["stateMachines"]] == ["Orders"]
    assert [e["name"] for e in as_bob.list_executions(stateMachineArn=orders)["executions"]] == ["mine"]
    with pytest.raises(as_bob.exceptions.ClientError) as excinfo:
        as_bob.list_executions(stateMachineArn=other)
    assert error_of(excinfo)[0] == "AccessDeniedException"
    started = as_bob.start_execution(stateMachineArn=orders)["executionArn"]
    assert Execution.objects.get(arn=started).started_by == bob


def test_a_creator_administers_what_they_create(live_server, django_user_model):
    bob = django_user_model.objects.create_user("bob")
    give(bob, "accounts.create_statemachine")
    as_bob = client_for(live_server.url, key_of(bob))
    arn = as_bob.create_state_machine(name="Mine", definition=PASS, roleArn=ROLE)["stateMachineArn"]
    assert permissions.permissions_on(bob, StateMachine.objects.get(name="Mine")) == frozenset(permissions.ALL)
    as_bob.delete_state_machine(stateMachineArn=arn)


def client_error(call) -> tuple[str, str, int]:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as excinfo:
        call()
    code, message = error_of(excinfo)
    return code, message, excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_bad_credentials_are_refused(sfn, live_server, admin_user):
    url = live_server.url
    key_id, secret = key_of(admin_user)
    assert client_for(url, (key_id, secret)).list_activities()["activities"] == []
    assert AccessKey.objects.get(access_key_id=key_id).last_used_at is not None
    invalid = ("UnrecognizedClientException", "The security token included in the request is invalid.", 400)
    assert client_error(client_for(url, ("FDAKNOSUCHKEY0000000", secret)).list_activities) == invalid
    code, message, status = client_error(client_for(url, (key_id, secret + "x")).list_activities)
    assert (code, status) == ("InvalidSignatureException", 400)
    assert message.startswith("The request signature we calculated does not match the signature you provided.")

    credentials.revoke(AccessKey.objects.get(access_key_id=key_id))
    assert client_error(client_for(url, (key_id, secret)).list_activities) == invalid
    key_id, secret = key_of(admin_user)
    admin_user.is_active = False
    admin_user.save(update_fields=["is_active"])
    assert client_error(client_for(url, (key_id, secret)).list_activities) == invalid


@pytest.mark.parametrize("skew, words", [(timedelta(minutes=-6), "Signature expired: "),
                                          (timedelta(minutes=6), "Signature not yet current: ")])
def test_stale_and_future_requests_are_refused(skew, words, sfn, live_server, admin_user):
    client = client_for(live_server.url, key_of(admin_user))
    signed_at = datetime.now(timezone.utc) + skew
    with mock.patch("botocore.auth.get_current_datetime", return_value=signed_at.replace(tzinfo=None)):
        code, message, status = client_error(client.list_activities)
    assert (code, status) == ("InvalidSignatureException", 400) and message.startswith(words)
    assert signed_at.strftime("%Y%m%dT%H%M%SZ") in message


def test_a_tampered_body_is_refused(sfn, live_server, admin_user):
    body = json.dumps({"name": "Harmless"}).encode()
    headers = sign(live_server.url + "/", body, {"Content-Type": "application/x-amz-json-1.0",
                                                 "X-Amz-Target": "AWSStepFunctions.CreateActivity"},
                   key_of(admin_user))
    tampered = json.dumps({"name": "Sneaky!"}).encode()
    with pytest.raises(HTTPError) as excinfo:
        urlopen(Request(live_server.url + "/", data=tampered, headers=headers, method="POST"))
    assert json.loads(excinfo.value.read())["__type"] == "com.amazon.coral.service#InvalidSignatureException"
    assert not sfn.list_activities()["activities"]


def test_an_unsigned_target_cannot_turn_a_request_into_another_action(sfn, live_server, admin_user):
    body = json.dumps({"name": "Replayed"}).encode()
    headers = sign(live_server.url + "/", body, {"Content-Type": "application/x-amz-json-1.0"}, key_of(admin_user))
    headers["X-Amz-Target"] = "AWSStepFunctions.CreateActivity"  # added after signing: not in SignedHeaders
    with pytest.raises(HTTPError) as excinfo:
        urlopen(Request(live_server.url + "/", data=body, headers=headers, method="POST"))
    answer = json.loads(excinfo.value.read())
    assert answer["__type"] == "com.amazon.coral.service#InvalidSignatureException"
    assert "x-amz-target" in answer["message"]
    assert not sfn.list_activities()["activities"]


def test_a_non_ascii_signature_is_refused_as_malformed(sfn, live_server, admin_user):
    body = b"{}"
    headers = sign(live_server.url + "/", body, {"Content-Type": "application/x-amz-json-1.0",
                                                 "X-Amz-Target": "AWSStepFunctions.ListActivities"},
                   key_of(admin_user))
    headers["Authorization"] = headers["Authorization"].rpartition("Signature=")[0] + "Signature=" + "\xe9" * 64
    with pytest.raises(HTTPError) as excinfo:  # sent as latin-1 bytes, as a hostile client may
        urlopen(Request(live_server.url + "/", data=body, headers=headers, method="POST"))
    assert excinfo.value.code == 400
    assert json.loads(excinfo.value.read())["__type"] == "com.amazon.coral.service#IncompleteSignatureException"


def test_changes_are_audited_with_actor_and_address(sfn, live_server, django_user_model):
    carol = django_user_model.objects.create_user("carol")
    for needed in ("accounts.create_statemachine", "accounts.manage_activities"):
        give(carol, needed)
    as_carol = client_for(live_server.url, key_of(carol))
    waiting = json.dumps({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "auth-callback", "Payload": {"token.$": "$$.Task.Token"}}, "End": True}}})
    machine = as_carol.create_state_machine(name="Approvals", definition=waiting, roleArn=ROLE)["stateMachineArn"]
    run = as_carol.start_execution(stateMachineArn=machine, input='{"secret": "do not log"}')["executionArn"]
    drain()
    token = TaskToken.objects.get().token
    as_carol.send_task_success(taskToken=token, output='{"approved": true}')
    as_carol.tag_resource(resourceArn=machine, tags=[{"key": "team", "value": "ops"}])
    as_carol.create_activity(name="Picker")
    as_carol.describe_execution(executionArn=run)  # reading is not audited

    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.target) for e in events] == [
        ("state_machine.create", machine), ("execution.start", run), ("task.approve", run),
        ("tags.update", machine), ("activity.create", ACTIVITY)]
    assert {(e.actor_id, e.actor_name, e.via, e.address) for e in events} == {(carol.pk, "carol", "aws", "127.0.0.1")}
    approve = events[2]
    assert approve.detail == {"token_end": token[-6:]}
    assert all(token not in json.dumps(e.detail) and "do not log" not in json.dumps(e.detail) for e in events)
    assert dj_timezone.now() - events[0].at < timedelta(minutes=1)


AWS_CLI = Path(sys.executable).parent / "aws"


@pytest.mark.skipif(not AWS_CLI.exists(), reason="the AWS CLI (awscli, a dev dependency) is not installed")
def test_the_aws_cli_signs_in_with_an_access_key(sfn, live_server, admin_user):
    make(sfn)
    key_id, secret = key_of(admin_user)

    def aws(secret_key: str) -> subprocess.CompletedProcess:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": key_id,
               "AWS_SECRET_ACCESS_KEY": secret_key, "AWS_DEFAULT_REGION": "us-east-1",
               "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
        return subprocess.run([str(AWS_CLI), "stepfunctions", "list-state-machines", "--endpoint-url",
                               live_server.url, "--output", "json"], capture_output=True, text=True, env=env,
                              timeout=60)

    listed = aws(secret)
    assert listed.returncode == 0, listed.stderr
    assert [m["name"] for m in json.loads(listed.stdout)["stateMachines"]] == ["Orders"]
    refused = aws(secret + "x")
    assert refused.returncode != 0 and "InvalidSignatureException" in refused.stderr


def test_the_accesskey_command_creates_a_user_and_a_key_then_revokes_it(sfn, live_server):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("accesskey", "create", "ops", "--superuser", stdout=out)
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    client = client_for(live_server.url, (values["AWS_ACCESS_KEY_ID"], values["AWS_SECRET_ACCESS_KEY"]))
    assert client.list_state_machines()["stateMachines"] == []
    assert AccessKey.objects.get(access_key_id=values["AWS_ACCESS_KEY_ID"]).user.is_superuser
    assert values["AWS_SECRET_ACCESS_KEY"] not in json.dumps(list(AuditEvent.objects.values("detail", "target")))
    call_command("accesskey", "revoke", values["AWS_ACCESS_KEY_ID"], stdout=StringIO())
    assert client_error(client.list_state_machines)[0] == "UnrecognizedClientException"
