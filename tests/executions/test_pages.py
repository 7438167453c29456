"""The workflow, execution and inbox pages: who sees what, who may press which button, what gets audited.

Personas on the machine "Orders": olive administers it, rex may execute, vera may view, april may approve,
stan holds nothing on it (but views "Other"). Page requests go through Django's test client on the real URLs;
forms are posted with CSRF checks on.
"""
import json

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client

from designer.accounts import permissions
from designer.accounts.models import AuditEvent, Grant
from executions import resources
from executions.models import Execution, TaskToken
from tests.executions.runtime import drain, make_machine

pytestmark = pytest.mark.django_db(transaction=True)

PASS_CHAIN = {"Comment": "Two passes", "StartAt": "A", "States": {
    "A": {"Type": "Pass", "Comment": "first <b>step</b>", "Next": "B"},
    "B": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": True}}}]}}}
WAIT = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 600, "End": True}}}
APPROVAL = {"StartAt": "Sign off", "States": {"Sign off": {
    "Type": "Task", "Comment": "Check the <i>amount</i>", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
    "Parameters": {"FunctionName": "pages-notify",
                   "Payload": {"token.$": "$$.Task.Token", "Instructions": "Call <b>finance</b> first"}},
    "End": True}}}


@resources.function("pages-notify")
def notify(event):
    return {"sent": True}


@pytest.fixture
def people(django_user_model):
    names = ("olive", "rex", "vera", "april", "stan")
    return {name: django_user_model.objects.create_user(name, password=f"{name}-pass-1234") for name in names}


@pytest.fixture
def orders(people):
    machine = make_machine(PASS_CHAIN)
    other = make_machine(PASS_CHAIN, name="Other")
    for name, permission in (("olive", "admin"), ("rex", "execute"), ("vera", "view"), ("april", "approve")):
        permissions.grant(machine, permission, user=people[name])
    permissions.grant(other, "view", user=people["stan"])
    return machine


def client_for(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def csrf_post(user, url: str, data: dict):
    """A POST as a browser sends it: the CSRF cookie from a page, and its token in the form."""
    client = client_for(user, csrf=True)
    client.get("/machines/")
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME].value})


def run(machine, name="run-1") -> Execution:
    from executions import services

    return services.start_execution(machine, input='{"who": "<script>x</script>"}', name=name)


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


PAGES = ["/machines/", "/machines/Orders/", "/machines/Orders/export.json", "/machines/Orders/export.yaml",
         "/executions/{pk}/", "/inbox/"]
FORMS = ["/machines/Orders/start", "/machines/Orders/permissions/grant", "/machines/Orders/permissions/revoke",
         "/executions/{pk}/stop", "/inbox/{token}/approve", "/inbox/{token}/reject"]


def test_every_page_and_form_sends_anonymous_people_to_log_in(orders):
    execution = run(orders)
    login = "/login/"
    for method, urls in (("get", PAGES), ("post", FORMS)):
        for url in urls:
            url = url.format(pk=execution.pk, token=1)
            response = getattr(Client(), method)(url)
            assert response.status_code == 302 and response["Location"].startswith(f"{login}?next="), url


def test_the_machine_list_shows_only_what_each_user_may_view(orders, people, admin_user):
    run(orders)
    assert [m["machine"].name for m in client_for(people["vera"]).get("/machines/").context["rows"]] == ["Orders"]
    assert [m["machine"].name for m in client_for(people["stan"]).get("/machines/").context["rows"]] == ["Other"]
    everything = client_for(admin_user).get("/machines/")
    assert [m["machine"].name for m in everything.context["rows"]] == ["Orders", "Other"]
    row = client_for(people["rex"]).get("/machines/").context["rows"][0]
    assert row["permissions"] == ["execute", "view"] and row["machine"].last_execution.status == "SUCCEEDED"


def test_a_machine_page_is_a_404_without_view_exactly_like_a_missing_one(orders, people):
    stan = client_for(people["stan"])
    for url in ("/machines/Orders/", "/machines/Orders/export.json", "/machines/Orders/export.yaml"):
        assert stan.get(url).status_code == 404
    assert stan.get("/machines/Missing/").status_code == 404
    assert stan.get("/machines/Other/").status_code == 200


def test_the_machine_page_lists_states_escaped_and_shows_controls_by_permission(orders, people):
    run(orders)
    page = client_for(people["vera"]).get("/machines/Orders/")
    html = page.content.decode()
    assert "first &lt;b&gt;step&lt;/b&gt;" in html and "<b>step</b>" not in html
    assert [(s.name, s.type, s.depth) for s in page.context["states"]] == [
        ("A", "Pass", 0), ("B", "Parallel", 0), ("Inner", "Pass", 1)]
    assert "run-1" in html
    assert page.context["start_form"] is None and page.context["grants"] is None
    assert 'id="start"' not in html and 'id="permissions"' not in html
    runner = client_for(people["rex"]).get("/machines/Orders/")
    assert 'id="start"' in runner.content.decode() and 'id="permissions"' not in runner.content.decode()
    admin = client_for(people["olive"]).get("/machines/Orders/").content.decode()
    assert 'id="start"' in admin and 'id="permissions"' in admin


def test_exports_download_the_definition_as_json_and_yaml(orders, people):
    vera = client_for(people["vera"])
    as_json = vera.get("/machines/Orders/export.json")
    assert as_json["Content-Disposition"] == 'attachment; filename="Orders.asl.json"'
    assert json.loads(as_json.content) == PASS_CHAIN
    as_yaml = vera.get("/machines/Orders/export.yaml")
    assert as_yaml["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.content) == PASS_CHAIN


def test_starting_needs_execute_and_csrf_and_is_audited(orders, people):
    data = {"name": "from-page", "input": '{"n": 1}'}
    assert csrf_post(people["vera"], "/machines/Orders/start", data).status_code == 403
    assert csrf_post(people["stan"], "/machines/Orders/start", data).status_code == 404
    assert client_for(people["rex"], csrf=True).post("/machines/Orders/start", data).status_code == 403  # no token
    assert not Execution.objects.exists()
    response = csrf_post(people["rex"], "/machines/Orders/start", data)
    execution = Execution.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/executions/{execution.pk}/"
    assert (execution.name, execution.started_by, execution.status) == ("from-page", people["rex"], "SUCCEEDED")
    [event] = audited("execution.start")
    assert (event.actor, event.target, event.via) == (people["rex"], execution.arn, "web")


def test_a_bad_start_shows_the_error_on_the_page(orders, people):
    rex = client_for(people["rex"])
    bad_input = rex.post("/machines/Orders/start", {"input": "{nope"})
    assert bad_input.status_code == 400 and "InvalidExecutionInput" in bad_input.content.decode()
    bad_name = rex.post("/machines/Orders/start", {"name": "a b", "input": ""})
    assert bad_name.status_code == 400 and "InvalidName" in bad_name.content.decode()
    assert not Execution.objects.exists() and not audited("execution.start")


def test_the_execution_page_needs_view_on_its_machine(orders, people):
    execution = run(orders)
    assert client_for(people["stan"]).get(f"/executions/{execution.pk}/").status_code == 404
    assert client_for(people["stan"]).get("/executions/99999/").status_code == 404
    page = client_for(people["vera"]).get(f"/executions/{execution.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    assert [e["type"] for e in page.context["events"]][0] == "ExecutionStarted"
    assert f'data-after="{execution.event_count}"' in html
    assert 'id="stop-form"' not in html  # closed, and vera may not stop anyway


def test_stopping_needs_execute_and_csrf_and_is_audited(orders, people):
    machine = make_machine(WAIT, name="Sleepy")
    permissions.grant(machine, "view", user=people["vera"])
    permissions.grant(machine, "execute", user=people["rex"])
    execution = run(machine)
    url = f"/executions/{execution.pk}/stop"
    assert 'id="stop-form"' not in client_for(people["vera"]).get(f"/executions/{execution.pk}/").content.decode()
    assert 'id="stop-form"' in client_for(people["rex"]).get(f"/executions/{execution.pk}/").content.decode()
    assert csrf_post(people["vera"], url, {}).status_code == 403
    assert csrf_post(people["stan"], url, {}).status_code == 404
    assert client_for(people["rex"], csrf=True).post(url).status_code == 403
    assert Execution.objects.get(pk=execution.pk).status == "RUNNING"
    assert csrf_post(people["rex"], url, {}).status_code == 302
    assert Execution.objects.get(pk=execution.pk).status == "ABORTED"
    assert [e.target for e in audited("execution.stop")] == [execution.arn]
    again = client_for(people["rex"]).post(url, follow=True)
    assert "already ended (ABORTED)" in again.content.decode() and len(audited("execution.stop")) == 1


def test_granting_and_revoking_need_admin_and_are_audited(orders, people):
    team = Group.objects.create(name="team")
    grant = "/machines/Orders/permissions/grant"
    to_stan = {"to": "user", "subject": "stan", "permission": "execute"}
    assert csrf_post(people["rex"], grant, to_stan).status_code == 403
    assert csrf_post(people["stan"], grant, to_stan).status_code == 404
    assert client_for(people["olive"], csrf=True).post(grant, to_stan).status_code == 403
    assert not permissions.has_permission(people["stan"], "view", orders)
    assert csrf_post(people["olive"], grant, to_stan).status_code == 302
    assert csrf_post(people["olive"], grant, {"to": "group", "subject": "team", "permission": "approve"}).status_code \
        == 302
    assert permissions.has_permission(people["stan"], "execute", orders)
    assert Grant.objects.filter(state_machine=orders, group=team, permission="approve").exists()
    assert [(e.detail, e.actor) for e in audited("permission.grant")] == [
        ({"permission": "execute", "user": "stan"}, people["olive"]),
        ({"permission": "approve", "group": "team"}, people["olive"])]
    unknown = client_for(people["olive"]).post(grant, {"to": "user", "subject": "nobody", "permission": "view"})
    assert unknown.status_code == 400 and "No user is called" in unknown.content.decode()

    revoke = "/machines/Orders/permissions/revoke"
    row = Grant.objects.get(state_machine=orders, user=people["stan"])
    assert csrf_post(people["rex"], revoke, {"grant": row.pk}).status_code == 403
    assert client_for(people["olive"], csrf=True).post(revoke, {"grant": row.pk}).status_code == 403
    assert csrf_post(people["olive"], revoke, {"grant": row.pk}).status_code == 302
    assert not permissions.has_permission(people["stan"], "view", orders)
    assert [e.detail for e in audited("permission.revoke")] == [{"permission": "execute", "user": "stan"}]
    foreign = Grant.objects.get(user=people["stan"])  # on Other: not revocable through Orders' page
    assert client_for(people["olive"]).post(revoke, {"grant": foreign.pk}).status_code == 302
    assert Grant.objects.filter(pk=foreign.pk).exists()


@pytest.fixture
def waiting(orders, people):
    machine = make_machine(APPROVAL, name="Payments")
    permissions.grant(machine, "approve", user=people["april"])
    permissions.grant(machine, "view", user=people["vera"])
    execution = run(machine, name="pay-1")
    drain()
    return TaskToken.objects.get(execution=execution)


def test_the_inbox_lists_open_tasks_of_machines_the_user_may_approve(waiting, people):
    page = client_for(people["april"]).get("/inbox/")
    [task] = page.context["tasks"]
    assert (task.token, task.comment, task.instructions) == (waiting, "Check the <i>amount</i>",
                                                             "Call <b>finance</b> first")
    assert json.loads(task.input) == {"who": "<script>x</script>"}
    html = page.content.decode()
    assert "Check the &lt;i&gt;amount&lt;/i&gt;" in html and "Call &lt;b&gt;finance&lt;/b&gt; first" in html
    assert waiting.token not in html  # the form names the row, never the bearer token
    assert client_for(people["vera"]).get("/inbox/").context["tasks"] == []  # view is not approve
    assert client_for(people["rex"]).get("/inbox/").context["tasks"] == []


def test_approving_needs_approve_and_csrf_answers_the_task_and_is_audited(waiting, people):
    url = f"/inbox/{waiting.pk}/approve"
    assert csrf_post(people["vera"], url, {"comment": "ok"}).status_code == 403
    assert csrf_post(people["stan"], url, {"comment": "ok"}).status_code == 404
    assert client_for(people["april"], csrf=True).post(url, {"comment": "ok"}).status_code == 403
    assert TaskToken.objects.get(pk=waiting.pk).status == "OPEN"
    assert csrf_post(people["april"], url, {"comment": "fine by me"}).status_code == 302
    execution = Execution.objects.get(pk=waiting.execution_id)
    assert execution.status == "SUCCEEDED"
    assert json.loads(execution.output) == {"approved": True, "comment": "fine by me", "approvedBy": "april"}
    [event] = audited("task.approve")
    assert (event.actor, event.target, event.detail) == (people["april"], execution.arn, {"state": "Sign off"})
    again = client_for(people["april"]).post(url, {"comment": "twice"}, follow=True)
    assert again.status_code == 200 and "no longer waiting" in again.content.decode()
    assert len(audited("task.approve")) == 1


def test_rejecting_fails_the_task_with_the_comment_as_cause(waiting, people):
    url = f"/inbox/{waiting.pk}/reject"
    assert csrf_post(people["rex"], url, {"comment": "no"}).status_code == 404
    assert csrf_post(people["april"], url, {"comment": "too expensive"}).status_code == 302
    execution = Execution.objects.get(pk=waiting.execution_id)
    assert (execution.status, execution.error, execution.cause) == ("FAILED", "Rejected", "too expensive")
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="task.")] == ["task.reject"]
    assert client_for(people["april"]).get("/inbox/").context["tasks"] == []
