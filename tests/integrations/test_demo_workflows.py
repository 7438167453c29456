"""The README's examples as a new user runs them: `loaddemo` creates HttpDemo, XmlRpcDemo and their connections,
and each runs through the real runtime against the demo servers, along its happy path (with retries), its
refusal and its fallback path."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from designer.models import StateMachine
from executions import services
from executions.integrations.connections import update_connection
from executions.integrations.models import Connection
from tests.executions.runtime import drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demos(demo_http, demo_xmlrpc_basic):
    call_command("loaddemo", stdout=StringIO())
    # The demo connections point at the default demo ports; the test's servers listen elsewhere.
    api = Connection.objects.get(name="demo-api")
    update_connection(api, {"base_url": demo_http.url, "oauth_token_url": f"{demo_http.url}/oauth/token"})
    billing = Connection.objects.get(name="demo-billing")
    update_connection(billing, {"base_url": demo_xmlrpc_basic.rpc_url})
    return {name: StateMachine.objects.get(name=name) for name in ("HttpDemo", "XmlRpcDemo")}


def run(machine, input: dict, *, name: str | None = None):
    execution = services.start_execution(machine, input=json.dumps(input), name=name)
    drain(jump_timers=10)
    execution.refresh_from_db()
    return execution


def events(execution, kind: str) -> list[dict]:
    return [event.details for event in execution.events.order_by("event_id") if event.type == kind]


def test_loaddemo_creates_each_demo_once():
    out = StringIO()
    call_command("loaddemo", stdout=out)
    call_command("loaddemo", stdout=out)
    assert set(StateMachine.objects.values_list("name", flat=True)) >= {"OrderDemo", "HttpDemo", "XmlRpcDemo"}
    assert set(Connection.objects.values_list("name", flat=True)) == {"demo-api", "demo-billing"}
    assert "connection demo-api is already there" in out.getvalue()


def test_http_demo_retries_the_flaky_api_then_sends_a_receipt(demos):
    execution = run(demos["HttpDemo"], {})
    assert execution.status == "SUCCEEDED", execution.cause
    output = json.loads(execution.output)
    assert output["order"]["status"] == 200 and output["order"]["body"]["attempt"] == 3
    assert output["receipt"]["received"]["items[]"] == ["book", "pen"]
    failures = events(execution, "TaskFailed")
    assert [f["taskFailedEventDetails"]["error"] for f in failures] == ["States.Http.StatusCode.503"] * 2
    calls = [e["taskSucceededEventDetails"]["call"] for e in events(execution, "TaskSucceeded")]
    assert [c["attempt"] for c in calls] == [3, 1] and all(c["statusCode"] == 200 for c in calls)


def test_http_demo_falls_back_when_the_api_is_down(demos):
    update_connection(Connection.objects.get(name="demo-api"), {"base_url": "http://127.0.0.1:9"})
    execution = run(demos["HttpDemo"], {})
    assert execution.status == "SUCCEEDED"
    output = json.loads(execution.output)
    assert output["order"]["body"] == {"cached": True}
    assert output["error"]["Error"] == "States.Http.Socket"


def test_xmlrpc_demo_charges_the_customer(demos):
    execution = run(demos["XmlRpcDemo"], {"customer": "c-7", "amount": 12})
    assert execution.status == "SUCCEEDED", execution.cause
    invoice = json.loads(execution.output)["invoice"]
    assert invoice["customer"] == "c-7" and invoice["invoice"].startswith("INV-")
    assert "T" in invoice["issued"]  # dateTime.iso8601 arrives as an ISO-8601 string


def test_xmlrpc_demo_fails_a_refused_charge(demos):
    execution = run(demos["XmlRpcDemo"], {"amount": 0})
    assert execution.status == "FAILED"
    assert execution.error == "ChargeRefused" and "amount must be positive" in execution.cause


def test_xmlrpc_demo_bills_later_when_the_endpoint_is_down(demos):
    update_connection(Connection.objects.get(name="demo-billing"), {"base_url": "http://127.0.0.1:9/RPC2"})
    execution = run(demos["XmlRpcDemo"], {})
    assert execution.status == "SUCCEEDED"
    output = json.loads(execution.output)
    assert output["billing"] == {"queued": True} and output["error"]["Error"] == "XmlRpc.Socket"
