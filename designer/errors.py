"""Domain errors of the service layer, named as Step Functions names them.

Views map them to responses in one place: the AWS-compatible endpoint sends `__type` = the class name
(HTTP 400), the REST API a JSON error with the same code. The message is meant for people.
"""


class FlowdeckError(Exception):
    """Base of every error a caller can cause; `code` is the AWS exception name."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    @property
    def code(self) -> str:
        return type(self).__name__


class ValidationException(FlowdeckError):
    pass


class MissingRequiredParameter(FlowdeckError):
    pass


class InvalidArn(FlowdeckError):
    pass


class InvalidName(FlowdeckError):
    pass


class InvalidDefinition(FlowdeckError):
    pass


class InvalidLoggingConfiguration(FlowdeckError):
    pass


class InvalidEncryptionConfiguration(FlowdeckError):
    pass


class ResourceNotFound(FlowdeckError):
    pass


class ConflictException(FlowdeckError):
    pass


class StateMachineAlreadyExists(FlowdeckError):
    pass


class StateMachineDoesNotExist(FlowdeckError):
    pass


class StateMachineDeleting(FlowdeckError):
    pass


class StateMachineTypeNotSupported(FlowdeckError):
    pass


class ExecutionAlreadyExists(FlowdeckError):
    pass


class ExecutionDoesNotExist(FlowdeckError):
    pass


class ExecutionLimitExceeded(FlowdeckError):
    pass


class ExecutionNotRedrivable(FlowdeckError):
    pass


class InvalidExecutionInput(FlowdeckError):
    pass


class InvalidOutput(FlowdeckError):
    pass


class InvalidToken(FlowdeckError):
    pass


class TaskDoesNotExist(FlowdeckError):
    pass


class TaskTimedOut(FlowdeckError):
    pass


class ActivityDoesNotExist(FlowdeckError):
    pass


class ActivityAlreadyExists(FlowdeckError):
    pass


class TooManyTags(FlowdeckError):
    pass


class ServiceQuotaExceededException(FlowdeckError):
    pass
