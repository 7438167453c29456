"""The live stream /ws/executions/<id>/ on the real ASGI application (session auth, origin check, routing):
who may listen, what a listener receives first, and what arrives as the execution moves on."""
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from designer.accounts import permissions
from designer.asgi import application
from executions import consumers, services
from executions.models import Execution
from tests.executions.runtime import make_machine

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

NAP = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 600, "Comment": "<b>zz</b>", "End": True}}}


@pytest.fixture
def setup(django_user_model):
    machine = make_machine(NAP)
    vera = django_user_model.objects.create_user("vera", password="vera-pass-1234")
    stan = django_user_model.objects.create_user("stan", password="stan-pass-1234")
    permissions.grant(machine, permissions.VIEW, user=vera)
    execution = services.start_execution(machine, input='{"n": 1}', name="nap-1")
    return {"execution": execution, "vera": session_of(vera), "stan": session_of(stan)}


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def socket(pk: int, session: str | None = None, *, after: int = 0, origin: bytes | None = b"http://testserver"):
    headers = [(b"origin", origin)] if origin else []
    if session:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()))
    return WebsocketCommunicator(application, f"/ws/executions/{pk}/?after={after}", headers=headers)


async def closed_with(communicator: WebsocketCommunicator) -> int:
    connected, _ = await communicator.connect()
    assert connected  # accepted first, so that a browser sees the close code
    message = await communicator.receive_output()
    assert message["type"] == "websocket.close"
    return message["code"]


async def test_an_anonymous_listener_is_closed_with_4401(setup):
    assert await closed_with(socket(setup["execution"].pk)) == 4401


async def test_a_listener_without_view_is_closed_with_4403_as_for_a_missing_execution(setup):
    assert await closed_with(socket(setup["execution"].pk, setup["stan"])) == 4403
    assert await closed_with(socket(999_999, setup["stan"])) == 4403
    assert await closed_with(socket(999_999, setup["vera"])) == 4403


async def test_a_socket_from_a_foreign_origin_is_refused(setup):
    communicator = socket(setup["execution"].pk, setup["vera"], origin=b"http://evil.example")
    connected, _ = await communicator.connect()
    assert not connected


async def test_a_viewer_gets_stored_events_then_new_ones_then_the_end(setup):
    execution = setup["execution"]
    communicator = socket(execution.pk, setup["vera"])
    connected, _ = await communicator.connect()
    assert connected
    stored = [await communicator.receive_json_from() for _ in range(3)]
    assert [(m["type"], m.get("event", {}).get("type")) for m in stored] == [
        ("event", "ExecutionStarted"), ("event", "WaitStateEntered"), ("status", None)]
    assert stored[0]["event"]["executionStartedEventDetails"]["input"] == '{"n":1}'
    assert stored[2]["status"] == "RUNNING" and stored[2]["stop_date"] is None
    assert await communicator.receive_nothing(timeout=0.6)  # polling finds nothing new

    await database_sync_to_async(services.stop_execution)(execution, error="Halt", cause="<i>enough</i>")
    live = [await communicator.receive_json_from(timeout=3) for _ in range(2)]
    assert [m["type"] for m in live] == ["event", "status"]
    assert live[0]["event"]["type"] == "ExecutionAborted" and live[0]["event"]["id"] == 3
    assert (live[1]["status"], live[1]["error"], live[1]["cause"]) == ("ABORTED", "Halt", "<i>enough</i>")
    assert live[1]["stop_date"] is not None
    assert await communicator.receive_nothing(timeout=1)  # closed and all sent: it stopped polling
    await communicator.disconnect()


async def test_a_reconnecting_client_gets_only_what_it_has_not_seen(setup):
    execution = setup["execution"]
    await database_sync_to_async(services.stop_execution)(execution)
    communicator = socket(execution.pk, setup["vera"], after=2)
    await communicator.connect()
    event = await communicator.receive_json_from()
    assert (event["type"], event["event"]["id"]) == ("event", 3)
    assert (await communicator.receive_json_from())["status"] == "ABORTED"
    assert await communicator.receive_nothing(timeout=0.6)
    await communicator.disconnect()
    assert await closed_with(socket(execution.pk, setup["vera"], after="x")) == 4400


async def test_losing_view_ends_the_stream(setup, monkeypatch):
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.1)
    execution = setup["execution"]
    communicator = socket(execution.pk, setup["vera"], after=2)
    await communicator.connect()
    assert (await communicator.receive_json_from())["status"] == "RUNNING"
    machine = await database_sync_to_async(lambda: Execution.objects.get(pk=execution.pk).state_machine)()
    vera = await database_sync_to_async(lambda: machine.grants.get().user)()
    await database_sync_to_async(permissions.revoke)(machine, permissions.VIEW, user=vera)
    message = await communicator.receive_output(timeout=3)
    assert (message["type"], message["code"]) == ("websocket.close", 4403)


async def closed_after(communicator: WebsocketCommunicator, change) -> int:
    """Open the stream, make `change` in the database, and return the code the recheck closes it with."""
    await communicator.connect()
    assert (await communicator.receive_json_from())["status"] == "RUNNING"
    await database_sync_to_async(change)()
    message = await communicator.receive_output(timeout=3)
    assert message["type"] == "websocket.close"
    return message["code"]


def deactivate():
    get_user_model().objects.filter(username="vera").update(is_active=False)


def log_out_everywhere():
    Session.objects.all().delete()


def change_password():
    vera = get_user_model().objects.get(username="vera")
    vera.set_password("vera-pass-5678")
    vera.save()


@pytest.mark.parametrize("change", [deactivate, log_out_everywhere, change_password])
async def test_a_listener_no_longer_signed_in_is_closed_with_4401(setup, monkeypatch, change):
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.1)
    assert await closed_after(socket(setup["execution"].pk, setup["vera"], after=2), change) == 4401


async def test_a_session_now_holding_another_user_is_closed_with_4401(setup, monkeypatch):
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.1)

    def hand_session_to_stan():
        session = Session.objects.get(session_key=setup["vera"])
        data = session.get_decoded()
        data[auth.SESSION_KEY] = str(get_user_model().objects.get(username="stan").pk)
        Session.objects.save(setup["vera"], data, session.expire_date)

    assert await closed_after(socket(setup["execution"].pk, setup["vera"], after=2), hand_session_to_stan) == 4401


async def test_a_demoted_superuser_is_closed_with_4403(setup, monkeypatch):
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.1)
    root = await database_sync_to_async(get_user_model().objects.create_superuser)("root", password="root-pass-1234")
    session = await database_sync_to_async(session_of)(root)

    def demote():
        get_user_model().objects.filter(username="root").update(is_superuser=False)

    assert await closed_after(socket(setup["execution"].pk, session, after=2), demote) == 4403
