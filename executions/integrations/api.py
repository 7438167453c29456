"""The connections REST API: /api/connections/ and /api/connections/<name>/. Anyone signed in may list and
read connections (never their secrets); creating, changing and deleting one needs the account-wide
manage_connections permission, and is audited with the names of the fields changed, never their values."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from designer.accounts import audit
from designer.accounts.permissions import AccessDeniedException
from executions.integrations import connections
from executions.integrations.models import Connection
from executions.integrations.serializers import ConnectionSerializer, ConnectionWriteSerializer


def can_manage_connections(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("integrations.manage_connections"))


def _require_manage(request: Request, what: str) -> None:
    if not can_manage_connections(request.user):
        raise AccessDeniedException(f"User: {request.user.get_username()} is not authorized to {what} connections "
                                    "(needs the account-wide manage_connections permission)")


def _record(request: Request, action: str, connection: Connection, **detail) -> None:
    audit.record(audit.Actor.of(request, audit.API), action, target=connections.arn_of(connection), **detail)


def _changes(request: Request, *, partial: bool) -> dict:
    serializer = ConnectionWriteSerializer(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _field_errors(error: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


class ConnectionListView(APIView):
    """GET: every connection. POST: create one (manage_connections)."""

    @extend_schema(responses=ConnectionSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = Connection.objects.select_related("created_by")
        return Response(ConnectionSerializer(rows, many=True).data)

    @extend_schema(request=ConnectionWriteSerializer, responses={201: ConnectionSerializer})
    def post(self, request: Request) -> Response:
        _require_manage(request, "create")
        changes = _changes(request, partial=False)
        name = changes.pop("name")
        try:
            connection = connections.create_connection(name, created_by=request.user, **changes)
        except DjangoValidationError as error:
            raise _field_errors(error) from None
        _record(request, "connection.create", connection, fields=sorted(changes))
        return Response(ConnectionSerializer(connection).data, status=201)


def _get(name: str) -> Connection:
    connection = Connection.objects.select_related("created_by").filter(name=name).first()
    if connection is None:
        raise connections.ConnectionNotFound(f"Connection does not exist: '{name}'")
    return connection


class ConnectionDetailView(APIView):
    """GET: one connection. PATCH: change it, partially (manage_connections). DELETE: delete it
    (manage_connections)."""

    @extend_schema(responses=ConnectionSerializer)
    def get(self, request: Request, name: str) -> Response:
        return Response(ConnectionSerializer(_get(name)).data)

    @extend_schema(request=ConnectionWriteSerializer, responses=ConnectionSerializer)
    def patch(self, request: Request, name: str) -> Response:
        _require_manage(request, "change")
        connection = _get(name)
        changes = _changes(request, partial=True)
        if changes.pop("name", name) != name:
            raise serializers.ValidationError({"name": ["A connection cannot be renamed"]})
        try:
            changed = connections.update_connection(connection, changes)
        except DjangoValidationError as error:
            raise _field_errors(error) from None
        if changed:
            _record(request, "connection.update", connection, fields=changed)
        return Response(ConnectionSerializer(connection).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, name: str) -> Response:
        _require_manage(request, "delete")
        connection = _get(name)
        connection.delete()  # the instance keeps its name and uuid, so its ARN, for the audit record
        _record(request, "connection.delete", connection)
        return Response(status=204)
