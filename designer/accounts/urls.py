"""Account pages: log in and out, your account (password, access keys, API tokens), and the site admin's users,
groups and audit log."""
from django.urls import path

urlpatterns: list = []
