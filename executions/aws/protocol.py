"""The JSON 1.0 wire format of answers: results and errors, in one place.

Errors are HTTP 400 with `{"__type": "com.amazonaws.states#<Code>", "message": ...}`; SDKs strip the
namespace and raise their modeled exception (boto3: `client.exceptions.ExecutionDoesNotExist`). Anything
unexpected is AWS's InternalFailure (HTTP 500), which SDKs retry.
"""
from __future__ import annotations

import json
import uuid

from django.http import HttpResponse

from designer.errors import FlowdeckError

CONTENT_TYPE = "application/x-amz-json-1.0"
SERVICE_NAMESPACE = "com.amazonaws.states"


def reply(data: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(data, separators=(",", ":"), ensure_ascii=False), status=status,
                            content_type=CONTENT_TYPE)
    response["x-amzn-RequestId"] = str(uuid.uuid4())
    return response


def error_reply(exc: FlowdeckError) -> HttpResponse:
    namespace = getattr(exc, "namespace", SERVICE_NAMESPACE)
    body = {"__type": f"{namespace}#{exc.code}", "message": exc.message}
    if getattr(exc, "reason", None):  # ValidationException's reason (e.g. CANNOT_UPDATE_COMPLETED_MAP_RUN)
        body["reason"] = exc.reason
    response = reply(body, status=exc.status)
    response["x-amzn-ErrorType"] = exc.code
    return response


def internal_failure() -> HttpResponse:
    response = reply({"__type": "com.amazon.coral.service#InternalFailure",
                      "message": "The request processing has failed because of an unknown error"}, status=500)
    response["x-amzn-ErrorType"] = "InternalFailure"
    return response
