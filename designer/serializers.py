from rest_framework import serializers


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
    updated_at = serializers.DateTimeField(read_only=True)


class StateMachineCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    definition = serializers.CharField(trim_whitespace=False)
    role_arn = serializers.CharField(max_length=256, default="arn:aws:iam::123456789012:role/flowdeck")
    type = serializers.ChoiceField(choices=["STANDARD", "EXPRESS"], default="STANDARD")


class StateMachineUpdateSerializer(serializers.Serializer):
    definition = serializers.CharField(trim_whitespace=False, required=False)
    role_arn = serializers.CharField(max_length=256, required=False)


class RevisionSerializer(serializers.Serializer):
    revision_id = serializers.UUIDField(read_only=True)
    definition = serializers.CharField(read_only=True)
    role_arn = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
