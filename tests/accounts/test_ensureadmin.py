"""`manage.py ensureadmin`: the first site admin of a new install, created once."""
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from designer.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_admin_env(monkeypatch):
    monkeypatch.delenv("FLOWDECK_ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("FLOWDECK_ADMIN_PASSWORD", raising=False)


def ensureadmin(**options) -> str:
    out = io.StringIO()
    call_command("ensureadmin", stdout=out, **options)
    return out.getvalue()


def test_a_new_install_gets_admin_with_a_generated_password_printed_once():
    printed = ensureadmin()
    password = re.search(r"with the password\s+(\S+)\s", printed)[1]
    admin = get_user_model().objects.get()
    assert (admin.username, admin.is_superuser, admin.is_staff) == ("admin", True, True)
    assert admin.check_password(password) and len(password) >= 20
    assert "/login/" in printed and "shown this once" in printed

    again = ensureadmin(verbosity=2)
    assert password not in again and "nothing to do" in again
    assert ensureadmin() == ""
    assert get_user_model().objects.count() == 1

    event = AuditEvent.objects.get(action="user.create")
    assert (event.target, event.via, event.actor) == ("admin", "cli", None)
    assert password not in str(event.detail) and event.detail["password_source"] == "generated"


def test_the_environment_names_the_admin_and_sets_the_password(monkeypatch):
    monkeypatch.setenv("FLOWDECK_ADMIN_USERNAME", "root")
    monkeypatch.setenv("FLOWDECK_ADMIN_PASSWORD", "Given-Pass-4471")
    printed = ensureadmin()
    admin = get_user_model().objects.get(is_superuser=True)
    assert admin.username == "root" and admin.check_password("Given-Pass-4471")
    assert "Given-Pass-4471" not in printed and "FLOWDECK_ADMIN_PASSWORD" in printed
    assert AuditEvent.objects.get(action="user.create").detail["password_source"] == "environment"


def test_an_existing_site_admin_means_nothing_is_done(monkeypatch, admin_user):
    monkeypatch.setenv("FLOWDECK_ADMIN_USERNAME", "second")
    assert ensureadmin() == ""
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["admin"]
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_a_weak_password_or_a_taken_name_is_refused(monkeypatch, django_user_model):
    monkeypatch.setenv("FLOWDECK_ADMIN_PASSWORD", "admin")
    with pytest.raises(CommandError, match="too weak"):
        ensureadmin()
    monkeypatch.delenv("FLOWDECK_ADMIN_PASSWORD")
    django_user_model.objects.create_user("admin", "", "Someone-Else-5512")
    with pytest.raises(CommandError, match="exists already"):
        ensureadmin()
    assert not django_user_model.objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_the_command_line_is_named_as_the_actor_of_what_it_creates():
    ensureadmin()
    event = AuditEvent.objects.get(action="user.create")
    assert (event.actor_name, event.via) == ("command line", "cli")
