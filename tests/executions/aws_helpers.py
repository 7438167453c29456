"""Fixtures for the AWS-compatible endpoint's tests: boto3 itself against a live server."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config

ROLE = "arn:aws:iam::123456789012:role/flowdeck"
PREFIX = "arn:aws:states:us-east-1:123456789012"
PASS = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"ok": 1}, "End": True}}})


def _client(url: str, **config):
    return boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x",
                        aws_secret_access_key="y",
                        config=Config(inject_host_prefix=False, retries={"max_attempts": 0}, read_timeout=70,
                                      **config))


@pytest.fixture
def sfn(live_server, settings):
    """A boto3 Step Functions client pointed at the live server (responses checked strictly against the model,
    GetActivityTask polls one second)."""
    settings.FLOWDECK_AWS_STRICT_RESPONSES = True
    settings.FLOWDECK_ACTIVITY_TASK_WAIT_SECONDS = 1
    return _client(live_server.url)


@pytest.fixture
def unchecked(sfn, live_server):
    """A client that sends what it is given: boto3 checks nothing, so the server's own validation answers."""
    return _client(live_server.url, parameter_validation=False)


@pytest.fixture
def post(sfn, live_server):
    """POST a raw body: post(target, body, path="/") -> (status, parsed JSON answer)."""

    def send(target: str | None, body: bytes | str | dict, path: str = "/") -> tuple[int, dict]:
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        if target is not None:
            headers["X-Amz-Target"] = target
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
