"""A state machine's settings besides its definition: LoggingConfiguration, TracingConfiguration and
EncryptionConfiguration, checked as CreateStateMachine / UpdateStateMachine check them and shown with AWS's
defaults by DescribeStateMachine.

Flowdeck stores and returns them; it ships no logs to CloudWatch, traces nothing in X-Ray and encrypts with
no KMS key (the data is as safe as the database it lives in).
"""
from __future__ import annotations

import re

from designer import errors

_LOG_DEFAULTS = {"level": "OFF", "includeExecutionData": False}
# AWS: a CloudWatch Logs log group ARN, with the `:*` qualifier (what CloudFormation's LogGroup.Arn gives).
_LOG_GROUP_ARN = re.compile(r"arn:aws[a-z-]*:logs:[a-z0-9-]*:\d*:log-group:[^:]+(:.*)?")
_INVALID_LOGGING = "Invalid Logging Configuration: "
CUSTOMER_MANAGED_KMS_KEY = "CUSTOMER_MANAGED_KMS_KEY"


def logging_configuration(configuration: dict | None) -> dict:
    """A LoggingConfiguration as AWS describes it: level OFF and no execution data unless given."""
    return {**_LOG_DEFAULTS, **(configuration or {})}


def tracing_configuration(configuration: dict | None) -> dict:
    return {"enabled": False, **(configuration or {})}


def encryption_configuration(configuration: dict | None) -> dict:
    """An EncryptionConfiguration as AWS describes it: an AWS-owned key unless a customer managed one is set."""
    return configuration or {"type": "AWS_OWNED_KEY"}


def check_logging_configuration(configuration: dict | None) -> dict:
    """The LoggingConfiguration with its defaults, or InvalidLoggingConfiguration with AWS's message.

    AWS: at most one destination, and exactly one unless the level is OFF; a destination is a CloudWatch Logs
    log group ARN ending in `:*`."""
    configuration = logging_configuration(configuration)
    destinations = configuration.get("destinations") or []
    if len(destinations) > 1 or (configuration["level"] != "OFF" and not destinations):
        raise errors.InvalidLoggingConfiguration(_INVALID_LOGGING + "Must specify exactly one Log Destination.")
    for destination in destinations:
        arn = (destination.get("cloudWatchLogsLogGroup") or {}).get("logGroupArn")
        if not arn:
            raise errors.InvalidLoggingConfiguration(_INVALID_LOGGING + "Must set valid CloudWatch Log Group ARN.")
        if not _LOG_GROUP_ARN.fullmatch(arn):
            raise errors.InvalidLoggingConfiguration(
                _INVALID_LOGGING + "Provided ARN is not CloudWatch Logs Log Group ARN.")
        if not arn.endswith(":*"):
            raise errors.InvalidLoggingConfiguration(
                _INVALID_LOGGING + "Log Group ARN must be provided with '*' qualifier.")
    return configuration


def check_encryption_configuration(configuration: dict | None) -> dict:
    """The EncryptionConfiguration with its default; a customer managed key needs its key id (AWS)."""
    configuration = encryption_configuration(configuration)
    if configuration["type"] == CUSTOMER_MANAGED_KMS_KEY and not configuration.get("kmsKeyId"):
        raise errors.InvalidEncryptionConfiguration(
            "Invalid Encryption Configuration: 'kmsKeyId' is required when 'type' is 'CUSTOMER_MANAGED_KMS_KEY'")
    return configuration
