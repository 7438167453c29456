"""The Task state: Resource, timeouts, heartbeats, credentials, and the task-token rule.

ASL: Resource MUST be a URI (AWS: an ARN; Flowdeck also runs resources of its own schemes), fixed in
the definition, never a path or expression. TimeoutSeconds and HeartbeatSeconds are positive
integers (JSONata: or expressions), each exclusive with its *Path form, and a heartbeat must be
shorter than the timeout. A `.waitForTaskToken` resource must hand the task token to the worker.
The request fields of the HTTP task and of Flowdeck's XML-RPC resources are checked in integrations.py.
"""

from __future__ import annotations

import re

from designer.asl.validation import fields, integrations, templates
from designer.asl.validation.context import Checker, StateInfo
from designer.asl.validation.diagnostics import INVALID_RESOURCE, at, show
from designer.asl.validation.values import MAX_SECONDS, expected, is_int

_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+\Z")
_JSONPATH_TOKEN = "$$.Task.Token"
_JSONATA_TOKEN = re.compile(r"\$states\s*\.\s*context\s*\.\s*Task\s*\.\s*Token")


def resource_problem(value) -> str | None:
    """Why a Task Resource is not acceptable (None if it is)."""
    if not isinstance(value, str):
        return f"expected a URI string, got {show(value)}"
    if value.startswith("$") or templates.is_expression(value):
        return "the Resource must be a fixed URI, not a path or an expression"
    if not _URI.match(value):
        return "not a URI (expected scheme:rest, e.g. an ARN such as arn:aws:states:::lambda:invoke)"
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        partition_known = integrations.AWS_PARTITION.match(parts[1]) or parts[1] == integrations.PARTITION
        if len(parts) < 6 or not partition_known or not parts[2] or not parts[5]:
            return "not a valid ARN (expected arn:partition:service:region:account:resource)"
        if parts[2] == "states" and not parts[3] and not parts[4] and ":" not in parts[5]:
            return "a service integration ARN names service:action (e.g. arn:aws:states:::lambda:invoke)"
        return integrations.resource_problem(parts)
    return None


def structure(ck: Checker, st: StateInfo) -> None:
    data, location = st.data, st.location
    fields.required(ck, st, "Resource")
    if st.jsonpath:  # JSONata refuses the *Path fields outright
        fields.exclusive(ck, data, location, "TimeoutSeconds", "TimeoutSecondsPath")
        fields.exclusive(ck, data, location, "HeartbeatSeconds", "HeartbeatSecondsPath")
    timeout, heartbeat = data.get("TimeoutSeconds"), data.get("HeartbeatSeconds")
    if is_int(timeout) and is_int(heartbeat) and heartbeat >= timeout:
        ck.report.schema(
            f"HeartbeatSeconds ({heartbeat}) must be smaller than TimeoutSeconds ({timeout})",
            at(location, "HeartbeatSeconds"),
        )
    resource = data.get("Resource")
    if isinstance(resource, str) and resource.endswith(".waitForTaskToken"):
        _check_task_token(ck, st)
    integrations.structure(ck, st)


def _check_task_token(ck: Checker, st: StateInfo) -> None:
    # ASL/AWS: the callback pattern only works if the worker receives the token to answer with.
    field = "Parameters" if st.jsonpath else "Arguments"
    payload = st.data.get(field)
    if _mentions_token(payload, st.jsonpath):
        return
    token = _JSONPATH_TOKEN if st.jsonpath else "$states.context.Task.Token"
    ck.report.schema(
        f"The Resource ends with '.waitForTaskToken', so '{field}' must pass the task token ({token}) "
        "to the worker that will call SendTaskSuccess/SendTaskFailure",
        at(st.location, field) if field in st.data else st.location,
    )


def _mentions_token(payload, jsonpath: bool) -> bool:
    pending = [(None, payload)]
    while pending:
        key, node = pending.pop()
        if isinstance(node, dict):
            pending.extend(node.items())
        elif isinstance(node, list):
            pending.extend((None, element) for element in node)
        elif isinstance(node, str):
            if jsonpath:
                if isinstance(key, str) and key.endswith(".$") and _JSONPATH_TOKEN in node:
                    return True
            elif _JSONATA_TOKEN.search(node):
                return True
    return False


def _check_resource(ck: Checker, st: StateInfo, value, location: str) -> None:
    problem = resource_problem(value)
    if problem:
        ck.report.error(INVALID_RESOURCE, f"Invalid Resource {show(value)}: {problem}", location)


def _check_seconds(ck: Checker, st: StateInfo, value, location: str) -> None:
    fields.check_int_or_expression(ck, st, value, location, 1, MAX_SECONDS)


def _check_seconds_path(ck: Checker, st: StateInfo, value, location: str) -> None:
    fields.check_reference_path(ck, value, location, location.rsplit("/", 1)[1])


def _check_credentials(ck: Checker, st: StateInfo, value, location: str) -> None:
    # ASL: Credentials {"RoleArn": ...}; JSONPath may use "RoleArn.$", JSONata a "{% %}" RoleArn.
    if not isinstance(value, dict):
        expected(ck.report, location, value, "OBJECT")
        return
    names = ("RoleArn", "RoleArn.$") if st.jsonpath else ("RoleArn",)
    for key in value:
        if key not in names:
            ck.report.schema(f"Field '{key}' is not supported", location)
    present = [name for name in names if name in value]
    if not present:
        ck.report.schema("These fields are required: [RoleArn]", location)
    elif len(present) > 1:
        ck.report.schema("There should only be one of the following fields: [RoleArn, RoleArn.$]", location)
    if "RoleArn" in value:
        fields.check_string_or_expression(ck, st, value["RoleArn"], at(location, "RoleArn"), non_empty=True)
    if "RoleArn.$" in names and "RoleArn.$" in value:
        templates.check_dollar_field(ck.report, "RoleArn.$", value["RoleArn.$"], at(location, "RoleArn.$"))


def _check_parameters(ck: Checker, st: StateInfo, value, location: str) -> None:
    fields.check_parameters(ck, st, value, location)
    integrations.check_payload(ck, st, value, location)


def _check_arguments(ck: Checker, st: StateInfo, value, location: str) -> None:
    fields.check_arguments(ck, st, value, location)
    integrations.check_payload(ck, st, value, location)


FIELD_CHECKS = {
    "Resource": _check_resource,
    "TimeoutSeconds": _check_seconds,
    "HeartbeatSeconds": _check_seconds,
    "TimeoutSecondsPath": _check_seconds_path,
    "HeartbeatSecondsPath": _check_seconds_path,
    "Credentials": _check_credentials,
    "Parameters": _check_parameters,
    "Arguments": _check_arguments,
}
