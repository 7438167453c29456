"""The REST API's errors: domain errors become {"code", "message"} with a fitting HTTP status."""
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from designer import errors
from designer.accounts.permissions import AccessDeniedException
from designer.accounts.ratelimit import RateLimited

_NOT_FOUND = (errors.StateMachineDoesNotExist, errors.ExecutionDoesNotExist, errors.ActivityDoesNotExist,
              errors.ResourceNotFound, errors.TaskDoesNotExist)
_CONFLICT = (errors.StateMachineAlreadyExists, errors.ExecutionAlreadyExists, errors.ConflictException,
             errors.TaskTimedOut)


def handle_exception(exc, context):
    if isinstance(exc, errors.FlowdeckError):
        code = status.HTTP_400_BAD_REQUEST
        if isinstance(exc, _NOT_FOUND):
            code = status.HTTP_404_NOT_FOUND
        elif isinstance(exc, _CONFLICT):
            code = status.HTTP_409_CONFLICT
        elif isinstance(exc, AccessDeniedException):
            code = status.HTTP_403_FORBIDDEN
        return Response({"code": exc.code, "message": exc.message}, status=code)
    if isinstance(exc, RateLimited):
        return Response({"code": "TooManyRequestsException", "message": str(exc)},
                        status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(exc.retry_after)})
    return exception_handler(exc, context)
