"""Connections in the Django admin: listed and shown, never changed there (the REST API validates, keeps secrets
encrypted and audits every change). The encrypted column is not shown, and secret parameters are stored with
`"value": null`, so nothing here can show a secret."""
from django.contrib import admin

from executions.integrations.models import Connection


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ("name", "auth_type", "base_url", "verify_tls", "updated_at", "created_by")
    list_filter = ("auth_type",)
    search_fields = ("name", "description", "base_url")
    exclude = ("encrypted_secrets",)
    readonly_fields = ("uuid", "revision", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
