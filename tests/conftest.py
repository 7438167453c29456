"""Fixtures shared by the whole suite."""
import pytest
from rest_framework.test import APIClient


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns on every request that STATIC_ROOT is missing; tests never run collectstatic.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
