"""The designer without a mouse: states are Tab stops (markers are not), Enter selects one, the arrow keys move it
(saved in the layout record, a run of presses one undo step), the inspector's Next select connects it, the Delete
key deletes it."""
import json

import pytest
from playwright.sync_api import expect

from designer.models import StateMachine
from tests.browser.conftest import screenshot
from tests.browser.designer_helpers import graph, open_designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHAIN = {"StartAt": "Charge card", "States": {
    "Charge card": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge", "Next": "Ship"},
    "Ship": {"Type": "Pass", "Next": "Notify"},
    "Notify": {"Type": "Pass", "End": True}}}


def _focused_label(page) -> str | None:
    return page.evaluate("document.activeElement && document.activeElement.getAttribute('aria-label')")


def test_select_move_connect_and_delete_with_the_keyboard(new_page, django_user_model):
    page = open_designer(new_page, django_user_model, "Keys", CHAIN, console_errors=False)
    canvas, node = graph(page, "Keys")
    charge = node("State Charge card, Task")
    expect(charge).to_be_visible()
    page.wait_for_timeout(300)  # Fit View

    # From the palette's last item, Tab reaches the states (edges are read out on the way; markers are no stops).
    page.get_by_role("navigation", name="Palette").get_by_role("button", name="Add Nested workflow task").focus()
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        seen.append(_focused_label(page))
        if seen[-1] == "State Charge card, Task":
            break
    expect(charge).to_be_focused()
    assert not any(label and label.startswith(("Start of", "End of")) for label in seen), seen

    # Enter selects it: the edit bar and the inspector name it.
    page.keyboard.press("Enter")
    expect(page.get_by_label("State name")).to_have_value("Charge card")
    inspector = page.get_by_role("tabpanel", name="Inspector")
    expect(inspector.get_by_role("heading", name="State Charge card")).to_be_visible()

    # The arrow keys move it (5 px a press, 20 with Shift), saved in the layout record; the run is one undo step.
    before = charge.bounding_box()
    charge.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowRight", "Shift+ArrowDown"):
        page.keyboard.press(key)
    after = charge.bounding_box()
    assert after["x"] > before["x"] + 5 and after["y"] > before["y"] + 5, (before, after)
    layout = {}
    for _ in range(30):
        layout = page.request.get("/api/state-machines/Keys/layout/").json()["positions"]
        if "/States/Charge card" in layout:
            break
        page.wait_for_timeout(200)
    assert "/States/Charge card" in layout
    page.keyboard.press("Control+z")
    page.wait_for_timeout(300)
    undone = charge.bounding_box()
    assert abs(undone["x"] - before["x"]) < 1 and abs(undone["y"] - before["y"]) < 1, (before, undone)
    page.keyboard.press("Control+Shift+z")
    page.wait_for_timeout(300)
    assert abs(charge.bounding_box()["x"] - after["x"]) < 1

    # Connect without a mouse: the inspector's Next select (Ship now ends the workflow).
    node("State Ship, Pass").focus()
    page.keyboard.press("Enter")
    next_state = inspector.get_by_role("region", name="Configuration").get_by_label("Next state")
    expect(next_state).to_have_value("Notify")
    next_state.focus()
    next_state.select_option(label="End (the workflow or branch ends)")
    expect(canvas.get_by_role("group", name="Next", exact=True)).to_have_count(1)  # Charge card -> Ship
    screenshot(page, "designer-keyboard")

    # The Delete key deletes the focused, selected state (Notify, no longer reached).
    node("State Notify, Pass").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("State name")).to_have_value("Notify")
    page.keyboard.press("Delete")
    expect(node("State Notify, Pass")).to_have_count(0)
    page.get_by_role("toolbar", name="Definition").get_by_role("button", name="Save").click()
    expect(page.get_by_role("toolbar", name="Definition").get_by_role("status")).to_contain_text("Saved")
    saved = json.loads(StateMachine.objects.get(name="Keys").definition)
    assert set(saved["States"]) == {"Charge card", "Ship"}
    assert page.problems == []
