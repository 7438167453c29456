"""Layouts (where the designer draws each state) and drafts (unsaved, possibly invalid definitions) beside a
state machine's definition. Real URLs, real database."""
import json

import pytest
from rest_framework.test import APIClient

from designer.accounts import permissions
from designer.layouts import MAX_POSITIONS
from designer.models import StateMachine, StateMachineDraft
from designer.services import MAX_DEFINITION_BYTES, update_state_machine
from tests.designer.test_designer_api import PASS, person
from tests.executions.runtime import make_machine

pytestmark = pytest.mark.django_db

LAYOUT = "/api/state-machines/Orders/layout/"
DRAFT = "/api/state-machines/Orders/draft/"
POSITIONS = {"P": {"x": 10, "y": 20.5}, "Fan/Items/Sleep": {"x": -3, "y": 0}}


# --- Layouts -----------------------------------------------------------------------------------------------

def test_a_layout_is_empty_until_saved_then_replaced_whole(api_client):
    machine = make_machine(PASS)
    assert api_client.get(LAYOUT).json() == {"positions": {}, "updated_at": None}
    saved = api_client.put(LAYOUT, {"positions": POSITIONS}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["positions"] == POSITIONS and saved.json()["updated_at"]
    assert api_client.get(LAYOUT).json()["positions"] == POSITIONS
    api_client.put(LAYOUT, {"positions": {"P": {"x": 1, "y": 2}}}, format="json")
    assert api_client.get(LAYOUT).json()["positions"] == {"P": {"x": 1, "y": 2}}
    machine.refresh_from_db()
    assert json.loads(machine.definition) == PASS  # never written into the ASL


def test_a_layout_outlives_revisions(api_client):
    machine = make_machine(PASS)
    api_client.put(LAYOUT, {"positions": POSITIONS}, format="json")
    update_state_machine(machine, definition=json.dumps(dict(PASS, Comment="v2")))
    assert api_client.get(LAYOUT).json()["positions"] == POSITIONS


@pytest.mark.parametrize("positions, says", [
    ([], "must be an object"),
    ("P", "must be an object"),
    ({"": {"x": 1, "y": 2}}, "1 to 1024 characters"),
    ({"P" * 1025: {"x": 1, "y": 2}}, "1 to 1024 characters"),
    ({"P": [1, 2]}, "'P' must be an object with x and y only"),
    ({"P": {"x": 1}}, "x and y only"),
    ({"P": {"x": 1, "y": 2, "w": 3}}, "x and y only"),
    ({"P": {"x": "1", "y": 2}}, "x of 'P' must be a number"),
    ({"P": {"x": 1, "y": True}}, "y of 'P' must be a number"),
    ({"P": {"x": 1, "y": None}}, "y of 'P' must be a number"),
    ({"P": {"x": 1e10, "y": 0}}, "x of 'P' must be a number"),
])
def test_a_layout_of_the_wrong_shape_is_refused(api_client, positions, says):
    make_machine(PASS)
    api_client.put(LAYOUT, {"positions": {"P": {"x": 0, "y": 0}}}, format="json")
    response = api_client.put(LAYOUT, {"positions": positions}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "ValidationException")
    assert says in response.json()["message"]
    assert api_client.get(LAYOUT).json()["positions"] == {"P": {"x": 0, "y": 0}}  # unchanged


def test_a_layout_has_a_size_limit_and_needs_positions(api_client):
    make_machine(PASS)
    too_many = {f"S{i}": {"x": i, "y": i} for i in range(MAX_POSITIONS + 1)}
    response = api_client.put(LAYOUT, {"positions": too_many}, format="json")
    assert response.status_code == 400 and f"at most {MAX_POSITIONS}" in response.json()["message"]
    assert api_client.put(LAYOUT, {}, format="json").status_code == 400
    assert api_client.put(LAYOUT, {"positions": dict(list(too_many.items())[:MAX_POSITIONS])},
                          format="json").status_code == 200


def test_a_layout_needs_view_to_read_and_edit_to_write():
    machine = make_machine(PASS)
    viewer = person("victor", machine, permissions.VIEW)
    assert viewer.get(LAYOUT).status_code == 200
    refused = viewer.put(LAYOUT, {"positions": POSITIONS}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "AccessDeniedException")
    stranger = person("stella")
    assert stranger.get(LAYOUT).json()["code"] == "StateMachineDoesNotExist"
    assert stranger.put(LAYOUT, {"positions": POSITIONS}, format="json").status_code == 404
    assert APIClient().get(LAYOUT).status_code == 401
    assert person("edith", machine, permissions.EDIT).put(LAYOUT, {"positions": POSITIONS},
                                                          format="json").status_code == 200


def test_no_layout_is_saved_on_a_machine_being_deleted(api_client):
    machine = make_machine(PASS)
    StateMachine.objects.filter(pk=machine.pk).update(status=StateMachine.DELETING)
    response = api_client.put(LAYOUT, {"positions": POSITIONS}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "StateMachineDeleting")


# --- Drafts ------------------------------------------------------------------------------------------------

def test_a_draft_may_be_invalid_or_not_json_and_comes_with_diagnostics(api_client):
    machine = make_machine(PASS)
    assert api_client.get(DRAFT).json() == {"draft": None}
    broken = api_client.put(DRAFT, {"definition": '{"StartAt": "P", '}, format="json")
    assert broken.status_code == 200, broken.content
    draft = broken.json()["draft"]
    assert (draft["definition"], draft["result"]) == ('{"StartAt": "P", ', "FAIL")
    assert [d["code"] for d in draft["diagnostics"]] == ["INVALID_JSON_DESCRIPTION"]
    assert draft["base_revision_id"] == str(machine.revision.revision_id) and draft["updated_at"]
    invalid = api_client.put(DRAFT, {"definition": json.dumps({"StartAt": "Nowhere", "States": {}})},
                             format="json").json()["draft"]
    assert invalid["result"] == "FAIL"
    assert {"severity": "ERROR", "code": "MISSING_TRANSITION_TARGET", "message": "Missing 'Next' target: Nowhere",
            "location": "/StartAt"} in invalid["diagnostics"]
    assert api_client.get(DRAFT).json()["draft"] == invalid
    assert api_client.put(DRAFT, {"definition": ""}, format="json").json()["draft"]["result"] == "FAIL"
    machine.refresh_from_db()
    assert json.loads(machine.definition) == PASS  # a draft is no revision
    assert machine.revisions.count() == 1


def test_a_valid_draft_says_ok_and_is_saved_with_the_machines_patch(api_client):
    make_machine(PASS)
    text = json.dumps(dict(PASS, Comment="next"), indent=2)
    draft = api_client.put(DRAFT, {"definition": text}, format="json").json()["draft"]
    assert (draft["result"], draft["diagnostics"]) == ("OK", [])
    saved = api_client.patch("/api/state-machines/Orders/", {"definition": draft["definition"]}, format="json")
    assert saved.status_code == 200 and saved.json()["definition"] == text
    assert api_client.delete(DRAFT).status_code == 204
    assert api_client.get(DRAFT).json() == {"draft": None}
    assert api_client.delete(DRAFT).status_code == 204  # discarding nothing is no error


def test_a_draft_remembers_the_revision_it_started_from(api_client):
    machine = make_machine(PASS)
    base = machine.revision
    update_state_machine(machine, definition=json.dumps(dict(PASS, Comment="v2")))
    draft = api_client.put(DRAFT, {"definition": "{}", "base_revision_id": str(base.revision_id)},
                           format="json").json()["draft"]
    assert draft["base_revision_id"] == str(base.revision_id)
    other = make_machine(PASS, name="Other")
    foreign = api_client.put(DRAFT, {"definition": "{}", "base_revision_id": str(other.revision.revision_id)},
                             format="json")
    assert (foreign.status_code, foreign.json()["code"]) == (400, "ValidationException")
    assert api_client.put(DRAFT, {"definition": "{}", "base_revision_id": "nope"}, format="json").status_code == 400


def test_a_draft_is_at_most_as_large_as_a_definition(api_client):
    make_machine(PASS)
    response = api_client.put(DRAFT, {"definition": "x" * (MAX_DEFINITION_BYTES + 1)}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "ValidationException")
    assert api_client.put(DRAFT, {}, format="json").status_code == 400  # a definition is required


def test_each_editor_has_their_own_draft():
    machine = make_machine(PASS)
    alice, bob = person("alice", machine, permissions.EDIT), person("bob", machine, permissions.EDIT)
    alice.put(DRAFT, {"definition": "alice's"}, format="json")
    assert bob.get(DRAFT).json() == {"draft": None}
    bob.put(DRAFT, {"definition": "bob's"}, format="json")
    bob.delete(DRAFT)
    assert alice.get(DRAFT).json()["draft"]["definition"] == "alice's"
    assert StateMachineDraft.objects.count() == 1


def test_drafts_need_view_to_read_and_edit_to_write():
    machine = make_machine(PASS)
    viewer = person("victor", machine, permissions.VIEW)
    assert viewer.get(DRAFT).json() == {"draft": None}
    for method in ("put", "delete"):
        refused = getattr(viewer, method)(DRAFT, {"definition": "{}"}, format="json")
        assert (refused.status_code, refused.json()["code"]) == (403, "AccessDeniedException")
    stranger = person("stella")
    for method in ("get", "put", "delete"):
        assert getattr(stranger, method)(DRAFT, {"definition": "{}"}, format="json").status_code == 404
        assert getattr(APIClient(), method)(DRAFT, {"definition": "{}"}, format="json").status_code == 401
    assert not StateMachineDraft.objects.exists()


HUGE_INTEGER = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true,\n "Result": ' + "9" * 4301 + "}}}"


def test_an_integer_python_cannot_read_is_a_diagnostic_on_every_path(api_client):
    # It was a bare ValueError: /api/validate, create and the draft's PUT answered 500, and the draft, once saved,
    # made every GET of it a 500.
    make_machine(PASS)
    expected = [{"severity": "ERROR", "code": "INVALID_JSON_DESCRIPTION", "location": "",
                 "message": "Invalid JSON: The number has 4,301 digits; an integer has at most 4,300 at line 2, "
                            "column 12"}]
    validated = api_client.post("/api/validate", {"definition": HUGE_INTEGER}, format="json")
    assert (validated.status_code, validated.json()) == (200, {"result": "FAIL", "diagnostics": expected})
    created = api_client.post("/api/state-machines/", {"name": "Huge", "definition": HUGE_INTEGER}, format="json")
    assert created.status_code == 400 and "4,301 digits" in json.dumps(created.json())
    assert not StateMachine.objects.filter(name="Huge").exists()
    saved = api_client.put(DRAFT, {"definition": HUGE_INTEGER}, format="json")
    assert saved.status_code == 200 and saved.json()["draft"]["diagnostics"] == expected
    assert api_client.get(DRAFT).json()["draft"]["diagnostics"] == expected


def test_a_draft_loads_even_when_the_validator_fails_on_it(api_client, monkeypatch, caplog):
    make_machine(PASS)
    api_client.put(DRAFT, {"definition": '{"StartAt": "P"}'}, format="json")

    def broken(definition, severity):
        raise RuntimeError("a validator bug")

    monkeypatch.setattr("designer.drafts.validate", broken)
    draft = api_client.get(DRAFT)
    assert draft.status_code == 200
    assert (draft.json()["draft"]["definition"], draft.json()["draft"]["result"]) == ('{"StartAt": "P"}', "FAIL")
    assert [d["code"] for d in draft.json()["draft"]["diagnostics"]] == ["VALIDATION_FAILED"]
    assert "The validator failed on a draft" in caplog.text
