"""Connections in the Django admin: listed and shown, never changed there (the REST API validates, keeps secrets
encrypted and audits every change). The encrypted column is not shown, and secret parameters are stored with
`"value": null`, so nothing here can show a secret."""
from django.contrib import admin

from designer.accounts.admin import ViewOnlyAdmin
from executions.integrations.models import Connection


@admin.register(Connection)
class ConnectionAdmin(ViewOnlyAdmin):
    list_display = ("name", "auth_type", "base_url", "verify_tls", "updated_at", "created_by")
    list_filter = ("auth_type",)
    search_fields = ("name", "description", "base_url")
    exclude = ("encrypted_secrets",)
    readonly_fields = ("uuid", "revision", "created_at", "updated_at")
