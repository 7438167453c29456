from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "designer.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from designer.accounts import signals  # noqa: F401  (connects the audit of logins and logouts)
