"""Pages of workflows and executions: the machine list, a machine, an execution (live), the inbox."""
from django.urls import path

from executions import inbox, machine_list, pages

urlpatterns = [
    path("machines/", machine_list.machines, name="machines"),  # GET the list, POST to create one
    path("machines/<str:name>/", pages.machine, name="machine"),
    path("machines/<str:name>/design/", pages.design, name="machine-design"),
    path("machines/<str:name>/start", pages.start, name="machine-start"),
    path("machines/<str:name>/export.json", pages.export, {"format": "json"}, name="machine-export-json"),
    path("machines/<str:name>/export.yaml", pages.export, {"format": "yaml"}, name="machine-export-yaml"),
    path("machines/<str:name>/permissions/grant", pages.grant, name="machine-grant"),
    path("machines/<str:name>/permissions/revoke", pages.revoke, name="machine-revoke"),
    path("executions/<int:pk>/", pages.execution, name="execution-page"),
    path("executions/<int:pk>/stop", pages.stop, name="execution-stop"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/approve", inbox.approve, name="inbox-approve"),
    path("inbox/<int:pk>/reject", inbox.reject, name="inbox-reject"),
]
