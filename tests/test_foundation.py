"""The project's frame: the pure core stays free of Django, settings read the environment strictly,
the home page renders and its validate endpoint answers like ValidateStateMachineDefinition."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured

from designer.settings import env_bool, env_int, env_list

REPO = Path(__file__).resolve().parent.parent
PURE_PACKAGES = ("designer/asl", "executions/engine")
DEMO = REPO / "designer" / "demo" / "order.asl.json"


def pure_modules() -> list[str]:
    """Every module of the pure packages found on disk, so a new module is covered the day it lands."""
    modules = []
    for package in PURE_PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


PURITY_CHECK = """
import designer.asl, executions.engine, sys
assert not any(m == "django" or m.startswith("django.") for m in sys.modules)
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
assert not leaked, f"the pure core imported {leaked}"
"""


def test_pure_core_never_imports_django():
    modules = pure_modules()
    assert {"designer.asl", "designer.asl.errors", "executions.engine"} <= set(modules)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.run(
        [sys.executable, "-c", PURITY_CHECK, *modules], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


# Settings helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [("1", True), ("true", True), ("YES", True), (" on ", True), ("0", False), ("False", False),
     ("no", False), ("off", False), ("", "default")],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLOWDECK_TEST_FLAG", raw)
    assert env_bool("FLOWDECK_TEST_FLAG", "default") == expected


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "enabled"])
def test_env_bool_refuses_garbage(monkeypatch, raw):
    monkeypatch.setenv("FLOWDECK_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="FLOWDECK_TEST_FLAG"):
        env_bool("FLOWDECK_TEST_FLAG", False)


def test_env_helpers_fall_back_to_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("FLOWDECK_TEST_VALUE", raising=False)
    assert env_bool("FLOWDECK_TEST_VALUE", True) is True
    assert env_int("FLOWDECK_TEST_VALUE", 7) == 7
    assert env_list("FLOWDECK_TEST_VALUE", ["a"]) == ["a"]


@pytest.mark.parametrize("raw, expected", [("42", 42), ("-3", -3), (" 8 ", 8), ("", 5)])
def test_env_int_reads_integers(monkeypatch, raw, expected):
    monkeypatch.setenv("FLOWDECK_TEST_NUMBER", raw)
    assert env_int("FLOWDECK_TEST_NUMBER", 5) == expected


@pytest.mark.parametrize("raw", ["ten", "4.5", "1e3", "0x10"])
def test_env_int_refuses_garbage(monkeypatch, raw):
    monkeypatch.setenv("FLOWDECK_TEST_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="FLOWDECK_TEST_NUMBER"):
        env_int("FLOWDECK_TEST_NUMBER", 5)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("FLOWDECK_TEST_HOSTS", " example.com, ,localhost,")
    assert env_list("FLOWDECK_TEST_HOSTS", []) == ["example.com", "localhost"]


# Home page -------------------------------------------------------------------------------------------


def test_demo_workflow_shows_choice_parallel_and_map():
    definition = json.loads(DEMO.read_text())
    types = set()

    def walk(states: dict) -> None:
        for state in states.values():
            types.add(state["Type"])
            for branch in state.get("Branches", []):
                walk(branch["States"])
            if "ItemProcessor" in state:
                walk(state["ItemProcessor"]["States"])

    walk(definition["States"])
    assert {"Choice", "Parallel", "Map"} <= types


def test_home_page_needs_a_signed_in_user(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/"
    assert client.get("/validator/")["Location"] == "/login/?next=/validator/"


def test_home_page_is_the_workflows(admin_client):
    response = admin_client.get("/")
    assert response.status_code == 302 and response["Location"] == "/machines/"


def test_validator_page_renders_the_editor_with_the_demo(admin_client):
    response = admin_client.get("/validator/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Validator · Flowdeck</title>" in html
    assert '<textarea id="definition"' in html
    assert "PrepareOrder" in html and "ChooseShipping" in html
    assert 'action="/api/validate"' in html
    assert "csrfmiddlewaretoken" in html


def test_home_page_assets_exist():
    assert finders.find("designer/home.css")
    assert finders.find("designer/home.js")


# POST /api/validate ----------------------------------------------------------------------------------

MISSING_TARGET = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
# ASL: a path-like string in Parameters without a ".$" key is legal, so AWS only warns (NO_DOLLAR).
WARNING_ONLY = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x": "$.y"}, "End": True}}}


def post_validate(api_client, body):
    return api_client.post("/api/validate", body, format="json")


def test_validate_accepts_the_demo(api_client):
    pytest.importorskip("designer.asl.validate")
    response = post_validate(api_client, {"definition": DEMO.read_text()})
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "OK", body
    assert all(d["severity"] != "ERROR" for d in body["diagnostics"])


def test_validate_fails_a_broken_definition_with_diagnostics(api_client):
    pytest.importorskip("designer.asl.validate")
    response = post_validate(api_client, {"definition": json.dumps(MISSING_TARGET)})
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "FAIL"
    errors = [d for d in body["diagnostics"] if d["severity"] == "ERROR"]
    assert errors, body
    assert {"severity", "code", "message", "location"} <= set(errors[0])
    assert any(d["code"] == "MISSING_TRANSITION_TARGET" for d in errors), body


def test_validate_reports_json_that_does_not_parse(api_client):
    pytest.importorskip("designer.asl.validate")
    body = post_validate(api_client, {"definition": '{"StartAt": '}).json()
    assert body["result"] == "FAIL"
    assert [d["code"] for d in body["diagnostics"]] == ["INVALID_JSON_DESCRIPTION"]


def test_validate_includes_warnings_but_passes(api_client):
    pytest.importorskip("designer.asl.validate")
    body = post_validate(api_client, {"definition": json.dumps(WARNING_ONLY)}).json()
    assert body["result"] == "OK"
    assert [d["severity"] for d in body["diagnostics"]] == ["WARNING"]


@pytest.mark.parametrize("payload", [{}, {"text": "{}"}, {"definition": {"StartAt": "A"}}, {"definition": None}])
def test_validate_rejects_a_body_without_a_definition_string(api_client, payload):
    pytest.importorskip("designer.asl.validate")
    response = post_validate(api_client, payload)
    assert response.status_code == 400
    assert "definition" in response.json()


def test_validate_rejects_a_body_that_is_not_json(api_client):
    pytest.importorskip("designer.asl.validate")
    response = api_client.post("/api/validate", "definition=x", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_loaddemo_loads_the_demo_workflow_once():
    from io import StringIO

    from django.core.management import call_command

    from designer.models import StateMachine

    out = StringIO()
    call_command("loaddemo", stdout=out)
    call_command("loaddemo", stdout=out)
    assert StateMachine.objects.filter(name="OrderDemo").count() == 1
    assert "already loaded" in out.getvalue()
