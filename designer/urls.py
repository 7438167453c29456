from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from designer import views

urlpatterns = [
    path("", include("executions.aws.urls")),  # the AWS-compatible endpoint: POST /aws, and POST / with X-Amz-Target
    path("", views.home, name="home"),
    path("validator/", views.validator, name="validator"),
    path("api/validate", views.ValidateView.as_view(), name="validate"),
    # drf-spectacular serves its schema to anyone by default; like the rest of the API it needs a signed-in user.
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path("api/state-machines/", views.StateMachineListView.as_view(), name="state-machines"),
    path("api/state-machines/<str:name>/", views.StateMachineDetailView.as_view(), name="state-machine"),
    path("api/state-machines/<str:name>/revisions/", views.RevisionListView.as_view(), name="revisions"),
    path("api/state-machines/<str:name>/revisions/<str:revision_id>/", views.RevisionDetailView.as_view(),
         name="revision"),
    path("api/state-machines/<str:name>/versions/", views.VersionListView.as_view(), name="versions"),
    path("api/state-machines/<str:name>/layout/", views.LayoutView.as_view(), name="layout"),
    path("api/state-machines/<str:name>/draft/", views.DraftView.as_view(), name="draft"),
    path("api/templates/", views.TemplateListView.as_view(), name="templates"),
    path("api/state-machines/<str:name>/export/", views.StateMachineExportView.as_view(), name="state-machine-export"),
    path("api/", include("executions.urls")),
    path("api/", include("designer.accounts.api_urls")),
    path("api/", include("executions.integrations.api_urls")),
    path("", include("designer.accounts.urls")),
    path("", include("executions.page_urls")),
    path("admin/", admin.site.urls),
]
