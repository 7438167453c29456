"""REST API of accounts: /api/account/..., /api/users/, /api/groups/, /api/audit/, machine permissions."""
from django.urls import path

urlpatterns: list = []
