"""How state machines, their revisions, versions, layouts, drafts and the templates look in the REST API."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from designer import drafts
from designer.creation import DEFAULT_ROLE_ARN


class ValidateDefinitionSerializer(serializers.Serializer):
    # The definition is JSON *text*, as in ValidateStateMachineDefinition: parse errors are diagnostics
    # (INVALID_JSON_DESCRIPTION), not request errors, so keep the text exactly as sent.
    definition = serializers.CharField(allow_blank=True, trim_whitespace=False)


class StateMachineSerializer(serializers.Serializer):
    """A state machine as the UI shows it: its current definition and revision."""

    arn = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    type = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    role_arn = serializers.CharField(read_only=True)
    definition = serializers.CharField(read_only=True)
    revision_id = serializers.UUIDField(source="revision.revision_id", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    # Last edited: when the current revision was saved (settings such as logging do not count).
    updated_at = serializers.DateTimeField(source="revision.created_at", read_only=True)


class StateMachineCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    definition = serializers.CharField(trim_whitespace=False)
    role_arn = serializers.CharField(max_length=256, default=DEFAULT_ROLE_ARN)
    type = serializers.ChoiceField(choices=["STANDARD", "EXPRESS"], default="STANDARD")


class StateMachineUpdateSerializer(serializers.Serializer):
    definition = serializers.CharField(trim_whitespace=False, required=False)
    role_arn = serializers.CharField(max_length=256, required=False)


class RevisionSerializer(serializers.Serializer):
    revision_id = serializers.UUIDField(read_only=True)
    definition = serializers.CharField(read_only=True)
    role_arn = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ExecutionSummarySerializer(serializers.Serializer):
    """A machine's latest execution, as the list shows it: GET /api/executions/<id>/ has the rest."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    started_at = serializers.DateTimeField(source="start_date", read_only=True)


class StateMachineListSerializer(StateMachineSerializer):
    # Set by the list view in one query for the whole page (StateMachineListView.get), never per machine.
    last_execution = ExecutionSummarySerializer(read_only=True, allow_null=True)


class RevisionDetailSerializer(RevisionSerializer):
    # The numbers of the versions published from this revision, newest first.
    versions = serializers.SerializerMethodField()

    def get_versions(self, revision) -> list[int]:
        return [version.number for version in revision.versions.all()]


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    arn = serializers.CharField(read_only=True)
    revision_id = serializers.UUIDField(source="revision.revision_id", read_only=True)
    description = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class VersionPublishSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=256, required=False, allow_blank=True)
    # Publish only if this is still the current revision (PublishStateMachineVersion's revisionId): what the
    # designer showed is what gets published, or ConflictException.
    revision_id = serializers.UUIDField(required=False)


class LayoutSerializer(serializers.Serializer):
    # {state path: {"x", "y"}}; designer.layouts.check_positions checks the shape with messages naming the path.
    positions = serializers.JSONField()
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)


class DiagnosticSerializer(serializers.Serializer):
    """One of the validator's findings; location is a JSON pointer into the definition ("" for the whole)."""

    severity = serializers.ChoiceField(choices=["ERROR", "WARNING"], read_only=True)
    code = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    location = serializers.CharField(read_only=True)


class DraftWriteSerializer(serializers.Serializer):
    definition = serializers.CharField(allow_blank=True, trim_whitespace=False)  # any text: a draft may be invalid
    base_revision_id = serializers.UUIDField(required=False, allow_null=True)


class DraftSerializer(serializers.Serializer):
    """A draft with what the validator says of it (as /api/validate answers: only errors make FAIL)."""

    definition = serializers.CharField(read_only=True)
    base_revision_id = serializers.UUIDField(source="base_revision.revision_id", read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)
    result = serializers.SerializerMethodField()
    diagnostics = serializers.SerializerMethodField()

    def _checked(self, draft) -> tuple[str, list[dict]]:
        if not hasattr(draft, "_checked"):
            draft._checked = drafts.draft_diagnostics(draft.definition)
        return draft._checked

    def get_result(self, draft) -> str:
        return self._checked(draft)[0]

    @extend_schema_field(DiagnosticSerializer(many=True))
    def get_diagnostics(self, draft) -> list[dict]:
        return self._checked(draft)[1]


class TemplateSerializer(serializers.Serializer):
    id = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    definition = serializers.CharField(read_only=True)
