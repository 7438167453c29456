"""The designer's layout on laptop and desktop screens: the graph takes most of the width (the split is
remembered), a state named Start is drawn apart from the Start marker, the minimap stays small, the graph is
fitted on load and again when a wholly new definition is pasted into the code view."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.designer_helpers import make_machine, make_user, password, replace_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BLANK = ROOT / "designer" / "templates_library" / "blank.asl.json"
NESTED = ROOT / "frontend" / "corpus" / "062-parallel-in-map-in-parallel.asl.json"
ELEVEN = ROOT / "frontend" / "corpus" / "125-parallel-many-branches-mixed.asl.json"


def _overlap(a, b) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def _all_in_view(canvas) -> None:
    frame = canvas.bounding_box()
    for box in canvas.locator(".react-flow__node").evaluate_all(
            "nodes => nodes.map(n => { const r = n.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; })"):
        assert frame["x"] - 1 <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, box
        assert frame["y"] - 1 <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1, box


@pytest.mark.parametrize("width,height", [(1280, 800), (1600, 900)])
def test_layout_on_laptop_and_desktop_screens(browser, live_server_url, django_user_model, width, height):
    edna = make_user(django_user_model, make_machine("Roomy", BLANK.read_text()))
    context = browser.new_context(base_url=live_server_url, viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        log_in(page, edna, password("edna"))
        page.goto("/machines/Roomy/design/")
        canvas = page.get_by_role("application", name="Graph of Roomy")
        start_state = canvas.get_by_role("group", name="State Start, Pass", exact=True)
        start_marker = canvas.get_by_role("img", name="Start of the workflow", exact=True)
        expect(start_state).to_be_visible()
        expect(start_marker).to_be_visible()
        page.wait_for_timeout(300)  # Fit View

        # The graph's side (palette and canvas) takes 63% of the split by default.
        separator = page.get_by_role("separator", name="Resize graph and code")
        expect(separator).to_have_attribute("aria-valuenow", "63")
        split = page.locator(".split").bounding_box()
        graph_side = page.locator(".split__pane").first.bounding_box()
        assert 0.6 < graph_side["width"] / split["width"] < 0.66
        # A state named Start is not drawn over the Start marker; all is in view; no minimap for one state.
        assert not _overlap(start_state.bounding_box(), start_marker.bounding_box())
        _all_in_view(canvas)
        expect(canvas.get_by_role("img", name="Mini Map")).to_have_count(0)
        screenshot(page, f"designer-layout-{width}")

        # The split is remembered.
        separator.focus()
        page.keyboard.press("ArrowLeft")
        expect(separator).to_have_attribute("aria-valuenow", "58")
        page.reload()
        expect(page.get_by_role("separator", name="Resize graph and code")).to_have_attribute("aria-valuenow", "58")

        # A wholly new definition pasted into the code view is fitted into view.
        expect(start_state).to_be_visible()
        page.get_by_role("tab", name="Code").click()
        replace_code(page, NESTED.read_text())
        expect(canvas.get_by_role("group", name="State Check credit, Task", exact=True)).to_be_visible()
        page.wait_for_timeout(500)  # the fit
        _all_in_view(canvas)
        # Eight states: still no minimap (from ten); eleven: a small one.
        expect(canvas.get_by_role("img", name="Mini Map")).to_have_count(0)
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(ELEVEN.read_text())
        minimap = canvas.get_by_role("img", name="Mini Map")
        expect(minimap).to_be_visible()
        assert minimap.bounding_box()["width"] <= 150 and minimap.bounding_box()["height"] <= 100
        screenshot(page, f"designer-layout-{width}-pasted")
    finally:
        context.close()
