"""The Django admin's view of accounts (the product's own pages under /manage/ are the main place): grants,
users and groups can be edited here too, audited like anywhere else; keys and tokens only listed and revoked;
the audit log only read. The admin has no login form of its own: it sends people to the site's rate-limited one.
"""
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone

from designer.accounts import audit
from designer.accounts.models import AccessKey, ApiToken, AuditEvent, Grant


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ("state_machine", "user", "group", "permission", "created_at")
    list_filter = ("permission",)
    search_fields = ("state_machine__name", "user__username", "group__name")

    def save_model(self, request, obj, form, change):
        if change:
            self._record(request, Grant.objects.select_related("user", "group", "state_machine").get(pk=obj.pk),
                         "permission.revoke")
        super().save_model(request, obj, form, change)
        self._record(request, obj, "permission.grant")

    def delete_model(self, request, obj):
        self._record(request, obj, "permission.revoke")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for grant in queryset.select_related("user", "group", "state_machine"):
            self._record(request, grant, "permission.revoke")
        super().delete_queryset(request, queryset)

    @staticmethod
    def _record(request, grant: Grant, action: str) -> None:
        audit.record(audit.Actor.of(request, audit.WEB), action, grant.state_machine.arn, subject=grant.subject,
                     permission=grant.permission)


@admin.action(description="Revoke the selected credentials")
def revoke(modeladmin, request, queryset):
    actor = audit.Actor.of(request, audit.WEB)
    for row in queryset.filter(revoked_at__isnull=True).select_related("user"):
        type(row).objects.filter(pk=row.pk).update(revoked_at=timezone.now())
        kind, name = ("access_key", row.access_key_id) if isinstance(row, AccessKey) else ("api_token", row.prefix)
        audit.record(actor, f"{kind}.revoke", name, owner=row.user.get_username())


class CredentialAdmin(admin.ModelAdmin):
    actions = [revoke]
    list_filter = ("revoked_at",)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit log keeps naming them

    def has_add_permission(self, request):
        return False  # issued on the account page or the API, where the secret is shown once

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessKey)
class AccessKeyAdmin(CredentialAdmin):
    list_display = ("access_key_id", "user", "description", "created_at", "last_used_at", "revoked_at")
    search_fields = ("access_key_id", "user__username")
    exclude = ("encrypted_secret",)


@admin.register(ApiToken)
class ApiTokenAdmin(CredentialAdmin):
    list_display = ("prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
    search_fields = ("prefix", "name", "user__username")
    exclude = ("token_hash",)


class ViewOnlyAdmin(admin.ModelAdmin):
    """Listed and shown in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin):
    list_display = ("at", "actor_name", "action", "target", "address", "via")
    list_filter = ("action", "via")
    search_fields = ("actor_name", "action", "target", "address")


def _site_login(request, extra_context=None):
    return redirect_to_login(request.GET.get("next") or "/admin/", settings.LOGIN_URL)


admin.site.login = _site_login


class AuditedChanges:
    """save/delete hooks of a ModelAdmin that write `<noun>.create/update/delete` audit rows, naming the fields
    changed (a password only as the word)."""

    noun = ""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        action = f"{self.noun}.{'update' if change else 'create'}"
        audit.record(audit.Actor.of(request, audit.WEB), action, str(form.instance),
                     fields=sorted(form.changed_data))

    def delete_model(self, request, obj):
        audit.record(audit.Actor.of(request, audit.WEB), f"{self.noun}.delete", str(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(audit.Actor.of(request, audit.WEB), f"{self.noun}.delete", str(obj))
        super().delete_queryset(request, queryset)


class AuditedUserAdmin(AuditedChanges, UserAdmin):
    noun = "user"

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit.record(audit.Actor.of(request, audit.WEB), "user.update", User.objects.get(pk=id).get_username(),
                         fields=["password"])
        return response


class AuditedGroupAdmin(AuditedChanges, GroupAdmin):
    noun = "group"


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, AuditedGroupAdmin)
