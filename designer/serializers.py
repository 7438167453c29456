from rest_framework import serializers


class ValidateDefinitionSerializer(serializers.Serializer):
    # The definition is JSON *text*, as in ValidateStateMachineDefinition: parse errors are diagnostics
    # (INVALID_JSON_DESCRIPTION), not request errors, so keep the text exactly as sent.
    definition = serializers.CharField(allow_blank=True, trim_whitespace=False)
