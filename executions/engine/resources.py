"""What a Task's Resource URI says about the history events it produces.

AWS names the events after the kind of resource: a legacy Lambda ARN gives LambdaFunction* events, an
activity ARN Activity* events, everything else (service integrations, HTTP, our own resources) Task*
events whose details carry `resourceType` and `resource`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    family: str  # "Task" | "Activity" | "LambdaFunction"
    resource_type: str  # e.g. "lambda", "states", "http", "aws-sdk:dynamodb"
    resource: str  # e.g. "invoke", "startExecution.sync"
    region: str
    pattern: str  # "REQUEST_RESPONSE" | "SYNC" | "SYNC2" | "CALLBACK"

    @property
    def needs_token(self) -> bool:
        return self.pattern == "CALLBACK" or self.family == "Activity"


@lru_cache(maxsize=4096)
def describe(uri: str) -> ResourceInfo:
    """Classify a Resource URI (cached: a machine has few distinct resources)."""
    parts = uri.split(":")
    if uri.startswith("arn:") and len(parts) >= 6:
        service, region = parts[2], parts[3] or DEFAULT_REGION
        if service == "lambda" and parts[5] == "function":
            return ResourceInfo("LambdaFunction", "lambda", uri, region, "REQUEST_RESPONSE")
        if service == "states" and parts[5] == "activity":
            return ResourceInfo("Activity", "activity", uri, region, "CALLBACK")
        if service == "states" and parts[4] == "" and len(parts) >= 7:
            # arn:aws:states:::service:action[.suffix] or arn:aws:states:::aws-sdk:service:action
            resource_type = parts[5]
            rest = parts[6:]
            if resource_type == "aws-sdk" and len(rest) >= 2:
                resource_type, rest = f"aws-sdk:{rest[0]}", rest[1:]
            resource = ":".join(rest)
            return ResourceInfo("Task", resource_type, resource, region, _pattern(resource))
    scheme, _, rest = uri.partition(":")
    return ResourceInfo("Task", scheme, rest or uri, DEFAULT_REGION, _pattern(rest or uri))


def _pattern(resource: str) -> str:
    if resource.endswith(".waitForTaskToken"):
        return "CALLBACK"
    if resource.endswith(".sync:2"):
        return "SYNC2"
    if resource.endswith(".sync"):
        return "SYNC"
    return "REQUEST_RESPONSE"
