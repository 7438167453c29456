"""The Django admin's view of accounts (the product's own pages under /manage/ are the main place): grants can
be edited here too; keys and tokens only listed and revoked; the audit log only read."""
from django.contrib import admin
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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "target", "address", "via")
    list_filter = ("action", "via")
    search_fields = ("actor_name", "action", "target", "address")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
