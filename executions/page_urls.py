"""Pages of workflows and executions: the machine list, a machine, an execution (live), the inbox."""
from django.urls import path

urlpatterns: list = []
