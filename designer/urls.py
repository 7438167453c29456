from django.contrib import admin
from django.urls import path

from designer import views

urlpatterns = [
    path("", views.home, name="home"),
    path("api/validate", views.ValidateView.as_view(), name="validate"),
    path("admin/", admin.site.urls),
]
