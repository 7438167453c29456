"""Fixtures shared by the whole suite."""
import pytest
from rest_framework.test import APIClient


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns on every request that STATIC_ROOT is missing; tests never run collectstatic.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture
def admin_user(django_user_model):
    """A superuser: every permission on every state machine."""
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "admin-pass-1234")


@pytest.fixture
def api_client(admin_user) -> APIClient:
    """A REST client authenticated as the superuser (permission tests make their own clients)."""
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()
