"""The issue's "done when", in a real browser: a second user with only `execute` on one workflow runs it and
watches it finish live, but cannot see or change the others."""
import json
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from designer.accounts import permissions
from executions import services
from tests.browser.conftest import log_in, screenshot
from tests.executions.runtime import make_machine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A short nap, so that the page is open while the execution runs and the worker's timer ends it.
DELIVERY = {"StartAt": "Wait for the van", "States": {
    "Wait for the van": {"Type": "Wait", "Seconds": 2, "Next": "Deliver"},
    "Deliver": {"Type": "Pass", "Result": "delivered", "ResultPath": "$.status", "End": True}}}
PAYROLL = {"StartAt": "Pay", "States": {"Pay": {"Type": "Pass", "End": True}}}


def test_a_user_with_only_execute_runs_and_watches_one_workflow_and_sees_no_other(
        new_page, django_user_model):
    owner = django_user_model.objects.create_user("olive", password="olive-pass-1234")
    rex = django_user_model.objects.create_user("rex", password="rex-pass-1234")
    deliveries = make_machine(DELIVERY, name="Deliveries")
    payroll = make_machine(PAYROLL, name="Payroll")
    for machine in (deliveries, payroll):
        permissions.grant(machine, permissions.ADMIN, user=owner)
    permissions.grant(deliveries, permissions.EXECUTE, user=rex)
    salary_run = services.start_execution(payroll, input='{"salary": 1}', name="may", started_by=owner)

    page = new_page()
    log_in(page, rex, "rex-pass-1234")
    page.goto("/machines/")
    expect(page.locator("table.machines tbody tr")).to_have_count(1)
    expect(page.locator("table.machines")).to_contain_text("Deliveries")
    expect(page.locator("table.machines")).not_to_contain_text("Payroll")
    expect(page.locator("table.machines")).to_contain_text("execute, view")
    screenshot(page, "second-user-machines")

    page.get_by_role("link", name="Deliveries").click()
    expect(page.locator("h1")).to_contain_text("Deliveries")
    expect(page.locator("#permissions")).to_have_count(0)  # no permission panel
    expect(page.locator("form[action*='/permissions/']")).to_have_count(0)  # no grant or revoke controls
    expect(page.locator("#held")).to_have_text("execute, view")
    page.fill("textarea[name=input]", json.dumps({"parcel": 7}))
    page.fill("input[name=name]", "parcel-7")
    page.get_by_role("button", name="Start execution").click()

    expect(page).to_have_url(re.compile(r"/executions/\d+/$"))
    status = page.locator("#execution-status")
    expect(status).to_have_text("RUNNING")
    expect(page.locator("#live")).to_have_text("live")  # the WebSocket is open
    page.evaluate("window.__notReloaded = true")
    screenshot(page, "second-user-execution-running")
    expect(status).to_have_text("SUCCEEDED", timeout=20_000)
    assert page.evaluate("window.__notReloaded") is True  # it changed over the socket, not by a reload
    expect(page.locator("#history tr")).to_have_count(6)
    expect(page.locator("#history")).to_contain_text("ExecutionSucceeded")
    expect(page.locator("#execution-output")).to_contain_text('"status": "delivered"')
    screenshot(page, "second-user-execution-succeeded")

    for url in ("/machines/Payroll/", "/machines/Payroll/export.json", f"/executions/{salary_run.pk}/"):
        assert page.goto(url).status == 404, url
    screenshot(page, "second-user-other-workflow-404")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == settings.CSRF_COOKIE_NAME)
    allowed = page.request.post("/machines/Deliveries/start", form={"csrfmiddlewaretoken": csrf},
                                max_redirects=0)
    assert allowed.status == 302  # the same kind of request passes CSRF ...
    forged = page.request.post("/machines/Deliveries/permissions/grant", form={
        "to": "user", "subject": "rex", "permission": "admin", "csrfmiddlewaretoken": csrf}, max_redirects=0)
    assert forged.status == 403 and "CSRF" not in forged.text()  # ... and is refused for want of admin
    assert not permissions.has_permission(rex, permissions.ADMIN, deliveries)
