"""The REST API for executions, their history, activities and task tokens (what the UI needs)."""
import json

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from designer import errors
from designer.accounts import audit, permissions
from designer.views import get_state_machine
from executions import authorization, callbacks, maprun, services
from executions.models import Activity, Execution, MapRun, TaskToken
from executions.serializers import (
    ActivitySerializer,
    ExecutionEventSerializer,
    ExecutionPageSerializer,
    ExecutionSerializer,
    MapRunDetailSerializer,
    MapRunSerializer,
    RedriveExecutionSerializer,
    StartExecutionSerializer,
    StopExecutionSerializer,
    TaskFailureSerializer,
    TaskHeartbeatSerializer,
    TaskSuccessSerializer,
    UpdateMapRunSerializer,
)

MAX_PAGE = 1000


def executions(user) -> QuerySet[Execution]:
    """Executions as the REST API shows them to `user`: those of the machines they may view, with their machine,
    revision, parent (`parent_visible`: whether they may view its machine too) and number of children they may
    view. One query for a whole page, where a permission check per row would be one each."""
    visible = permissions.with_permission(user)
    children = (Execution.objects.filter(parent=OuterRef("pk"), state_machine__in=visible).order_by()
                .values("parent").annotate(count=Count("pk")).values("count"))
    return (Execution.objects.filter(state_machine__in=visible)
            .select_related("state_machine", "revision", "parent", "map_run")
            .annotate(child_count=Coalesce(Subquery(children), 0),
                      parent_visible=Exists(visible.filter(pk=OuterRef("parent__state_machine")))))


def get_execution(pk: int, user, permission: str = permissions.VIEW) -> Execution:
    """The execution if `user` holds `permission` on its machine; one they may not view answers like a missing
    one, one they may view but not `permission` answers AccessDeniedException."""
    execution = executions(user).filter(pk=pk).first()
    if execution is None:
        raise errors.ExecutionDoesNotExist(f"Execution Does Not Exist: '{pk}'")
    permissions.require(user, permission, execution.state_machine)
    return execution


def _record(request: Request, action: str, target: str, **detail) -> None:
    audit.record(audit.Actor.of(request, audit.API), action, target=target, **detail)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _limit(request: Request, default: int = 100) -> int:
    raw = request.query_params.get("limit", default)
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        raise errors.ValidationException(f"limit must be a whole number, not '{raw}'") from None
    if not 1 <= limit <= MAX_PAGE:
        raise errors.ValidationException(f"limit must be from 1 to {MAX_PAGE}")
    return limit


def _page(request: Request, listed: QuerySet[Execution]) -> Response:
    """?status=&before=<id>&limit=: a page of executions, newest first."""
    listed = listed.order_by("-id")
    status = request.query_params.get("status")
    if status:
        listed = listed.filter(status=status)
    before = request.query_params.get("before")
    if before:
        if not before.isdigit():
            raise errors.ValidationException(f"before must be an execution id, not '{before}'")
        listed = listed.filter(id__lt=before)
    page = list(listed[:_limit(request)])
    return Response(ExecutionPageSerializer({"executions": page, "next_before": page[-1].id if page else None}).data)


_PAGE_PARAMETERS = [OpenApiParameter("status", str), OpenApiParameter("before", int), OpenApiParameter("limit", int)]


class MachineExecutionsView(APIView):
    """GET ?status=&before=<id>&limit=: a machine's executions, newest first. POST {name?, input?}: start one."""

    @extend_schema(responses=ExecutionPageSerializer, parameters=_PAGE_PARAMETERS)
    def get(self, request: Request, name: str) -> Response:
        # A Distributed Map's children are listed with their Map Run (map-runs/<id>/executions/).
        machine = get_state_machine(name, request.user)
        return _page(request, executions(request.user).filter(state_machine=machine, map_run=None))

    @extend_schema(request=StartExecutionSerializer, responses={201: ExecutionSerializer})
    def post(self, request: Request, name: str) -> Response:
        machine = get_state_machine(name, request.user, permissions.EXECUTE)
        data = _valid(StartExecutionSerializer, request.data)
        text = json.dumps(data["input"], separators=(",", ":"), ensure_ascii=False)
        execution = services.start_execution(machine, input=text, name=data.get("name"), started_by=request.user)
        _record(request, "execution.start", execution.arn)
        return Response(ExecutionSerializer(get_execution(execution.pk, request.user)).data, status=201)


class ExecutionDetailView(APIView):
    @extend_schema(responses=ExecutionSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ExecutionSerializer(get_execution(pk, request.user)).data)


class ExecutionChildrenView(APIView):
    """GET ?status=&before=<id>&limit=: the executions this one started (its states:startExecution tasks),
    newest first; each links back to it as its `parent`."""

    @extend_schema(responses=ExecutionPageSerializer, parameters=_PAGE_PARAMETERS)
    def get(self, request: Request, pk: int) -> Response:
        return _page(request, executions(request.user).filter(parent=get_execution(pk, request.user)))


class ExecutionStopView(APIView):
    @extend_schema(request=StopExecutionSerializer, responses=ExecutionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        execution = get_execution(pk, request.user, permissions.EXECUTE)
        data = _valid(StopExecutionSerializer, request.data)
        execution = services.stop_execution(execution, **data)
        _record(request, "execution.stop", execution.arn, error=data["error"])
        return Response(ExecutionSerializer(get_execution(execution.pk, request.user)).data)


class ExecutionRedriveView(APIView):
    """RedriveExecution {client_token?}: continue an unsuccessful execution from the part that did not succeed;
    the same client token again within 15 minutes redrives nothing more (AWS)."""

    @extend_schema(request=RedriveExecutionSerializer, responses=ExecutionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        execution = get_execution(pk, request.user, permissions.EXECUTE)
        data = _valid(RedriveExecutionSerializer, request.data)
        execution = services.redrive_execution(execution, client_token=data["client_token"])
        _record(request, "execution.redrive", execution.arn)
        return Response(ExecutionSerializer(get_execution(execution.pk, request.user)).data)


class ExecutionHistoryView(APIView):
    """GET ?after=<event id>&limit=: history events after a cursor, oldest first; `next_after` continues."""

    @extend_schema(parameters=[OpenApiParameter("after", int), OpenApiParameter("limit", int)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        execution = get_execution(pk, request.user)
        raw = request.query_params.get("after", "0")
        if not raw.isdigit():
            raise errors.ValidationException(f"after must be an event id, not '{raw}'")
        limit = _limit(request)
        events = list(execution.events.filter(event_id__gt=int(raw)).order_by("event_id")[:limit])
        more = len(events) == limit and execution.events.filter(event_id__gt=events[-1].event_id).exists()
        return Response({"events": ExecutionEventSerializer(events, many=True).data,
                         "next_after": events[-1].event_id if more else None,
                         "status": execution.status})


def get_map_run(pk: int, user, permission: str = permissions.VIEW) -> MapRun:
    """The Map Run if `user` holds `permission` on its execution's machine (404 when they may not view it)."""
    run = MapRun.objects.select_related("execution__state_machine").filter(pk=pk).first()
    machine = run.execution.state_machine if run is not None else None
    if machine is None or not permissions.has_permission(user, permissions.VIEW, machine):
        raise errors.ResourceNotFound(f"Map Run does not exist: '{pk}'")
    permissions.require(user, permission, machine)
    return run


def _map_run_detail(run: MapRun) -> dict:
    run.item_counts, run.execution_counts = maprun.counts(run)
    return MapRunDetailSerializer(run).data


class ExecutionMapRunsView(APIView):
    """The Map Runs an execution's Distributed Maps started, newest first (ListMapRuns)."""

    @extend_schema(responses=MapRunSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        execution = get_execution(pk, request.user)
        runs = maprun.list_map_runs(execution).select_related("execution")
        return Response({"map_runs": MapRunSerializer(runs, many=True).data})


class MapRunDetailView(APIView):
    """GET: a Map Run with its item and execution counts (DescribeMapRun). PATCH: UpdateMapRun, which steers a
    running execution, so it needs the execute permission."""

    @extend_schema(responses=MapRunDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_map_run_detail(get_map_run(pk, request.user)))

    @extend_schema(request=UpdateMapRunSerializer, responses=MapRunDetailSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        run = get_map_run(pk, request.user, permissions.EXECUTE)
        data = _valid(UpdateMapRunSerializer, request.data)
        maprun.update_map_run(run, max_concurrency=data.get("max_concurrency"),
                              tolerated_count=data.get("tolerated_failure_count"),
                              tolerated_percentage=data.get("tolerated_failure_percentage"))
        _record(request, "map_run.update", run.arn, **data)
        return Response(_map_run_detail(get_map_run(pk, request.user)))


class MapRunExecutionsView(APIView):
    """GET ?status=&before=<id>&limit=: a Map Run's child executions, newest first."""

    @extend_schema(responses=ExecutionPageSerializer, parameters=_PAGE_PARAMETERS)
    def get(self, request: Request, pk: int) -> Response:
        return _page(request, executions(request.user).filter(map_run=get_map_run(pk, request.user)))


class ActivityListView(APIView):
    """GET: every activity (any signed-in user). POST {name}: create one (account-wide manage_activities)."""

    @extend_schema(responses=ActivitySerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ActivitySerializer(Activity.objects.all(), many=True).data)

    @extend_schema(request=ActivitySerializer, responses={201: ActivitySerializer})
    def post(self, request: Request) -> Response:
        if not permissions.can_manage_activities(request.user):
            raise permissions.AccessDeniedException(
                f"User: {request.user.get_username()} is not authorized to create activities "
                "(needs the account-wide manage_activities permission)")
        data = _valid(ActivitySerializer, request.data)
        activity = callbacks.create_activity(data["name"])
        _record(request, "activity.create", activity.arn)
        return Response(ActivitySerializer(activity).data, status=201)


class TaskSuccessView(APIView):
    """SendTaskSuccess: {token, output}."""

    @extend_schema(request=TaskSuccessSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = _valid(TaskSuccessSerializer, request.data)
        _answer(request, data["token"], "SendTaskSuccess", "task.approve",
                lambda: callbacks.send_task_success(data["token"], json.dumps(data["output"], separators=(",", ":"))))
        return Response(status=204)


class TaskFailureView(APIView):
    """SendTaskFailure: {token, error?, cause?}."""

    @extend_schema(request=TaskFailureSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = _valid(TaskFailureSerializer, request.data)
        _answer(request, data["token"], "SendTaskFailure", "task.reject",
                lambda: callbacks.send_task_failure(data["token"], error=data["error"], cause=data["cause"]))
        return Response(status=204)


class TaskHeartbeatView(APIView):
    """SendTaskHeartbeat: {token}."""

    @extend_schema(request=TaskHeartbeatSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = _valid(TaskHeartbeatSerializer, request.data)
        _answer(request, data["token"], "SendTaskHeartbeat", "task.heartbeat",
                lambda: callbacks.send_task_heartbeat(data["token"]))
        return Response(status=204)


def _answer(request: Request, token: str, action: str, audited: str, send) -> None:
    """Answer a task token for the caller if they may (approve on its machine, or an activity worker for an
    activity's token), and log it against the execution (the token itself, a bearer secret, is not logged)."""
    authorization.require_answer(request.user, token, action=action)
    send()
    row = TaskToken.objects.select_related("execution").get(token=token)  # send() raised if there was none
    _record(request, audited, row.execution.arn, state=row.state_name)
