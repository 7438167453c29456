"""The palette's Choice: dropped on the edge from Start, it comes with a rule to a placeholder state and a Default
that continues to the edge's old target, so the workflow stays valid and saves as a revision."""
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from designer.models import StateMachine
from tests.browser.conftest import screenshot
from tests.browser.designer_helpers import graph, open_designer, save_revision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BLANK = ROOT / "designer" / "templates_library" / "blank.asl.json"


def test_a_choice_from_the_palette_is_valid_at_once(new_page, django_user_model):
    page = open_designer(new_page, django_user_model, "Branchy", BLANK.read_text(), console_errors=False)
    canvas, node = graph(page, "Branchy")
    expect(node("State Start, Pass")).to_be_visible()

    start_edge = canvas.get_by_role("group", name="Start", exact=True).bounding_box()
    pane = canvas.locator(".react-flow__pane")
    pane_box = pane.bounding_box()
    page.get_by_role("navigation", name="Palette").get_by_role("button", name="Add Choice state").drag_to(pane, target_position={
        "x": start_edge["x"] + start_edge["width"] / 2 - pane_box["x"],
        "y": start_edge["y"] + start_edge["height"] / 2 - pane_box["y"]})
    expect(node("State Choice, Choice")).to_be_visible()
    expect(node("State Rule 1 step, Pass")).to_be_visible()
    expect(node("State Default step, Pass")).to_have_count(0)  # the Default continues to Start instead
    expect(canvas.get_by_role("group", name="Choice rule: $.value is present", exact=True)).to_have_count(1)
    expect(canvas.get_by_role("group", name="Default", exact=True)).to_have_count(1)
    page.get_by_role("tab", name="Code").click()
    expect(page.get_by_role("region", name="Problems")).to_contain_text("No problems")
    canvas.get_by_role("button", name="Fit View").click()
    page.wait_for_timeout(300)
    screenshot(page, "designer-palette-choice")

    save_revision(page)
    saved = json.loads(StateMachine.objects.get(name="Branchy").definition)
    assert saved["StartAt"] == "Choice"
    assert saved["States"]["Choice"] == {"Type": "Choice", "Choices": [
        {"Variable": "$.value", "IsPresent": True, "Next": "Rule 1 step"}], "Default": "Start"}
    assert saved["States"]["Rule 1 step"]["Type"] == "Pass"
    assert page.problems == []
