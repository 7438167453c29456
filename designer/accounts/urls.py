"""Account pages: log in and out, your account (password, access keys, API tokens), and the site admin's users,
groups and audit log."""
from django.contrib.auth import views as auth_views
from django.urls import path

from designer.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST only (Django refuses a GET)
    path("account/", views.account, name="account"),
    path("account/password/", views.change_password, name="change-password"),
    path("account/access-keys/", views.create_access_key, name="create-access-key"),
    path("account/access-keys/<int:pk>/revoke/", views.revoke_access_key, name="revoke-access-key"),
    path("account/api-tokens/", views.create_api_token, name="create-api-token"),
    path("account/api-tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke-api-token"),
    path("manage/users/", views.users, name="manage-users"),
    path("manage/users/<int:pk>/", views.user_detail, name="manage-user"),
    path("manage/users/<int:pk>/delete/", views.delete_user, name="delete-user"),
    path("manage/groups/", views.groups, name="manage-groups"),
    path("manage/groups/<int:pk>/", views.group_detail, name="manage-group"),
    path("manage/groups/<int:pk>/delete/", views.delete_group, name="delete-group"),
    path("manage/audit/", views.audit_log, name="audit"),
    path("manage/audit/export.<str:fmt>", views.audit_export, name="audit-export"),
]
