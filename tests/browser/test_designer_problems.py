"""The validator's diagnostics on the designer's canvas: a badge with the count on each state they concern (nested
states included), the node drawn in the error colour, the messages as the badge's description, the machine's own
problems in the canvas's corner; a problem in the list shows its state on the graph; while the code is not JSON
a banner says the graph is the last good definition."""
import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.designer_helpers import graph, open_designer, replace_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VALID = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
# StartAt names no state (the machine's problem); A is unreachable and its Next names no state (2 problems);
# P is unreachable; In, inside P's branch, is a Task without a Resource.
BROKEN = {"StartAt": "Nope", "States": {
    "A": {"Type": "Pass", "Next": "Nowhere"},
    "P": {"Type": "Parallel", "Branches": [{"StartAt": "In", "States": {"In": {"Type": "Task", "End": True}}}],
          "End": True}}}


def test_diagnostics_are_marked_on_the_states_they_concern(new_page, django_user_model):
    page = open_designer(new_page, django_user_model, "Marked", VALID)
    canvas, node = graph(page, "Marked")
    expect(node("State A, Pass")).to_be_visible()
    expect(canvas.get_by_role("img", name="1 problem")).to_have_count(0)

    page.get_by_role("tab", name="Code").click()  # (the Inspector is the pane's first tab)
    replace_code(page, json.dumps(BROKEN, indent=2))

    badge = node("State A, Pass").get_by_role("img", name="2 problems")
    expect(badge).to_be_visible()
    expect(badge).to_have_accessible_description("MISSING_TRANSITION_TARGET: State \"A\" is not reachable. "
                                                 "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere.")
    assert "Missing 'Next' target: Nowhere" in badge.get_attribute("title")
    expect(node("State A, Pass").locator(".state-node")).to_have_class(
        "state-node state-Pass has-problems has-problems--error")
    # Nested: the Task inside the Parallel's branch, and the Parallel itself.
    inner = node("State In, Task").get_by_role("img", name="1 problem")
    expect(inner).to_be_visible()
    expect(inner).to_have_accessible_description("SCHEMA_VALIDATION_FAILED: These fields are required: [Resource].")
    expect(node("State P, Parallel").get_by_role("img", name="1 problem").first).to_be_visible()
    # The machine's own problem, in the canvas's corner.
    workflow = page.get_by_role("region", name="Workflow problems")
    expect(workflow).to_contain_text("Workflow: 1 problem")
    expect(workflow.get_by_text("Missing 'Next' target: Nope")).to_be_hidden()  # the corner stays small
    workflow.get_by_text("Workflow: 1 problem").click()
    expect(workflow.get_by_text("MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope")).to_be_visible()
    canvas.get_by_role("button", name="Fit View").click()
    page.wait_for_timeout(300)  # the view's transition
    screenshot(page, "designer-diagnostics")

    # A problem in the list shows its state: selected (the edit bar names it) and focused.
    page.get_by_role("region", name="Problems").get_by_role("button", name="Show In on the graph").click()
    expect(page.get_by_label("State name")).to_have_value("In")
    expect(node("State In, Task")).to_be_focused()
    expect(canvas.locator(".react-flow__node.selected")).to_have_count(1)

    # Not JSON any more: a banner, and the graph keeps the last definition that parsed, marks and all.
    page.get_by_role("textbox", name="Definition (ASL JSON)").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" oops")
    banner = page.get_by_role("alert").filter(has_text="The code has a JSON error")
    expect(banner).to_contain_text("The code has a JSON error")
    expect(banner).to_contain_text("the graph shows the last definition that parsed")
    expect(node("State A, Pass").get_by_role("img", name="2 problems")).to_be_visible()
    screenshot(page, "designer-diagnostics-json-error")
    for _ in range(5):
        page.keyboard.press("Backspace")
    expect(banner).to_have_count(0)

    # Fixed: the marks go.
    replace_code(page, json.dumps(VALID, indent=2))
    expect(page.get_by_role("region", name="Problems")).to_contain_text("No problems")
    expect(canvas.locator(".node-problems")).to_have_count(0)
    expect(page.get_by_role("region", name="Workflow problems")).to_have_count(0)
    assert page.problems == []
