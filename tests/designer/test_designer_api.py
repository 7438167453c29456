"""The REST support of the browser designer: the machine list's last edit and last execution, one revision's
definition for diffs, publishing versions, and the templates. Real URLs, real database."""
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from designer.accounts import permissions
from designer.asl.validate import validate
from designer.models import StateMachine, StateMachineRevision
from designer.templates_library import CATALOGUE, templates
from executions import services as executions
from executions.models import Execution
from tests.executions.runtime import make_machine

pytestmark = pytest.mark.django_db

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}


def person(name: str, machine=None, *grants: str) -> APIClient:
    """bob: a user holding exactly `grants` on `machine`."""
    user = get_user_model().objects.create_user(name, password="a-long-enough-passphrase")
    for permission in grants:
        permissions.grant(machine, permission, user=user)
    client = APIClient()
    client.force_authenticate(user)
    return client


def revise(machine: StateMachine, comment: str) -> StateMachineRevision:
    from designer.services import update_state_machine

    return update_state_machine(machine, definition=json.dumps(dict(PASS, Comment=comment))).revision


# --- The list ----------------------------------------------------------------------------------------------

def test_the_list_shows_when_each_machine_was_last_edited_and_its_last_execution(api_client):
    orders, quiet = make_machine(WAIT), make_machine(PASS, name="Quiet")
    revision = revise(orders, "v2")
    executions.start_execution(orders, input="{}")
    latest = executions.start_execution(orders, input='{"n": 2}')
    listed = {m["name"]: m for m in api_client.get("/api/state-machines/").json()}
    assert listed["Orders"]["updated_at"] == revision.created_at.isoformat().replace("+00:00", "Z")
    latest.refresh_from_db()
    assert listed["Orders"]["last_execution"] == {
        "id": latest.pk, "status": latest.status, "started_at": latest.start_date.isoformat().replace("+00:00", "Z")}
    assert listed["Quiet"]["last_execution"] is None
    assert listed["Quiet"]["updated_at"] == quiet.revision.created_at.isoformat().replace("+00:00", "Z")


def test_a_machines_detail_says_when_it_was_last_edited(api_client):
    machine = make_machine(PASS)
    revision = revise(machine, "v2")
    detail = api_client.get("/api/state-machines/Orders/").json()
    assert detail["updated_at"] == revision.created_at.isoformat().replace("+00:00", "Z")


def test_the_list_costs_the_same_queries_for_two_machines_as_for_six(api_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get("/api/state-machines/").status_code == 200
        return len(captured)

    for name in ("A", "B"):
        executions.start_execution(make_machine(WAIT, name=name), input="{}")
    few = queries()
    for name in ("C", "D", "E", "F"):
        machine = make_machine(WAIT, name=name)
        executions.start_execution(machine, input="{}")
        executions.start_execution(machine, input="{}")
    assert queries() == few


def test_a_distributed_map_child_is_not_the_machines_last_execution(api_client):
    fan = {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": True}}}, "End": True}}}
    parent = executions.start_execution(make_machine(fan), input='{"items": [1, 2]}')
    assert Execution.objects.filter(map_run__isnull=False).exists()
    [listed] = api_client.get("/api/state-machines/").json()
    assert listed["last_execution"]["id"] == parent.pk


# --- One revision, for diffs ---------------------------------------------------------------------------------

def test_one_revision_with_its_definition_and_the_versions_published_from_it(api_client):
    machine = make_machine(PASS)
    first = machine.revision
    second = revise(machine, "v2")
    published = api_client.post("/api/state-machines/Orders/versions/", {}, format="json").json()
    old = api_client.get(f"/api/state-machines/Orders/revisions/{first.revision_id}/").json()
    new = api_client.get(f"/api/state-machines/Orders/revisions/{second.revision_id}/").json()
    assert (json.loads(old["definition"]), old["versions"]) == (PASS, [])
    assert (json.loads(new["definition"])["Comment"], new["versions"]) == ("v2", [published["number"]])
    assert set(new) == {"revision_id", "definition", "role_arn", "created_at", "versions"}


@pytest.mark.parametrize("revision_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "other"])
def test_a_revision_of_another_machine_or_none_is_not_found(api_client, revision_id):
    make_machine(PASS)
    other = make_machine(PASS, name="Other")
    revision_id = str(other.revision.revision_id) if revision_id == "other" else revision_id
    response = api_client.get(f"/api/state-machines/Orders/revisions/{revision_id}/")
    assert (response.status_code, response.json()["code"]) == (404, "ResourceNotFound")


# --- Versions ----------------------------------------------------------------------------------------------

def test_publish_the_current_revision_and_list_the_versions(api_client):
    machine = make_machine(PASS)
    assert api_client.get("/api/state-machines/Orders/versions/").json() == []
    first = api_client.post("/api/state-machines/Orders/versions/", {"description": "first"}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["number"] == 1 and first.json()["description"] == "first"
    assert first.json()["arn"] == f"{machine.arn}:1"
    assert first.json()["revision_id"] == str(machine.revision.revision_id)
    again = api_client.post("/api/state-machines/Orders/versions/", {}, format="json")
    assert (again.status_code, again.json()["number"]) == (200, 1)  # the same revision: the same version
    second_revision = revise(machine, "v2")
    second = api_client.post("/api/state-machines/Orders/versions/",
                             {"revision_id": str(second_revision.revision_id)}, format="json")
    assert (second.status_code, second.json()["number"]) == (201, 2)
    listed = api_client.get("/api/state-machines/Orders/versions/").json()
    assert [(v["number"], v["description"]) for v in listed] == [(2, ""), (1, "first")]
    assert set(listed[0]) == {"number", "arn", "revision_id", "description", "created_at"}


def test_publishing_checks_the_revision_the_designer_showed(api_client):
    machine = make_machine(PASS)
    shown = machine.revision.revision_id
    revise(machine, "saved by someone else")
    stale = api_client.post("/api/state-machines/Orders/versions/", {"revision_id": str(shown)}, format="json")
    assert (stale.status_code, stale.json()["code"]) == (409, "ConflictException")
    bad = api_client.post("/api/state-machines/Orders/versions/", {"description": "x" * 257}, format="json")
    assert bad.status_code == 400
    assert not machine.versions.exists()


def test_a_current_definition_the_validator_now_refuses_is_not_published(api_client):
    machine = make_machine(PASS)
    # As if saved under an older, laxer validator: Next points nowhere.
    StateMachineRevision.objects.filter(pk=machine.revision_id).update(
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "Nowhere"}}}))
    response = api_client.post("/api/state-machines/Orders/versions/", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "InvalidDefinition")
    assert "Nowhere" in response.json()["message"]
    assert not machine.versions.exists()


def test_a_draft_is_not_what_gets_published(api_client):
    machine = make_machine(PASS)
    api_client.put("/api/state-machines/Orders/draft/", {"definition": "{not json"}, format="json")
    published = api_client.post("/api/state-machines/Orders/versions/", {}, format="json").json()
    assert published["revision_id"] == str(machine.revision.revision_id)


def test_versions_need_view_to_list_and_edit_to_publish():
    machine = make_machine(PASS)
    viewer = person("victor", machine, permissions.VIEW)
    assert viewer.get("/api/state-machines/Orders/versions/").status_code == 200
    refused = viewer.post("/api/state-machines/Orders/versions/", {}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "AccessDeniedException")
    stranger = person("stella")
    assert stranger.get("/api/state-machines/Orders/versions/").status_code == 404
    assert stranger.post("/api/state-machines/Orders/versions/", {}, format="json").status_code == 404
    assert APIClient().get("/api/state-machines/Orders/versions/").status_code == 401
    assert person("edith", machine, permissions.EDIT).post(
        "/api/state-machines/Orders/versions/", {}, format="json").status_code == 201


# --- Templates ---------------------------------------------------------------------------------------------

def test_the_templates_list_names_and_definitions(api_client):
    listed = api_client.get("/api/templates/").json()
    assert [t["id"] for t in listed] == [id for id, _, _ in CATALOGUE]
    assert {"approval", "http-retries", "map-items", "xmlrpc-call", "nested-workflow"} <= {t["id"] for t in listed}
    for template in listed:
        assert set(template) == {"id", "name", "description", "definition"}
        assert template["name"] and template["description"]
    assert APIClient().get("/api/templates/").status_code == 401


@pytest.mark.parametrize("template", templates(), ids=lambda t: t.id)
def test_every_template_passes_the_validator_and_creates_a_machine(api_client, template):
    assert [d.to_dict() for d in validate(template.definition, severity="WARNING")] == []
    created = api_client.post("/api/state-machines/", {"name": f"from-{template.id}",
                                                       "definition": template.definition}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["definition"] == template.definition


def test_templates_name_this_installations_machines(api_client, settings):
    settings.FLOWDECK_REGION, settings.FLOWDECK_ACCOUNT_ID = "eu-west-1", "210987654321"
    [nested] = [t for t in api_client.get("/api/templates/").json() if t["id"] == "nested-workflow"]
    arn = json.loads(nested["definition"])["States"]["Run child workflow"]["Parameters"]["StateMachineArn"]
    assert arn == "arn:aws:states:eu-west-1:210987654321:stateMachine:Child"
