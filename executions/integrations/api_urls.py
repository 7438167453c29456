"""REST API of connections: /api/connections/ and /api/connections/<name>/."""
from django.urls import path

from executions.integrations import api

urlpatterns = [
    path("connections/", api.ConnectionListView.as_view(), name="api-connections"),
    path("connections/<str:name>/", api.ConnectionDetailView.as_view(), name="api-connection"),
]
