from django.urls import path

from executions import views

urlpatterns = [
    path("state-machines/<str:name>/executions/", views.MachineExecutionsView.as_view(), name="machine-executions"),
    path("executions/<int:pk>/", views.ExecutionDetailView.as_view(), name="execution"),
    path("executions/<int:pk>/children/", views.ExecutionChildrenView.as_view(), name="execution-children"),
    path("executions/<int:pk>/stop/", views.ExecutionStopView.as_view(), name="execution-stop"),
    path("executions/<int:pk>/redrive/", views.ExecutionRedriveView.as_view(), name="execution-redrive"),
    path("executions/<int:pk>/history/", views.ExecutionHistoryView.as_view(), name="execution-history"),
    path("executions/<int:pk>/map-runs/", views.ExecutionMapRunsView.as_view(), name="execution-map-runs"),
    path("map-runs/<int:pk>/", views.MapRunDetailView.as_view(), name="map-run"),
    path("map-runs/<int:pk>/executions/", views.MapRunExecutionsView.as_view(), name="map-run-executions"),
    path("activities/", views.ActivityListView.as_view(), name="activities"),
    path("tasks/success/", views.TaskSuccessView.as_view(), name="task-success"),
    path("tasks/failure/", views.TaskFailureView.as_view(), name="task-failure"),
    path("tasks/heartbeat/", views.TaskHeartbeatView.as_view(), name="task-heartbeat"),
]
