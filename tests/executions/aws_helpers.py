"""Fixtures for the AWS-compatible endpoint's tests: boto3 itself against a live server, signing (SigV4) with an
access key of a superuser (tests/accounts/test_aws_auth.py has the users with fewer permissions)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from designer.accounts import credentials

ROLE = "arn:aws:iam::123456789012:role/flowdeck"
PREFIX = "arn:aws:states:us-east-1:123456789012"
PASS = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"ok": 1}, "End": True}}})


def client_for(url: str, key: tuple[str, str], **config):
    """A boto3 Step Functions client for the server at `url`, signing with `key` (access key id, secret)."""
    return boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key[0],
                        aws_secret_access_key=key[1],
                        config=Config(inject_host_prefix=False, retries={"max_attempts": 0}, read_timeout=70,
                                      **config))


def key_of(user) -> tuple[str, str]:
    """A new access key of `user`: (access key id, secret)."""
    row, secret = credentials.issue_access_key(user, "tests")
    return row.access_key_id, secret


@pytest.fixture
def sfn(live_server, settings, admin_user):
    """A boto3 Step Functions client of a superuser, pointed at the live server (responses checked strictly
    against the model, GetActivityTask polls one second)."""
    settings.FLOWDECK_AWS_STRICT_RESPONSES = True
    settings.FLOWDECK_ACTIVITY_TASK_WAIT_SECONDS = 1
    return client_for(live_server.url, key_of(admin_user))


@pytest.fixture
def unchecked(sfn, live_server, admin_user):
    """A client that sends what it is given: boto3 checks nothing, so the server's own validation answers."""
    return client_for(live_server.url, key_of(admin_user), parameter_validation=False)


def sign(url: str, body: bytes, headers: dict, key: tuple[str, str]) -> dict:
    """`headers` with the SigV4 headers botocore would add to a POST of `body` to `url`."""
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(*key), "states", "us-east-1").add_auth(request)
    return dict(request.headers.items())


@pytest.fixture
def post(sfn, live_server, admin_user):
    """POST a raw body, signed by the superuser's key unless `key` is None:
    post(target, body, path="/", key=...) -> (status, parsed JSON answer)."""

    def send(target: str | None, body: bytes | str | dict, path: str = "/",
             key: tuple[str, str] | None = key_of(admin_user)) -> tuple[int, dict]:
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        if target is not None:
            headers["X-Amz-Target"] = target
        if key is not None:
            headers = sign(live_server.url + path, data, headers, key)
        request = urllib.request.Request(live_server.url + path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    return send


def make(sfn, name: str = "Orders", definition: str = PASS, **kwargs) -> str:
    return sfn.create_state_machine(name=name, definition=definition, roleArn=ROLE, **kwargs)["stateMachineArn"]


def error_of(excinfo) -> tuple[str, str]:
    """(code, message) of a botocore ClientError."""
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]
