"""Creating a state machine for someone (designer.creation, behind the REST create and the machine list's forms)
and CreateStateMachine's service: who becomes admin when two identical creates overlap, and a name whose machine
is being deleted. Real database.

Personas: alice and bob may both create machines; neither may see the other's.
"""
import json

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from designer import creation, errors, services
from designer.accounts import audit, permissions
from designer.accounts.models import AuditEvent, Grant
from designer.models import StateMachine
from executions import deletion
from executions import services as execution_services
from tests.executions.runtime import make_machine

pytestmark = pytest.mark.django_db

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}


@pytest.fixture
def alice_and_bob(django_user_model):
    people = []
    for name in ("alice", "bob"):
        person = django_user_model.objects.create_user(name, password=f"{name}-pass-1234")
        person.user_permissions.add(Permission.objects.get(content_type__app_label="accounts",
                                                           codename="create_statemachine"))
        people.append(person)
    return people


@pytest.fixture
def alice_creates_in_between(monkeypatch, alice_and_bob):
    """Alice's identical create lands after bob's request has started: inside bob's definition check, once."""
    alice = alice_and_bob[0]
    check, fired = services.check_definition, []

    def check_while_alice_creates(definition):
        compiled = check(definition)
        if not fired:
            fired.append(True)
            creation.create_state_machine_for(alice, audit.Actor(alice, via=audit.API), name="Orders",
                                              definition=PASS)
        return compiled

    monkeypatch.setattr(services, "check_definition", check_while_alice_creates)


def test_an_overlapping_identical_create_makes_nobody_else_admin(alice_and_bob, alice_creates_in_between):
    alice, bob = alice_and_bob
    client = APIClient()
    client.force_authenticate(bob)
    response = client.post("/api/state-machines/", {"name": "Orders", "definition": PASS}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "StateMachineAlreadyExists")
    assert [(g.user.username, g.permission) for g in Grant.objects.filter(state_machine__name="Orders")] == [
        ("alice", permissions.ADMIN)]
    assert [e.actor_name for e in AuditEvent.objects.filter(action="state_machine.create")] == ["alice"]


def test_an_overlapping_identical_create_state_machine_is_a_repeat(alice_and_bob, alice_creates_in_between):
    machine, version, created = services.create_state_machine_and_publish(
        name="Orders", definition=PASS, role_arn=creation.DEFAULT_ROLE_ARN)
    assert (machine.name, version, created) == ("Orders", None, False)
    assert StateMachine.objects.count() == 1


def test_the_first_create_is_new_and_an_identical_repeat_is_not(alice_and_bob):
    alice = alice_and_bob[0]
    actor = audit.Actor(alice, via=audit.API)
    first = creation.create_state_machine_for(alice, actor, name="Orders", definition=PASS)
    again = creation.create_state_machine_for(alice, actor, name="Orders", definition=PASS)
    assert (first.new, again.new, again.machine.pk) == (True, False, first.machine.pk)
    assert AuditEvent.objects.filter(action="state_machine.create").count() == 1


def running_then_deleted():
    machine = make_machine(WAIT)
    execution_services.start_execution(machine)
    deletion.delete_state_machine(machine)
    machine.refresh_from_db()
    assert machine.status == StateMachine.DELETING
    return machine


def test_the_rest_create_refuses_a_name_being_deleted_as_the_page_does(alice_and_bob, admin_client, client):
    running_then_deleted()
    api = APIClient()
    api.force_authenticate(alice_and_bob[0])
    response = api.post("/api/state-machines/", {"name": "Orders", "definition": json.dumps(WAIT)}, format="json")
    assert response.json()["code"] == "StateMachineDeleting"
    client.force_login(alice_and_bob[0])
    page = client.post("/machines/", {"source": "blank", "blank-name": "Orders", "blank-type": "STANDARD"})
    assert page.status_code == 400 and b"State Machine is being deleted" in page.content


def test_the_rest_create_reclaims_a_name_whose_machine_has_finished_deleting(alice_and_bob):
    old = make_machine(WAIT)
    StateMachine.objects.filter(pk=old.pk).update(status=StateMachine.DELETING)  # nothing of it runs
    api = APIClient()
    api.force_authenticate(alice_and_bob[0])
    response = api.post("/api/state-machines/", {"name": "Orders", "definition": PASS}, format="json")
    assert response.status_code == 201, response.content
    assert StateMachine.objects.get(name="Orders").pk != old.pk


def test_the_service_refuses_an_identical_create_of_a_machine_being_deleted():
    machine = running_then_deleted()
    with pytest.raises(errors.StateMachineDeleting):
        services.create_state_machine(name="Orders", definition=machine.definition, role_arn=machine.role_arn)


@pytest.mark.parametrize("name", [".", "..", "..."])
def test_a_name_of_only_dots_is_refused_as_no_url_reaches_it(alice_and_bob, client, name):
    api = APIClient()
    api.force_authenticate(alice_and_bob[0])
    response = api.post("/api/state-machines/", {"name": name, "definition": PASS}, format="json")
    assert (response.status_code, response.json()) == (400, {
        "code": "InvalidName", "message": f"Invalid Name: '{name}' (a name cannot be only dots)"})
    client.force_login(alice_and_bob[0])
    page = client.post("/machines/", {"source": "blank", "blank-name": name, "blank-type": "STANDARD"})
    assert page.status_code == 400 and b"cannot be only dots" in page.content
    with pytest.raises(errors.InvalidName):
        services.check_name(name, "execution name")
    assert services.check_name(".hidden.") == ".hidden."  # dots beside other characters are AWS's to allow
    assert not StateMachine.objects.exists()
