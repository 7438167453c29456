"""How executions, history events, activities and task answers look in the REST API (and the live stream)."""
import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class ExecutionLinkSerializer(serializers.Serializer):
    """Another execution, as a link to it: GET /api/executions/<id>/."""

    id = serializers.IntegerField(read_only=True)
    arn = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)


class ExecutionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    arn = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    state_machine = serializers.CharField(source="state_machine.name", read_only=True)
    state_machine_arn = serializers.CharField(source="state_machine.arn", read_only=True)
    revision_id = serializers.UUIDField(source="revision.revision_id", read_only=True)
    status = serializers.CharField(read_only=True)
    input = serializers.SerializerMethodField()
    output = serializers.SerializerMethodField()
    error = serializers.CharField(read_only=True, allow_null=True)
    cause = serializers.CharField(read_only=True, allow_null=True)
    start_date = serializers.DateTimeField(read_only=True)
    stop_date = serializers.DateTimeField(read_only=True, allow_null=True)
    event_count = serializers.IntegerField(read_only=True)
    transitions = serializers.IntegerField(read_only=True)
    # The execution whose states:startExecution task started this one (AWS: the child's input names it as
    # AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID), and how many this one started: GET executions/<id>/children/.
    parent = serializers.SerializerMethodField()
    child_count = serializers.SerializerMethodField()
    # A Distributed Map child: the Map Run that started it and how many items it processes.
    map_run = serializers.CharField(source="map_run.arn", read_only=True, allow_null=True, default=None)
    item_count = serializers.IntegerField(read_only=True, allow_null=True)

    @extend_schema_field(OpenApiTypes.ANY)
    def get_input(self, execution) -> object:
        return json.loads(execution.input)

    @extend_schema_field(OpenApiTypes.ANY)
    def get_output(self, execution) -> object:
        return None if execution.output is None else json.loads(execution.output)

    @extend_schema_field(ExecutionLinkSerializer(allow_null=True))
    def get_parent(self, execution) -> dict | None:
        # Null unless the reader may view the parent's machine too: views annotate `parent_visible`
        # (executions.views.executions); without it nothing is shown.
        if execution.parent is None or not getattr(execution, "parent_visible", False):
            return None
        return ExecutionLinkSerializer(execution.parent).data

    def get_child_count(self, execution) -> int:
        counted = getattr(execution, "child_count", None)  # views annotate it (executions.views.executions)
        return execution.children.count() if counted is None else counted


class ExecutionPageSerializer(serializers.Serializer):
    """A page of executions, newest first; `next_before` is the `before` of the next page (null after an empty one)."""

    executions = ExecutionSerializer(many=True)
    next_before = serializers.IntegerField(allow_null=True)


class MapRunCountsSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    running = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    timedOut = serializers.IntegerField()
    aborted = serializers.IntegerField()
    total = serializers.IntegerField()
    resultsWritten = serializers.IntegerField()
    failuresNotRedrivable = serializers.IntegerField()
    pendingRedrive = serializers.IntegerField()


class MapRunSerializer(serializers.Serializer):
    """A Distributed Map's Map Run; `item_counts` and `execution_counts` (as DescribeMapRun's) in the detail."""

    id = serializers.IntegerField(read_only=True)
    arn = serializers.CharField(read_only=True)
    execution = serializers.IntegerField(source="execution_id", read_only=True)
    execution_arn = serializers.CharField(source="execution.arn", read_only=True)
    state_name = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    state_machine_arn = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    start_date = serializers.DateTimeField(read_only=True)
    stop_date = serializers.DateTimeField(read_only=True, allow_null=True)
    max_concurrency = serializers.IntegerField(read_only=True)
    tolerated_failure_percentage = serializers.FloatField(read_only=True)
    tolerated_failure_count = serializers.IntegerField(read_only=True)
    redrive_count = serializers.IntegerField(read_only=True)
    redrive_date = serializers.DateTimeField(read_only=True, allow_null=True)


class MapRunDetailSerializer(MapRunSerializer):
    item_counts = MapRunCountsSerializer(read_only=True)
    execution_counts = MapRunCountsSerializer(read_only=True)


class UpdateMapRunSerializer(serializers.Serializer):
    """UpdateMapRun: any of the three, within AWS's ranges."""

    max_concurrency = serializers.IntegerField(min_value=0, required=False)
    tolerated_failure_percentage = serializers.FloatField(min_value=0, max_value=100, required=False)
    tolerated_failure_count = serializers.IntegerField(min_value=0, required=False)


class StartExecutionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, required=False)
    input = serializers.JSONField(required=False, default=dict)


class RedriveExecutionSerializer(serializers.Serializer):
    # AWS's ClientToken: 1-64 printable ASCII characters; the same token within 15 minutes redrives once.
    client_token = serializers.RegexField(r"^[!-~]+$", min_length=1, max_length=64, required=False,
                                          allow_null=True, default=None)


class StopExecutionSerializer(serializers.Serializer):
    error = serializers.CharField(max_length=256, required=False, allow_null=True, default=None)
    cause = serializers.CharField(max_length=32768, required=False, allow_null=True, default=None)


class ExecutionEventSerializer(serializers.BaseSerializer):
    """A history event exactly as AWS's GetExecutionHistory shows it (ISO timestamps)."""

    def to_representation(self, event) -> dict:
        data = {"id": event.event_id, "type": event.type, "timestamp": event.timestamp.isoformat(),
                "previousEventId": event.previous_event_id}
        data.update(event.details)
        return data


class ActivitySerializer(serializers.Serializer):
    arn = serializers.CharField(read_only=True)
    name = serializers.CharField(max_length=80)
    created_at = serializers.DateTimeField(read_only=True)


class TaskSuccessSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=2048)
    output = serializers.JSONField()


class TaskFailureSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=2048)
    error = serializers.CharField(max_length=256, required=False, allow_null=True, default=None)
    cause = serializers.CharField(max_length=32768, required=False, allow_null=True, default=None)


class TaskHeartbeatSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=2048)
