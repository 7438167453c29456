"""REST API of accounts: /api/account/..., /api/users/, /api/groups/, /api/audit/, machine permissions."""
from django.urls import path

from designer.accounts import api

urlpatterns = [
    path("account/", api.AccountView.as_view(), name="api-account"),
    path("account/access-keys/", api.AccessKeyListView.as_view(), name="api-access-keys"),
    path("account/access-keys/<str:access_key_id>/", api.AccessKeyDetailView.as_view(), name="api-access-key"),
    path("account/tokens/", api.ApiTokenListView.as_view(), name="api-tokens"),
    path("account/tokens/<int:pk>/", api.ApiTokenDetailView.as_view(), name="api-token"),
    path("state-machines/<str:name>/permissions/", api.MachinePermissionsView.as_view(),
         name="api-machine-permissions"),
    path("state-machines/<str:name>/permissions/<int:grant_id>/", api.MachinePermissionDetailView.as_view(),
         name="api-machine-permission"),
    path("users/", api.UserListView.as_view(), name="api-users"),
    path("users/<int:pk>/", api.UserDetailView.as_view(), name="api-user"),
    path("groups/", api.GroupListView.as_view(), name="api-groups"),
    path("groups/<int:pk>/", api.GroupDetailView.as_view(), name="api-group"),
    path("audit/", api.AuditLogView.as_view(), name="api-audit"),
]
