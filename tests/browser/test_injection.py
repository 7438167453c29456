"""Script and HTML injected into state names, comments, execution inputs, inbox instructions and answers render
as inert text in a real browser: on the machine page, the inbox, and the execution page (server-rendered and
appended live by execution.js)."""
import json

import pytest
from django.conf import settings
from playwright.sync_api import expect

from executions import services
from tests.browser.conftest import log_in, screenshot
from tests.executions.runtime import make_machine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = '"><svg onload=window.__pwned=1>'
INJECTED = {"Comment": IMG, "StartAt": SCRIPT, "States": {
    SCRIPT: {"Type": "Pass", "Comment": SVG, "Next": IMG},
    IMG: {"Type": "Task", "Comment": SCRIPT, "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
          "Parameters": {"FunctionName": "browser-notify",
                         "Payload": {"token.$": "$$.Task.Token", "Instructions.$": "$.note"}},
          "Next": SVG},
    SVG: {"Type": "Pass", "End": True}}}


def assert_inert(page, *texts: str) -> None:
    """Each text is on the page as text, and nothing of it became an element or ran."""
    body = page.locator("body")
    for text in texts:
        expect(body).to_contain_text(text)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img[src='x'], svg[onload], [onerror], [onload]").count() == 0
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('__pwned')).length") == 0


def as_json(text: str) -> str:
    """`text` as it reads inside a JSON string."""
    return json.dumps(text)[1:-1]


def assert_csp(response) -> None:
    if getattr(settings, "SECURE_CSP", None):
        assert "script-src 'self'" in response.headers["content-security-policy"]


def test_injected_markup_renders_as_text_everywhere(new_page, admin_user):
    machine = make_machine(INJECTED, name="Injected")
    execution = services.start_execution(machine, input=json.dumps({"note": f"{IMG} then {SVG}", "who": SCRIPT}),
                                         name="injected-1", started_by=admin_user)
    page = new_page()
    log_in(page, admin_user, "admin-pass-1234")

    assert_csp(page.goto("/machines/Injected/"))
    assert_inert(page, SCRIPT, IMG, SVG)
    expect(page.locator("table.states tbody tr")).to_have_count(3)
    screenshot(page, "injection-machine")

    assert_csp(page.goto("/inbox/"))
    task = page.locator("section.task")
    expect(task.locator("h2")).to_have_text(IMG)  # the state name
    expect(task.locator(".comment")).to_have_text(SCRIPT)  # the state's Comment
    expect(task.locator(".instructions")).to_have_text(f"{IMG} then {SVG}")  # Instructions from its Parameters
    assert_inert(page, SCRIPT, IMG, SVG)
    screenshot(page, "injection-inbox")

    watcher = new_page()
    log_in(watcher, admin_user, "admin-pass-1234")
    assert_csp(watcher.goto(f"/executions/{execution.pk}/"))
    expect(watcher.locator("#live")).to_have_text("live")
    # The execution page shows JSON (the input, the history's details), where a quote is escaped.
    assert_inert(watcher, SCRIPT, as_json(IMG), as_json(SVG))

    page.fill("section.task textarea[name=comment] >> nth=0", SVG)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("Approved")
    assert_inert(page, IMG)

    expect(watcher.locator("#execution-status")).to_have_text("SUCCEEDED", timeout=20_000)
    expect(watcher.locator("#execution-output")).to_contain_text(f'"comment": "{as_json(SVG)}"')
    expect(watcher.locator("#history")).to_contain_text("ExecutionSucceeded")
    assert_inert(watcher, SCRIPT, as_json(IMG), as_json(SVG))
    screenshot(watcher, "injection-execution")
