"""Connections in the REST API. A response never holds a secret: `secrets` says which secret fields are set, and
a secret parameter shows `"value": null, "secret": true`. The secret fields are write-only."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from designer.accounts.secrets import SecretUnreadable
from executions.integrations import connections
from executions.integrations.models import AUTH_TYPES, MAX_KEY, MAX_PARAMETERS, MAX_VALUE, SECRET_FIELDS


class ParameterSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=MAX_KEY, trim_whitespace=False)
    # A secret parameter's value is write-only: null in responses; sent back as null, the stored one is kept.
    value = serializers.CharField(max_length=MAX_VALUE, allow_null=True, allow_blank=True, required=False,
                                  default=None, trim_whitespace=False)
    secret = serializers.BooleanField(default=False)

    def to_representation(self, instance):
        shown = super().to_representation(instance)
        if shown.get("secret"):
            shown["value"] = None  # stored as null already; never shown even if it were not
        return shown


class SecretFlagsSerializer(serializers.Serializer):
    password = serializers.BooleanField()
    api_key_value = serializers.BooleanField()
    oauth_client_secret = serializers.BooleanField()
    client_key = serializers.BooleanField()
    proxy_url = serializers.BooleanField()


_SECRET = {"write_only": True, "required": False, "allow_null": True, "allow_blank": True, "trim_whitespace": False}


def _parameters() -> serializers.ListField:
    return serializers.ListField(child=ParameterSerializer(), max_length=MAX_PARAMETERS, required=False)


class ConnectionSerializer(serializers.Serializer):
    """A connection as anyone signed in may read it."""

    name = serializers.CharField(read_only=True)
    arn = serializers.SerializerMethodField()
    uuid = serializers.UUIDField(read_only=True)
    description = serializers.CharField(read_only=True)
    base_url = serializers.CharField(read_only=True)
    auth_type = serializers.CharField(read_only=True)
    username = serializers.CharField(read_only=True)
    api_key_name = serializers.CharField(read_only=True)
    api_key_location = serializers.CharField(read_only=True)
    oauth_token_url = serializers.CharField(read_only=True)
    oauth_client_id = serializers.CharField(read_only=True)
    oauth_scope = serializers.CharField(read_only=True)
    oauth_client_auth = serializers.CharField(read_only=True)
    oauth_extra_params = serializers.DictField(child=serializers.CharField(), read_only=True)
    headers = ParameterSerializer(many=True, read_only=True)
    query = ParameterSerializer(many=True, read_only=True)
    body = ParameterSerializer(many=True, read_only=True)
    verify_tls = serializers.BooleanField(read_only=True)
    ca_bundle = serializers.CharField(read_only=True)
    client_cert = serializers.CharField(read_only=True)
    timeout_seconds = serializers.IntegerField(read_only=True)
    secrets = serializers.SerializerMethodField()
    revision = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)

    def get_arn(self, connection) -> str:
        return connections.arn_of(connection)

    @extend_schema_field(SecretFlagsSerializer)
    def get_secrets(self, connection) -> dict[str, bool]:
        try:
            return connection.secret_flags()
        except SecretUnreadable:  # shown as unset: sending them again repairs the connection
            return dict.fromkeys(SECRET_FIELDS, False)


class ConnectionWriteSerializer(serializers.Serializer):
    """POST (name required) and PATCH (partial): a secret field left out keeps its value, null or "" clears it.
    Fields a response shows but nobody sets (arn, uuid, secrets, ...) are ignored, so a connection read from the
    API can be sent back; any other unknown field is refused, so a misspelt secret is never silently dropped."""

    name = serializers.CharField(max_length=64)
    description = serializers.CharField(max_length=512, allow_blank=True, required=False)
    base_url = serializers.CharField(max_length=2048, allow_blank=True, required=False)
    auth_type = serializers.ChoiceField(choices=[code for code, _ in AUTH_TYPES], required=False)
    username = serializers.CharField(max_length=512, allow_blank=True, required=False, trim_whitespace=False)
    api_key_name = serializers.CharField(max_length=512, allow_blank=True, required=False)
    api_key_location = serializers.ChoiceField(choices=["header", "query"], required=False)
    oauth_token_url = serializers.CharField(max_length=2048, allow_blank=True, required=False)
    oauth_client_id = serializers.CharField(max_length=512, allow_blank=True, required=False,
                                            trim_whitespace=False)
    oauth_scope = serializers.CharField(max_length=1024, allow_blank=True, required=False)
    oauth_client_auth = serializers.ChoiceField(choices=["basic", "body"], required=False)
    oauth_extra_params = serializers.DictField(child=serializers.CharField(max_length=MAX_VALUE,
                                                                           trim_whitespace=False),
                                               required=False)
    headers = _parameters()
    query = _parameters()
    body = _parameters()
    verify_tls = serializers.BooleanField(required=False)
    ca_bundle = serializers.CharField(max_length=262144, allow_blank=True, required=False, trim_whitespace=False)
    client_cert = serializers.CharField(max_length=65536, allow_blank=True, required=False, trim_whitespace=False)
    timeout_seconds = serializers.IntegerField(min_value=1, max_value=300, required=False)
    password = serializers.CharField(max_length=512, **_SECRET)
    api_key_value = serializers.CharField(max_length=MAX_VALUE, **_SECRET)
    oauth_client_secret = serializers.CharField(max_length=4096, **_SECRET)
    client_key = serializers.CharField(max_length=65536, **_SECRET)
    proxy_url = serializers.CharField(max_length=2048, **_SECRET)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            ignored = set(ConnectionSerializer._declared_fields) - set(self.fields)  # arn, uuid, secrets, ...
            unknown = set(data) - set(self.fields) - ignored
            if unknown:
                raise serializers.ValidationError({field: ["Unknown field"] for field in sorted(unknown)})
            data = {k: v for k, v in data.items() if k not in ignored}
        return super().to_internal_value(data)
