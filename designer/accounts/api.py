"""The account and site-admin REST API: who am I, my access keys and API tokens, a machine's grants (its admins),
users, groups and the audit log (superusers). Every change is audited; a secret appears only in the response that
issues it."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from designer import errors
from designer.accounts import audit, credentials, permissions, ratelimit
from designer.accounts.models import AccessKey, ApiToken, Grant
from designer.accounts.serializers import (
    AccessKeySerializer,
    AccountSerializer,
    ApiTokenSerializer,
    AuditPageSerializer,
    GrantSerializer,
    GroupSerializer,
    IssuedAccessKeySerializer,
    IssuedApiTokenSerializer,
    UserSerializer,
)
from designer.views import DownloadNegotiation, get_state_machine

MAX_PAGE = 1000


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The schema's word for `Authorization: Bearer fdt_...` (drf-spectacular finds extensions by subclass)."""

    target_class = "designer.accounts.credentials.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "http", "scheme": "bearer"}


def _record(request: Request, action: str, target: str = "", **detail) -> None:
    audit.record(audit.Actor.of(request, audit.API), action, target=target, **detail)


def _valid(serializer) -> dict:
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AccountView(APIView):
    @extend_schema(responses=AccountSerializer)
    def get(self, request: Request) -> Response:
        return Response(AccountSerializer(request.user).data)


# --- Your credentials --------------------------------------------------------------------------------------


class AccessKeyListView(APIView):
    """GET: your access keys (never their secrets). POST {description?}: issue one; the secret is in this
    response only."""

    @extend_schema(responses=AccessKeySerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(AccessKeySerializer(request.user.access_keys.all(), many=True).data)

    @extend_schema(request=AccessKeySerializer, responses={201: IssuedAccessKeySerializer})
    def post(self, request: Request) -> Response:
        data = _valid(AccessKeySerializer(data=request.data))
        ratelimit.hit("credentials", str(request.user.pk))
        key, secret = credentials.issue_access_key(request.user, data["description"])
        _record(request, "access_key.create", key.access_key_id)
        key.secret_access_key = secret
        return Response(IssuedAccessKeySerializer(key).data, status=201)


class AccessKeyDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, access_key_id: str) -> Response:
        key = AccessKey.objects.filter(user=request.user, access_key_id=access_key_id).first()
        if key is None:
            raise errors.ResourceNotFound(f"Access key does not exist: '{access_key_id}'")
        if credentials.revoke(key):
            _record(request, "access_key.revoke", key.access_key_id)
        return Response(status=204)


class ApiTokenListView(APIView):
    """GET: your API tokens (never the tokens themselves). POST {name, expires_in_days?}: issue one; the token is
    in this response only."""

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ApiTokenSerializer(request.user.api_tokens.all(), many=True).data)

    @extend_schema(request=ApiTokenSerializer, responses={201: IssuedApiTokenSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(ApiTokenSerializer(data=request.data))
        ratelimit.hit("credentials", str(request.user.pk))
        days = data["expires_in_days"]
        expires_at = timezone.now() + timedelta(days=days) if days else None
        row, token = credentials.issue_api_token(request.user, data["name"], expires_at)
        _record(request, "api_token.create", f"api_token:{row.pk}", name=row.name, prefix=row.prefix)
        row.token = token
        return Response(IssuedApiTokenSerializer(row).data, status=201)


class ApiTokenDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        row = ApiToken.objects.filter(user=request.user, pk=pk).first()
        if row is None:
            raise errors.ResourceNotFound(f"API token does not exist: '{pk}'")
        if credentials.revoke(row):
            _record(request, "api_token.revoke", f"api_token:{row.pk}", name=row.name, prefix=row.prefix)
        return Response(status=204)


# --- A machine's grants: its admins ------------------------------------------------------------------------


class MachinePermissionsView(APIView):
    """GET: who holds which permission on the machine. POST {user | group, permission}: grant one. Both need the
    admin permission on the machine."""

    @extend_schema(responses=GrantSerializer(many=True))
    def get(self, request: Request, name: str) -> Response:
        machine = get_state_machine(name, request.user, permissions.ADMIN)
        return Response(GrantSerializer(permissions.grants_on(machine), many=True).data)

    @extend_schema(request=GrantSerializer, responses={201: GrantSerializer, 200: GrantSerializer})
    def post(self, request: Request, name: str) -> Response:
        machine = get_state_machine(name, request.user, permissions.ADMIN)
        data = _valid(GrantSerializer(data=request.data))
        subject = {"user": data.get("user"), "group": data.get("group")}
        created = permissions.grant(machine, data["permission"], **subject)
        row = permissions.grants_on(machine).get(permission=data["permission"], **subject)
        if created:
            _record(request, "permission.grant", machine.arn, subject=row.subject, permission=row.permission)
        return Response(GrantSerializer(row).data, status=201 if created else 200)


class MachinePermissionDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, name: str, grant_id: int) -> Response:
        machine = get_state_machine(name, request.user, permissions.ADMIN)
        row = Grant.objects.select_related("user", "group").filter(state_machine=machine, pk=grant_id).first()
        if row is None:
            raise errors.ResourceNotFound(f"Grant does not exist: '{grant_id}'")
        permissions.revoke(machine, row.permission, user=row.user, group=row.group)
        _record(request, "permission.revoke", machine.arn, subject=row.subject, permission=row.permission)
        return Response(status=204)


# --- Site admin: users, groups, the audit log --------------------------------------------------------------


class SiteAdminView(APIView):
    """Users, groups and the audit log are for superusers; anyone else signed in gets AccessDeniedException."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # authentication first: an anonymous caller gets 401
        if not permissions.is_site_admin(request.user):
            raise permissions.AccessDeniedException(
                f"User: {request.user.get_username()} is not authorized to manage the site (superusers only)")


def _changed(data: dict) -> list[str]:
    return sorted(data)  # field names only: a new password is "password", never its value


class UserListView(SiteAdminView):
    @extend_schema(responses=UserSerializer(many=True))
    def get(self, request: Request) -> Response:
        users = get_user_model().objects.order_by("username").prefetch_related("groups")
        return Response(UserSerializer(users, many=True).data)

    @extend_schema(request=UserSerializer, responses={201: UserSerializer})
    def post(self, request: Request) -> Response:
        serializer = UserSerializer(data=request.data)
        fields = _changed(_valid(serializer))
        user = serializer.save()
        _record(request, "user.create", user.get_username(), fields=fields)
        return Response(UserSerializer(user).data, status=201)


def _get_user(pk: int):
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise errors.ResourceNotFound(f"User does not exist: '{pk}'")
    return user


class UserDetailView(SiteAdminView):
    @extend_schema(responses=UserSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(UserSerializer(_get_user(pk)).data)

    @extend_schema(request=UserSerializer, responses=UserSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        user = _get_user(pk)
        serializer = UserSerializer(user, data=request.data, partial=True)
        data = _valid(serializer)
        if user == request.user and (data.get("is_superuser") is False or data.get("is_active") is False):
            raise errors.ValidationException("You cannot take away your own superuser status or deactivate "
                                             "yourself; another superuser can")
        user = serializer.save()
        _record(request, "user.update", user.get_username(), fields=_changed(data))
        return Response(UserSerializer(user).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        user = _get_user(pk)
        if user == request.user:
            raise errors.ValidationException("You cannot delete yourself; another superuser can")
        username = user.get_username()
        user.delete()
        _record(request, "user.delete", username)
        return Response(status=204)


class GroupListView(SiteAdminView):
    @extend_schema(responses=GroupSerializer(many=True))
    def get(self, request: Request) -> Response:
        groups = Group.objects.order_by("name").prefetch_related("user_set", "permissions")
        return Response(GroupSerializer(groups, many=True).data)

    @extend_schema(request=GroupSerializer, responses={201: GroupSerializer})
    def post(self, request: Request) -> Response:
        serializer = GroupSerializer(data=request.data)
        fields = _changed(_valid(serializer))
        group = serializer.save()
        _record(request, "group.create", group.name, fields=fields)
        return Response(GroupSerializer(group).data, status=201)


def _get_group(pk: int) -> Group:
    group = Group.objects.filter(pk=pk).first()
    if group is None:
        raise errors.ResourceNotFound(f"Group does not exist: '{pk}'")
    return group


class GroupDetailView(SiteAdminView):
    @extend_schema(responses=GroupSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(GroupSerializer(_get_group(pk)).data)

    @extend_schema(request=GroupSerializer, responses=GroupSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        serializer = GroupSerializer(_get_group(pk), data=request.data, partial=True)
        fields = _changed(_valid(serializer))
        group = serializer.save()
        _record(request, "group.update", group.name, fields=fields)
        return Response(GroupSerializer(group).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        group = _get_group(pk)
        name = group.name
        group.delete()
        _record(request, "group.delete", name)
        return Response(status=204)


_AUDIT_PARAMETERS = [OpenApiParameter(name, str) for name in audit.FILTERS] + [
    OpenApiParameter("limit", int), OpenApiParameter("offset", int),
    OpenApiParameter("format", str, enum=["json", "csv", "jsonl"],
                     description="csv or jsonl: the whole filtered log as a download")]


class AuditLogView(SiteAdminView):
    """GET ?actor=&action=&target=&address=&via=&since=&until=: the audit log, newest first, a page at a time
    (?limit=&offset=), or the whole filtered log as a download (?format=csv|jsonl)."""

    content_negotiation_class = DownloadNegotiation

    @extend_schema(parameters=_AUDIT_PARAMETERS, responses=AuditPageSerializer)
    def get(self, request: Request):
        try:
            events = audit.search(request.query_params)
        except ValueError as exc:
            raise errors.ValidationException(str(exc)) from None
        kind = request.query_params.get("format", "json")
        if kind in _EXPORTS:
            return _download(events, kind)
        if kind != "json":
            raise errors.ValidationException(f"format must be json, csv or jsonl, not '{kind}'")
        limit, offset = _number(request, "limit", 100, 1, MAX_PAGE), _number(request, "offset", 0, 0, None)
        page = list(events[offset:offset + limit + 1])
        more = len(page) > limit
        return Response(AuditPageSerializer({"events": page[:limit],
                                             "next_offset": offset + limit if more else None}).data)


def _number(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.query_params.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise errors.ValidationException(f"{name} must be a whole number, not '{raw}'") from None
    if value < low or (high is not None and value > high):
        raise errors.ValidationException(f"{name} must be from {low}" + (f" to {high}" if high else ""))
    return value


def _csv_lines(events):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=audit.EXPORT_FIELDS)
    writer.writeheader()
    for row in audit.export_rows(events):
        writer.writerow({**row, "detail": json.dumps(row["detail"], ensure_ascii=False, sort_keys=True)})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _jsonl_lines(events):
    for row in audit.export_rows(events):
        yield json.dumps(row, ensure_ascii=False) + "\n"


_EXPORTS = {"csv": (_csv_lines, "text/csv"), "jsonl": (_jsonl_lines, "application/jsonl")}


def _download(events, kind: str) -> StreamingHttpResponse:
    lines, content_type = _EXPORTS[kind]
    response = StreamingHttpResponse(lines(events), content_type=f"{content_type}; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="flowdeck-audit-{stamp}.{kind}"'
    return response

