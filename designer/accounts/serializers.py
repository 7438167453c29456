"""How accounts look in the REST API: your keys and tokens (a secret appears only in the response that issues it),
grants on a machine, and the site admin's users, groups and audit log. Passwords are write-only."""
from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from designer.accounts import permissions
from designer.accounts.models import AuditEvent

# The account-wide abilities (models.Grant.Meta.permissions), by codename.
ACCOUNT_PERMISSIONS = ("create_statemachine", "manage_activities", "work_activities")


def account_permissions_of(user) -> list[str]:
    """The account-wide abilities `user` holds, directly, through a group or as a superuser."""
    return [code for code in ACCOUNT_PERMISSIONS if user.has_perm(f"accounts.{code}")]


def _granted_codes(holder_permissions) -> list[str]:
    """The account-wide abilities given to this user or group itself (not through its groups)."""
    return sorted(holder_permissions.filter(content_type__app_label="accounts", codename__in=ACCOUNT_PERMISSIONS)
                  .values_list("codename", flat=True))


def _permission_rows(codes) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label="accounts", codename__in=codes))


def _set_account_permissions(holder_permissions, codes) -> None:
    """Replace the account-wide abilities in a user's or group's permission set, leaving any other permission."""
    holder_permissions.remove(*_permission_rows(ACCOUNT_PERMISSIONS))
    holder_permissions.add(*_permission_rows(codes))


class AccountSerializer(serializers.Serializer):
    """Who am I: the signed-in user and what they may do account-wide."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    is_superuser = serializers.BooleanField(read_only=True)
    account_permissions = serializers.SerializerMethodField()

    def get_account_permissions(self, user) -> list[str]:
        return account_permissions_of(user)


class AccessKeySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    access_key_id = serializers.CharField(read_only=True)
    description = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)
    last_used = serializers.DateTimeField(source="last_used_at", read_only=True, allow_null=True)
    revoked = serializers.DateTimeField(source="revoked_at", read_only=True, allow_null=True)


class IssuedAccessKeySerializer(AccessKeySerializer):
    """The one response that carries the key's secret."""

    secret_access_key = serializers.CharField(read_only=True)


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    prefix = serializers.CharField(read_only=True)
    expires_in_days = serializers.IntegerField(min_value=1, max_value=3650, required=False, allow_null=True,
                                               default=None, write_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)
    expires = serializers.DateTimeField(source="expires_at", read_only=True, allow_null=True)
    last_used = serializers.DateTimeField(source="last_used_at", read_only=True, allow_null=True)
    revoked = serializers.DateTimeField(source="revoked_at", read_only=True, allow_null=True)


class IssuedApiTokenSerializer(ApiTokenSerializer):
    """The one response that carries the token."""

    token = serializers.CharField(read_only=True)


class GrantSerializer(serializers.Serializer):
    """A permission on a machine: read as {id, subject: user|group, name, permission}; written as
    {user: <username>} or {group: <group name>} with a permission."""

    id = serializers.IntegerField(read_only=True)
    subject = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    permission = serializers.ChoiceField(choices=permissions.ALL)
    user = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all(),
                                        required=False, write_only=True)
    group = serializers.SlugRelatedField(slug_field="name", queryset=Group.objects.all(), required=False,
                                         write_only=True)

    def get_subject(self, grant) -> str:
        return "user" if grant.user_id else "group"

    def get_name(self, grant) -> str:
        return grant.user.get_username() if grant.user_id else grant.group.name

    def validate(self, data: dict) -> dict:
        if ("user" in data) == ("group" in data):
            raise serializers.ValidationError("Give either a user or a group, exactly one.")
        return data


class UserSerializer(serializers.ModelSerializer):
    """A user as the site admin manages them. The password is write-only and goes through Django's validators."""

    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    groups = serializers.SlugRelatedField(slug_field="name", queryset=Group.objects.all(), many=True, required=False)
    account_permissions = serializers.MultipleChoiceField(choices=ACCOUNT_PERMISSIONS, required=False)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "password", "email", "is_superuser", "is_active", "groups", "account_permissions",
                  "date_joined", "last_login"]
        read_only_fields = ["date_joined", "last_login"]

    def to_representation(self, user) -> dict:
        data = super().to_representation(user)
        data["account_permissions"] = _granted_codes(user.user_permissions)  # what PATCH sets; groups add theirs
        return data

    def validate(self, data: dict) -> dict:
        if "password" in data:
            candidate = self.instance or get_user_model()(username=data.get("username", ""),
                                                          email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password"], candidate)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return data

    def create(self, data: dict):
        groups = data.pop("groups", [])
        codes = data.pop("account_permissions", ())
        user = get_user_model().objects.create_user(**data)
        user.groups.set(groups)
        _set_account_permissions(user.user_permissions, codes)
        return user

    def update(self, user, data: dict):
        groups = data.pop("groups", None)
        codes = data.pop("account_permissions", None)
        password = data.pop("password", None)
        for field, value in data.items():
            setattr(user, field, value)
        changed = list(data)
        if password is not None:
            user.set_password(password)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        if groups is not None:
            user.groups.set(groups)
        if codes is not None:
            _set_account_permissions(user.user_permissions, codes)
        return user


class GroupSerializer(serializers.ModelSerializer):
    members = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all(),
                                           many=True, required=False, source="user_set")
    account_permissions = serializers.MultipleChoiceField(choices=ACCOUNT_PERMISSIONS, required=False)

    class Meta:
        model = Group
        fields = ["id", "name", "members", "account_permissions"]

    def to_representation(self, group) -> dict:
        data = super().to_representation(group)
        data["account_permissions"] = _granted_codes(group.permissions)
        return data

    def create(self, data: dict) -> Group:
        members, codes = data.pop("user_set", []), data.pop("account_permissions", ())
        group = Group.objects.create(**data)
        return self._set_related(group, members, codes)

    def update(self, group: Group, data: dict) -> Group:
        members, codes = data.pop("user_set", None), data.pop("account_permissions", None)
        if "name" in data:
            group.name = data["name"]
            group.save(update_fields=["name"])
        return self._set_related(group, members, codes)

    def _set_related(self, group: Group, members, codes) -> Group:
        if members is not None:
            group.user_set.set(members)
        if codes is not None:
            _set_account_permissions(group.permissions, codes)
        return group


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor_name", "action", "target", "address", "via", "detail"]


class AuditPageSerializer(serializers.Serializer):
    """A page of the audit log, newest first; `next_offset` continues (null on the last page)."""

    events = AuditEventSerializer(many=True)
    next_offset = serializers.IntegerField(allow_null=True)
