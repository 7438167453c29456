"""Links between executions reveal nothing across permissions: an input naming
AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID links to a parent only when its starter may view that parent's machine,
and the REST API shows a parent, or lists a child, only to a user who may view that execution's machine."""
import json

import pytest
from rest_framework.test import APIClient

from designer.accounts import permissions
from executions import nested, services
from tests.executions.runtime import make_machine

pytestmark = pytest.mark.django_db

WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}}


@pytest.fixture
def world(django_user_model):
    """Payroll's execution (the would-be parent) and Orders, which carol may execute but not Payroll."""
    payroll, orders = make_machine(WAIT, name="Payroll"), make_machine(WAIT, name="Orders")
    carol = django_user_model.objects.create_user("carol")
    permissions.grant(orders, permissions.EXECUTE, user=carol)
    return {"payroll": services.start_execution(payroll, name="run-1"), "orders": orders, "carol": carol}


def naming(parent) -> str:
    return json.dumps({nested.STARTED_BY_KEY: parent.arn})


def test_a_starter_who_may_not_view_the_named_parent_starts_an_unlinked_execution(world):
    started = services.start_execution(world["orders"], input=naming(world["payroll"]), started_by=world["carol"])
    assert started.parent is None
    assert not world["payroll"].children.exists()


def test_a_starter_who_may_view_the_named_parent_links_to_it(world):
    permissions.grant(world["payroll"].state_machine, permissions.VIEW, user=world["carol"])
    started = services.start_execution(world["orders"], input=naming(world["payroll"]), started_by=world["carol"])
    assert started.parent == world["payroll"]


def test_the_system_links_to_any_parent(world):
    started = services.start_execution(world["orders"], input=naming(world["payroll"]))
    assert started.parent == world["payroll"]


@pytest.fixture
def linked(world):
    """Orders' execution, started by Payroll's (a system start links to any parent)."""
    return services.start_execution(world["orders"], input=naming(world["payroll"]), name="child-1")


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_parent_is_shown_only_to_a_user_who_may_view_its_machine(world, linked):
    carol = client_of(world["carol"])  # execute (so view) on Orders, nothing on Payroll
    assert carol.get(f"/api/executions/{linked.pk}/").json()["parent"] is None
    listed = carol.get("/api/state-machines/Orders/executions/").json()["executions"]
    assert [(e["name"], e["parent"]) for e in listed] == [("child-1", None)]

    permissions.grant(world["payroll"].state_machine, permissions.VIEW, user=world["carol"])
    assert carol.get(f"/api/executions/{linked.pk}/").json()["parent"]["arn"] == world["payroll"].arn


def test_children_are_listed_and_counted_only_where_the_user_may_view_them(world, linked, django_user_model):
    dave = django_user_model.objects.create_user("dave")
    permissions.grant(world["payroll"].state_machine, permissions.VIEW, user=dave)
    client = client_of(dave)
    parent = world["payroll"].pk
    assert client.get(f"/api/executions/{parent}/children/").json()["executions"] == []
    assert client.get(f"/api/executions/{parent}/").json()["child_count"] == 0

    permissions.grant(world["orders"], permissions.VIEW, user=dave)
    assert [e["name"] for e in client.get(f"/api/executions/{parent}/children/").json()["executions"]] == ["child-1"]
    assert client.get(f"/api/executions/{parent}/").json()["child_count"] == 1
