from django.urls import path

from executions.aws import views

urlpatterns = [
    path("aws", views.endpoint, name="aws"),
    path("", views.root, name="aws-root"),
]
