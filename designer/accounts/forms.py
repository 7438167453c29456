"""Forms of the account pages and the site admin's pages (users, groups, audit log filters)."""
from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from designer.accounts import audit

User = get_user_model()
# Account-wide abilities (models.Grant.Meta.permissions), granted to users and groups on these pages.
ABILITIES = ("create_statemachine", "manage_activities", "work_activities")
SITE_ADMIN_HELP = "Manages users, groups and the audit log; holds every permission on every state machine."


def abilities() -> "forms.QuerySet[Permission]":
    return Permission.objects.filter(content_type__app_label="accounts", codename__in=ABILITIES).order_by("codename")


class AbilityField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(abilities(), required=False, label="Account-wide permissions", **kwargs)

    def label_from_instance(self, permission: Permission) -> str:
        return permission.name


def set_abilities(holder, chosen) -> None:
    """Give a user or group exactly the chosen abilities, leaving any other Django permission they hold alone."""
    granted = holder.permissions if isinstance(holder, Group) else holder.user_permissions
    granted.remove(*abilities().exclude(pk__in=[p.pk for p in chosen]))
    granted.add(*chosen)


class AccessKeyForm(forms.Form):
    description = forms.CharField(max_length=200, required=False,
                                  help_text="What uses this key (a laptop, a CI job); shown in lists, never secret.")


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100)
    expires_in_days = forms.IntegerField(min_value=1, max_value=3650, required=False, label="Expires in (days)",
                                         help_text="Empty: never expires (revoke it when no longer needed).")

    def expires_at(self):
        days = self.cleaned_data["expires_in_days"]
        return timezone.now() + timedelta(days=days) if days else None


class _UserFields(forms.ModelForm):
    """Groups and abilities, shared by the create and edit forms."""

    groups = forms.ModelMultipleChoiceField(Group.objects.order_by("name"), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    abilities = AbilityField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["abilities"] = list(self.instance.user_permissions.filter(pk__in=abilities()))
        if not self.fields["groups"].queryset.exists():
            self.fields["groups"].help_text = "No groups yet: create them on the Groups page."

    def _save_relations(self, user) -> None:
        user.groups.set(self.cleaned_data["groups"])
        set_abilities(user, self.cleaned_data["abilities"])


class UserCreateForm(_UserFields, UserCreationForm):
    """Username and password (Django's password validators apply), then who the new user is."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "is_superuser", "groups")
        labels = {"is_superuser": "Site admin"}
        help_texts = {"is_superuser": SITE_ADMIN_HELP}

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.is_staff = user.is_superuser  # a site admin may also use the Django admin
        user.save()
        self._save_relations(user)
        return user


class UserEditForm(_UserFields):
    """Who a user is and what they may do; a new password optionally (empty keeps the current one)."""

    new_password1 = forms.CharField(label="New password", required=False, strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                    help_text=password_validation.password_validators_help_text_html())
    new_password2 = forms.CharField(label="New password again", required=False, strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    class Meta:
        model = User
        fields = ("email", "is_active", "is_superuser", "groups")
        labels = {"is_superuser": "Site admin", "is_active": "Active"}
        help_texts = {"is_superuser": SITE_ADMIN_HELP,
                      "is_active": "May log in and use their keys and tokens. Unticking locks them out, keeping the rest."}

    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor

    def clean(self):
        cleaned = super().clean()
        # A site admin cannot lock themselves out: someone else has to take their rights away.
        if self.instance.pk == getattr(self.editor, "pk", None):
            if not cleaned.get("is_active") or not cleaned.get("is_superuser"):
                raise forms.ValidationError("You cannot deactivate yourself or take away your own site-admin rights.")
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first or second:
            if first != second:
                self.add_error("new_password2", "The two passwords differ.")
            else:
                try:
                    password_validation.validate_password(first, self.instance)
                except forms.ValidationError as error:
                    self.add_error("new_password1", error)
        return cleaned

    def changed_fields(self) -> list[str]:
        """Names of what changed, for the audit log (a new password is named, never shown)."""
        changed = [name for name in self.changed_data if not name.startswith("new_password")]
        return changed + (["password"] if self.cleaned_data.get("new_password1") else [])

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.is_staff = user.is_superuser
        if self.cleaned_data.get("new_password1"):
            user.set_password(self.cleaned_data["new_password1"])
        user.save()
        self._save_relations(user)
        return user


class GroupForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(User.objects.order_by("username"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    abilities = AbilityField()

    class Meta:
        model = Group
        fields = ("name",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["members"] = list(self.instance.user_set.all())
            self.initial["abilities"] = list(self.instance.permissions.filter(pk__in=abilities()))

    def save(self, commit: bool = True):
        group = super().save()
        group.user_set.set(self.cleaned_data["members"])
        set_abilities(group, self.cleaned_data["abilities"])
        return group


class AuditFilterForm(forms.Form):
    """The filters of audit.search; dates are checked by the search itself (one parser of ISO 8601)."""

    actor = forms.CharField(required=False, max_length=150, help_text="User name, exactly")
    action = forms.CharField(required=False, max_length=64,
                             help_text="Exactly (execution.start), or a prefix ending in a dot (execution.)")
    target = forms.CharField(required=False, max_length=300, help_text="Part of an ARN or a name")
    address = forms.CharField(required=False, max_length=64)
    via = forms.ChoiceField(required=False, choices=[("", "any")] + [(v, v) for v in (
        audit.WEB, audit.API, audit.AWS, audit.CLI, audit.SYSTEM)])
    since = forms.CharField(required=False, max_length=40, help_text="2026-01-31 or 2026-01-31T12:00:00Z")
    until = forms.CharField(required=False, max_length=40, help_text="Before this moment; a date includes that whole day")

    def events(self):
        """The matching events, or None with the form's errors filled in."""
        if not self.is_valid():
            return None
        try:
            return audit.search(self.cleaned_data)
        except ValueError as error:
            name, _, message = str(error).partition(": ")
            self.add_error(name if name in self.fields else None, message or str(error))
            return None
