"""The designer's code view in a real browser: typing changes the graph, a JSON error is marked where it is
while the graph keeps the last good definition, and the server validator's diagnostics reach the editor and the
problems list (grouped by state)."""
import json
import re
import struct

import pytest
import yaml
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, screenshot_path
from tests.browser.designer_helpers import open_designer, replace_code, save_revision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_STATE = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
TWO_STATES = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Second"},
                                         "Second": {"Type": "Succeed"}}}


def graph_bounds(page) -> dict:
    """The size of the drawn graph in graph units: the union of the nodes' boxes, unzoomed."""
    return page.evaluate("""() => {
        const zoom = Number(/scale\\(([\\d.]+)\\)/.exec(document.querySelector(".react-flow__viewport").style.transform)[1]);
        const boxes = [...document.querySelectorAll(".react-flow__node")].map((node) => node.getBoundingClientRect());
        const left = Math.min(...boxes.map((box) => box.left)), right = Math.max(...boxes.map((box) => box.right));
        const top = Math.min(...boxes.map((box) => box.top)), bottom = Math.max(...boxes.map((box) => box.bottom));
        return {width: (right - left) / zoom, height: (bottom - top) / zoom};
    }""")


@pytest.fixture
def editor_page(new_page, django_user_model):
    """Edna, who may edit CodeDemo, on its design page; the page's script errors are collected in page.problems."""
    page = open_designer(new_page, django_user_model, "CodeDemo", ONE_STATE)
    page.get_by_role("tab", name="Code").click()  # (the Inspector is the pane's first tab)
    return page


def test_typing_in_the_code_view_changes_the_graph_and_marks_errors(editor_page):
    page = editor_page
    canvas = page.get_by_role("application", name="Graph of CodeDemo")
    expect(canvas.get_by_role("group", name="State A, Pass", exact=True)).to_be_visible()
    editor = page.get_by_role("textbox", name="Definition (ASL JSON)")
    expect(editor).to_contain_text('"StartAt": "A"')
    problems = page.get_by_role("region", name="Problems")
    expect(problems).to_contain_text("No problems")

    # Typing: a second state appears on the canvas.
    replace_code(page, json.dumps(TWO_STATES, indent=2))
    expect(canvas.get_by_role("group", name="State Second, Succeed", exact=True)).to_be_visible()
    # Typing key by key (the graph follows as soon as the text parses again).
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(json.dumps({"StartAt": "Third", "States": {"Third": {"Type": "Pass", "End": True}}}))
    expect(canvas.get_by_role("group", name="State Third, Pass", exact=True)).to_be_visible()
    expect(canvas.get_by_role("group", name="State Second, Succeed", exact=True)).to_have_count(0)

    # A JSON error: marked at its position, listed, and the graph keeps the last good definition.
    page.keyboard.press("Control+End")
    page.keyboard.type(" oops")
    expect(page.locator(".cm-lintRange-error")).to_have_count(1)
    expect(page.locator(".cm-lintRange-error")).to_have_text("o")
    expect(problems).to_contain_text("JSON: Unexpected text after the JSON value")
    expect(canvas.get_by_role("group", name="State Third, Pass", exact=True)).to_be_visible()
    screenshot(page, "designer-code-json-error")
    for _ in range(5):
        page.keyboard.press("Backspace")
    expect(page.locator(".cm-lintRange-error")).to_have_count(0)
    expect(problems).to_contain_text("No problems")

    # A validator diagnostic: a Next to no state is marked on that value and listed under its state.
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}, "B": {"Type": "Succeed"}}}
    replace_code(page, json.dumps(broken, indent=2))
    expect(canvas.get_by_role("group", name="State B, Succeed", exact=True)).to_be_visible()
    marked = page.locator(".cm-lintRange-error")
    expect(marked.first).to_be_visible()
    expect(page.locator(".cm-lintRange-error", has_text='"Nowhere"')).to_have_count(1)
    expect(problems.locator('[data-state="/States/A"]')).to_contain_text("MISSING_TRANSITION_TARGET")
    screenshot(page, "designer-code-diagnostics")
    assert page.problems == []  # no script error, no CSP violation


def test_save_draft_publish_export_and_compare(editor_page):
    from designer.models import StateMachine, StateMachineDraft

    page = editor_page
    toolbar = page.get_by_role("toolbar", name="Definition")
    canvas = page.get_by_role("application", name="Graph of CodeDemo")
    expect(canvas.get_by_role("group", name="State A, Pass", exact=True)).to_be_visible()
    expect(toolbar.get_by_role("button", name="Save")).to_be_disabled()  # nothing changed yet

    # An invalid definition (a Next to no state) is kept as a draft, and the page says so.
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
    replace_code(page, json.dumps(broken, indent=2))
    expect(toolbar.get_by_text("Unsaved changes")).to_be_visible()
    expect(toolbar.get_by_role("button", name="Publish version")).to_be_disabled()
    toolbar.get_by_role("button", name="Save").click()
    expect(toolbar.get_by_role("status")).to_contain_text("Saved as a draft")
    machine = StateMachine.objects.get(name="CodeDemo")
    assert machine.revisions.count() == 1
    draft = StateMachineDraft.objects.get(state_machine=machine)
    assert json.loads(draft.definition) == broken
    screenshot(page, "designer-code-draft")

    # A valid change is saved as a revision, the draft goes, and a reload shows it.
    replace_code(page, json.dumps(TWO_STATES, indent=2))
    expect(canvas.get_by_role("group", name="State Second, Succeed", exact=True)).to_be_visible()
    save_revision(page)
    machine.refresh_from_db()
    assert machine.revisions.count() == 2
    assert json.loads(machine.definition) == TWO_STATES
    expect(toolbar.get_by_text("Unsaved changes")).to_have_count(0)
    assert not StateMachineDraft.objects.filter(state_machine=machine).exists()
    page.reload()
    page.get_by_role("tab", name="Code").click()
    expect(page.get_by_role("application", name="Graph of CodeDemo").get_by_role("group", name="State Second, Succeed", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Definition (ASL JSON)")).to_contain_text('"Second"')

    # Publish the saved revision.
    toolbar.get_by_role("button", name="Publish version").click()
    expect(toolbar.get_by_role("status")).to_have_text("Published version 1")
    assert machine.versions.count() == 1

    # Export JSON: the file is the definition the REST API holds.
    with page.expect_download() as download:
        toolbar.get_by_role("button", name="Export JSON").click()
    exported = json.loads(open(download.value.path()).read())
    rest = page.request.get("/api/state-machines/CodeDemo/").json()
    assert exported == json.loads(rest["definition"]) == TWO_STATES
    with page.expect_download() as download:
        toolbar.get_by_role("button", name="Export YAML").click()
    assert "StartAt: A" in open(download.value.path()).read()

    # The graph as SVG and PNG: the whole graph with its edges drawn, even zoomed in and panned away from it.
    canvas = page.get_by_role("application", name="Graph of CodeDemo")
    for _ in range(3):
        canvas.get_by_role("button", name="Zoom In").click()
    pane = canvas.locator(".react-flow__pane").bounding_box()
    page.mouse.move(pane["x"] + 20, pane["y"] + 20)
    page.mouse.down()
    page.mouse.move(pane["x"] + pane["width"] - 20, pane["y"] + pane["height"] - 20, steps=5)
    page.mouse.up()
    viewport = canvas.locator(".react-flow__viewport")
    transform = viewport.evaluate("element => element.style.transform")
    graph_size = graph_bounds(page)
    with page.expect_download() as download:
        toolbar.get_by_role("button", name="Export graph as SVG").click()
    assert download.value.suggested_filename == "CodeDemo.svg"
    svg = open(download.value.path()).read()
    assert svg.startswith("<svg")
    assert 'aria-label="State A, Pass"' in svg and 'aria-label="State Second, Succeed"' in svg
    edge_paths = re.findall(r"<path[^>]*react-flow__edge-path[^>]*>", svg)
    assert len(edge_paths) == 3  # Start -> A -> Second -> End
    assert all(re.search(r"stroke: rgb\(", path) for path in edge_paths), edge_paths
    download.value.save_as(screenshot_path("designer-export-graph.svg"))
    with page.expect_download() as download:
        toolbar.get_by_role("button", name="Export graph as PNG").click()
    download.value.save_as(screenshot_path("designer-export-graph.png"))
    png = open(download.value.path(), "rb").read(24)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # (the IHDR chunk; pixel ratio 2, 24 px padding each side)
    assert abs(width - 2 * (graph_size["width"] + 48)) <= 4 and abs(height - 2 * (graph_size["height"] + 48)) <= 4, \
        (width, height, graph_size)
    expect(viewport).to_have_attribute("style", re.compile(re.escape(transform)))  # the view is back as it was

    # Compare the two revisions side by side.
    toolbar.get_by_role("button", name="Compare revisions").click()
    diff = page.get_by_role("region", name="Compare revisions")
    expect(diff.get_by_label("Older revision")).to_be_visible()
    expect(diff.locator(".cm-mergeView")).to_be_visible()
    expect(diff.locator(".cm-changedLine").first).to_be_visible()
    screenshot(page, "designer-code-diff")

    # Leaving with unsaved changes asks first.
    replace_code(page, json.dumps(ONE_STATE, indent=2))
    expect(toolbar.get_by_text("Unsaved changes")).to_be_visible()
    # The exports are of what the designer holds, saved or not (and nothing is saved by them).
    with page.expect_download() as download:
        toolbar.get_by_role("button", name="Export JSON").click()
    assert download.value.suggested_filename == "CodeDemo.asl.json"
    assert json.loads(open(download.value.path()).read()) == ONE_STATE
    with page.expect_download() as download:
        toolbar.get_by_role("button", name="Export YAML").click()
    assert download.value.suggested_filename == "CodeDemo.asl.yaml"
    assert yaml.safe_load(open(download.value.path()).read()) == ONE_STATE
    assert json.loads(page.request.get("/api/state-machines/CodeDemo/").json()["definition"]) == TWO_STATES
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.problems == []
