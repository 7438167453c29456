"""ASL error names and the exception that carries one.

A `StatesError` is what Retry and Catch match on: `error` is the ASL name (`States.TaskFailed`,
`States.Runtime`, or a user's own name such as `CustomError`), `cause` the human text.
"""

ALL = "States.ALL"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
PERMISSIONS = "States.Permissions"
RUNTIME = "States.Runtime"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
BRANCH_FAILED = "States.BranchFailed"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold"
ITEM_READER_FAILED = "States.ItemReaderFailed"
RESULT_WRITER_FAILED = "States.ResultWriterFailed"

# ASL: States.ALL matches every error except these two, which end the execution whatever the Catchers say.
UNCATCHABLE = frozenset({RUNTIME, DATA_LIMIT_EXCEEDED})

PREDEFINED = frozenset(
    {
        ALL,
        TASK_FAILED,
        TIMEOUT,
        HEARTBEAT_TIMEOUT,
        PERMISSIONS,
        RUNTIME,
        DATA_LIMIT_EXCEEDED,
        RESULT_PATH_MATCH_FAILURE,
        PARAMETER_PATH_FAILURE,
        INTRINSIC_FAILURE,
        QUERY_EVALUATION_ERROR,
        BRANCH_FAILED,
        NO_CHOICE_MATCHED,
        EXCEED_TOLERATED_FAILURE_THRESHOLD,
        ITEM_READER_FAILED,
        RESULT_WRITER_FAILED,
    }
)


class StatesError(Exception):
    """An ASL runtime error: a name that Retry/Catch can match, and a cause for people."""

    def __init__(self, error: str, cause: str = ""):
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause

    def to_output(self) -> dict:
        """The Error Output a Catcher passes on: {"Error": ..., "Cause": ...}."""
        return {"Error": self.error, "Cause": self.cause}


class AslSyntaxError(ValueError):
    """A malformed expression found while compiling (path, intrinsic, JSONata): a definition error."""
