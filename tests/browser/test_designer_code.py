"""The designer's code view in a real browser: typing changes the graph, a JSON error is marked where it is
while the graph keeps the last good definition, and the server validator's diagnostics reach the editor and the
problems list (grouped by state)."""
import json

import pytest
from playwright.sync_api import expect

from designer import services
from designer.accounts import permissions
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_STATE = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
TWO_STATES = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Second"},
                                         "Second": {"Type": "Succeed"}}}


@pytest.fixture
def editor_page(new_page, django_user_model):
    """Edna, who may edit CodeDemo, on its design page; the page's script errors are collected in page.problems."""
    machine = services.create_state_machine(name="CodeDemo", definition=json.dumps(ONE_STATE, indent=2),
                                            role_arn="arn:aws:iam::123456789012:role/flowdeck")
    edna = django_user_model.objects.create_user("edna", password="edna-pass-1234")
    permissions.grant(machine, permissions.EDIT, user=edna)
    page = new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    log_in(page, edna, "edna-pass-1234")
    page.goto("/machines/CodeDemo/design/")
    return page


def replace_text(page, text: str) -> None:
    editor = page.get_by_role("textbox", name="Definition (ASL JSON)")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def test_typing_in_the_code_view_changes_the_graph_and_marks_errors(editor_page):
    page = editor_page
    canvas = page.get_by_role("application", name="Graph of CodeDemo")
    expect(canvas.get_by_role("group", name="A", exact=True)).to_be_visible()
    editor = page.get_by_role("textbox", name="Definition (ASL JSON)")
    expect(editor).to_contain_text('"StartAt": "A"')
    problems = page.get_by_role("region", name="Problems")
    expect(problems).to_contain_text("No problems")

    # Typing: a second state appears on the canvas.
    replace_text(page, json.dumps(TWO_STATES, indent=2))
    expect(canvas.get_by_role("group", name="Second", exact=True)).to_be_visible()
    # Typing key by key (the graph follows as soon as the text parses again).
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(json.dumps({"StartAt": "Third", "States": {"Third": {"Type": "Pass", "End": True}}}))
    expect(canvas.get_by_role("group", name="Third", exact=True)).to_be_visible()
    expect(canvas.get_by_role("group", name="Second", exact=True)).to_have_count(0)

    # A JSON error: marked at its position, listed, and the graph keeps the last good definition.
    page.keyboard.press("Control+End")
    page.keyboard.type(" oops")
    expect(page.locator(".cm-lintRange-error")).to_have_count(1)
    expect(page.locator(".cm-lintRange-error")).to_have_text("o")
    expect(problems).to_contain_text("JSON: Unexpected text after the JSON value")
    expect(canvas.get_by_role("group", name="Third", exact=True)).to_be_visible()
    screenshot(page, "designer-code-json-error")
    for _ in range(5):
        page.keyboard.press("Backspace")
    expect(page.locator(".cm-lintRange-error")).to_have_count(0)
    expect(problems).to_contain_text("No problems")

    # A validator diagnostic: a Next to no state is marked on that value and listed under its state.
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}, "B": {"Type": "Succeed"}}}
    replace_text(page, json.dumps(broken, indent=2))
    expect(canvas.get_by_role("group", name="B", exact=True)).to_be_visible()
    marked = page.locator(".cm-lintRange-error")
    expect(marked.first).to_be_visible()
    expect(page.locator(".cm-lintRange-error", has_text='"Nowhere"')).to_have_count(1)
    expect(problems.locator('[data-state="/States/A"]')).to_contain_text("MISSING_TRANSITION_TARGET")
    screenshot(page, "designer-code-diagnostics")
    assert page.problems == []  # no script error, no CSP violation
