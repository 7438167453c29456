"""The designer's canvas in a real browser: nested Parallel / Map groups drawn from an imported definition, and a
workflow built from nothing by dragging from the palette, connecting, renaming, undoing and redoing, then saved and
read back through the REST API (definition and layout record)."""
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from designer.accounts import permissions
from tests.browser.conftest import screenshot
from tests.browser.designer_helpers import graph, make_machine, make_user, pairs, save_revision, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
NESTED = ROOT / "frontend" / "corpus" / "062-parallel-in-map-in-parallel.asl.json"
BLANK = ROOT / "designer" / "templates_library" / "blank.asl.json"


def _open(new_page, django_user_model, machine, permission):
    """Dana, with `permission` on `machine`, on its design page (script and console errors in page.problems)."""
    page = signed_in_page(new_page, make_user(django_user_model, machine, "dana", permission))
    page.goto(f"/machines/{machine.name}/design/")
    expect(graph(page, machine.name)[0]).to_be_visible()
    return page


def _box(locator):
    box = locator.bounding_box()
    assert box is not None
    return box


def _inside(inner, outer) -> bool:
    return (outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
            and outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1)


def test_nested_parallel_in_map_in_parallel_is_drawn_as_nested_groups(new_page, django_user_model):
    machine = make_machine("Nested", NESTED.read_text())
    page = _open(new_page, django_user_model, machine, permissions.VIEW)
    canvas, group = graph(page, "Nested")
    chain = [group("State Top fan-out, Parallel"), group("Branch 1 of Top fan-out"),
             group("State For each order, Map"), group("Item processor of For each order"),
             group("State Order checks, Parallel"), group("Branch 1 of Order checks"),
             group("State Check credit, Task")]
    for outer, inner in zip(chain, chain[1:]):
        expect(inner).to_be_visible()
        assert _inside(_box(inner), _box(outer))
    expect(group("Branch 2 of Top fan-out")).to_be_visible()
    assert _inside(_box(group("State Audit log, Pass")), _box(group("Branch 2 of Top fan-out")))
    assert not _inside(_box(group("State Finish, Succeed")), _box(chain[0]))
    # Every scope has its own Start: the machine, two branches, the processor, two inner branches.
    expect(canvas.get_by_role("img", name=re.compile(r"^Start of "))).to_have_count(6)
    expect(canvas.get_by_role("img", name="Start of the item processor of For each order")).to_be_visible()
    # 6 Start edges, 2 Next (Top fan-out -> Finish, Order checks -> Order checked), 6 to an End marker.
    expect(canvas.locator(".react-flow__edge")).to_have_count(14)
    screenshot(page, "designer-nested-groups")
    assert page.problems == []


def _settled_box(page, locator):
    """The bounding box once it stops moving: after a drop or a Fit View the layout (elk, asynchronous) and the
    viewport may still be changing, and on a busy machine a drag aimed at the old place misses its handle."""
    box = _box(locator)
    for _ in range(50):
        page.wait_for_timeout(100)
        again = _box(locator)
        if again == box:
            return box
        box = again
    return box


def _drag(page, source, target) -> None:
    """A pointer drag in small steps, as React Flow's connection line follows the mouse."""
    start, end = _settled_box(page, source), _settled_box(page, target)
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
    page.mouse.up()


def test_a_workflow_built_from_nothing(new_page, django_user_model):
    machine = make_machine("Blank", BLANK.read_text())
    page = _open(new_page, django_user_model, machine, permissions.EDIT)
    canvas, node = graph(page, machine.name)
    expect(node("State Start, Pass")).to_be_visible()
    pane = canvas.locator(".react-flow__pane")
    box = _box(pane)

    # Drag a Pass and an HTTP task from the palette onto empty parts of the canvas.
    palette = page.get_by_role("navigation", name="Palette")
    palette.get_by_role("button", name="Add Pass state").drag_to(pane, target_position={"x": 120, "y": 80})
    expect(node("State Pass, Pass")).to_be_visible()
    palette.get_by_role("button", name="Add HTTP task").drag_to(pane, target_position={"x": 120, "y": box["height"] - 120})
    expect(node("State HTTP, Task")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="states")).to_have_text("3 states")
    canvas.get_by_role("button", name="Fit View").click()

    # Connect Start -> Pass -> HTTP, each from its Next handle.
    _drag(page, canvas.get_by_label("Next of Start", exact=True), canvas.get_by_label("Into Pass", exact=True))
    _drag(page, canvas.get_by_label("Next of Pass", exact=True), canvas.get_by_label("Into HTTP", exact=True))
    expect(canvas.get_by_role("group", name="Next", exact=True)).to_have_count(2)

    # Rename the HTTP task (double-click, type, Enter); undo and redo with the keyboard.
    node("State HTTP, Task").dblclick()  # selects it and its name in the edit bar
    expect(page.get_by_label("State name")).to_be_focused()
    page.keyboard.type("Call API")
    page.keyboard.press("Enter")
    expect(node("State Call API, Task")).to_be_visible()
    pane.click(position={"x": 20, "y": 20})  # the canvas has the focus, not the name field
    page.keyboard.press("Control+z")
    expect(node("State HTTP, Task")).to_be_visible()
    expect(node("State Call API, Task")).to_have_count(0)
    page.keyboard.press("Control+Shift+z")
    expect(node("State Call API, Task")).to_be_visible()
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+y")
    expect(node("State Call API, Task")).to_be_visible()
    screenshot(page, "designer-built-from-nothing")

    # Save: a new revision whose definition is exactly what was drawn, in the order it was drawn.
    api = f"/api/state-machines/{machine.name}/"
    before = page.request.get(api).json()["revision_id"]
    page.get_by_role("toolbar", name="Definition").get_by_role("button", name="Save").click()
    expected = {
        "Comment": "A new workflow: one Pass state to start from.",
        "StartAt": "Start",
        "States": {
            "Start": {"Type": "Pass", "Next": "Pass"},
            "Pass": {"Type": "Pass", "Next": "Call API"},
            "Call API": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                         "Parameters": {"ApiEndpoint": "/", "Method": "GET",
                                        "Authentication": {"ConnectionArn": "my-api"}},
                         "End": True},
        },
    }
    for _ in range(50):
        answer = page.request.get(api).json()
        if answer["revision_id"] != before:
            break
        page.wait_for_timeout(100)
    assert pairs(answer["definition"]) == pairs(json.dumps(expected))

    # Positions went to the layout record (the rename followed), never into the ASL.
    for _ in range(50):
        positions = page.request.get(f"{api}layout/").json()["positions"]
        if "/States/Call API" in positions:
            break
        page.wait_for_timeout(100)
    assert set(positions) == {"/States/Pass", "/States/Call API"}
    assert "x" not in json.loads(answer["definition"])["States"]["Pass"]

    # Reloaded, the drawing is the same.
    page.reload()
    for label in ("State Start, Pass", "State Pass, Pass", "State Call API, Task"):
        expect(node(label)).to_be_visible()
    assert page.problems == []


def test_insert_on_an_edge_duplicate_delete_catch_and_move(new_page, django_user_model):
    machine = make_machine("Edits", BLANK.read_text())
    page = _open(new_page, django_user_model, machine, permissions.EDIT)
    canvas, node = graph(page, machine.name)
    edit = page.get_by_role("toolbar", name="Edit")
    palette = page.get_by_role("navigation", name="Palette")
    expect(node("State Start, Pass")).to_be_visible()

    # A Wait dropped on the edge from Start: StartAt now leads to it, and it continues to the old target.
    start_edge = _box(canvas.get_by_role("group", name="Start", exact=True))
    pane = canvas.locator(".react-flow__pane")
    pane_box = _box(pane)
    palette.get_by_role("button", name="Add Wait state").drag_to(pane, target_position={
        "x": start_edge["x"] + start_edge["width"] / 2 - pane_box["x"],
        "y": start_edge["y"] + start_edge["height"] / 2 - pane_box["y"]})
    expect(node("State Wait, Wait")).to_be_visible()
    expect(canvas.get_by_role("group", name="Next", exact=True)).to_have_count(1)  # Wait -> Start

    # Duplicate, then delete the copy with the Delete key.
    node("State Start, Pass").click()
    edit.get_by_role("button", name="Duplicate").click()
    expect(node("State Start copy, Pass")).to_be_visible()
    node("State Start copy, Pass").click()
    page.keyboard.press("Delete")
    expect(node("State Start copy, Pass")).to_have_count(0)

    # Pressed palette items add states too; a Catch dragged from a Task's Catch handle.
    palette.get_by_role("button", name="Add Fail state").click()
    palette.get_by_role("button", name="Add HTTP task").click()
    canvas.get_by_role("button", name="Fit View").click()
    _drag(page, canvas.get_by_label("Catch of HTTP", exact=True), canvas.get_by_label("Into Fail", exact=True))
    expect(canvas.get_by_role("group", name="Catch: States.ALL", exact=True)).to_be_visible()
    _drag(page, canvas.get_by_label("Next of Start", exact=True), canvas.get_by_label("Into HTTP", exact=True))
    expect(canvas.get_by_role("group", name="Next", exact=True)).to_have_count(2)

    # A Delete button too: a state added and removed again.
    palette.get_by_role("button", name="Add Succeed state").click()
    expect(node("State Succeed, Succeed")).to_be_visible()
    node("State Succeed, Succeed").click()
    edit.get_by_role("button", name="Delete").click()
    expect(node("State Succeed, Succeed")).to_have_count(0)

    # Dragging a node saves its position in the layout record.
    wait = _box(node("State Wait, Wait"))
    page.mouse.move(wait["x"] + 30, wait["y"] + 20)
    page.mouse.down()
    page.mouse.move(wait["x"] + 90, wait["y"] + 40, steps=8)
    page.mouse.up()
    api = f"/api/state-machines/{machine.name}/"
    for _ in range(50):
        positions = page.request.get(f"{api}layout/").json()["positions"]
        if "/States/Wait" in positions:
            break
        page.wait_for_timeout(100)
    assert "/States/Wait" in positions
    moved = _box(node("State Wait, Wait"))
    assert moved["x"] - wait["x"] > 30  # (less the drag threshold)
    # A move is undone like any edit.
    pane.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    for _ in range(50):
        if abs(_box(node("State Wait, Wait"))["x"] - wait["x"]) < 3:
            break
        page.wait_for_timeout(100)
    assert abs(_box(node("State Wait, Wait"))["x"] - wait["x"]) < 3
    page.keyboard.press("Control+Shift+z")
    for _ in range(50):
        if _box(node("State Wait, Wait"))["x"] - wait["x"] > 30:
            break
        page.wait_for_timeout(100)
    screenshot(page, "designer-edits")
    # Reset layout forgets the dragged position: the automatic place again, and the layout record empties.
    edit.get_by_role("button", name="Reset layout").click()
    for _ in range(50):
        if abs(_box(node("State Wait, Wait"))["x"] - wait["x"]) < 3:
            break
        page.wait_for_timeout(100)
    assert abs(_box(node("State Wait, Wait"))["x"] - wait["x"]) < 3
    expect(edit.get_by_role("button", name="Reset layout")).to_be_disabled()
    for _ in range(50):
        if page.request.get(f"{api}layout/").json()["positions"] == {}:
            break
        page.wait_for_timeout(100)
    assert page.request.get(f"{api}layout/").json()["positions"] == {}

    save_revision(page)
    saved = page.request.get(api).json()["definition"]
    assert pairs(saved) == pairs(json.dumps({
        "Comment": "A new workflow: one Pass state to start from.",
        "StartAt": "Wait",
        "States": {
            "Start": {"Type": "Pass", "Next": "HTTP"},
            "Wait": {"Type": "Wait", "Seconds": 10, "Next": "Start"},
            "Fail": {"Type": "Fail", "Error": "Failed", "Cause": "Describe what went wrong"},
            "HTTP": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                     "Parameters": {"ApiEndpoint": "/", "Method": "GET", "Authentication": {"ConnectionArn": "my-api"}},
                     "End": True, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fail"}]},
        },
    }))
    assert page.problems == []


def test_a_state_dropped_into_a_parallel_branch_joins_it(new_page, django_user_model):
    machine = make_machine("Groups", BLANK.read_text())
    page = _open(new_page, django_user_model, machine, permissions.EDIT)
    canvas, node = graph(page, machine.name)
    palette = page.get_by_role("navigation", name="Palette")
    palette.get_by_role("button", name="Add Parallel state").click()
    expect(node("Branch 2 of Parallel")).to_be_visible()
    canvas.get_by_role("button", name="Fit View").click()

    branch = node("Branch 2 of Parallel")
    palette.get_by_role("button", name="Add Pass state").drag_to(branch, target_position={"x": 10, "y": 10})
    expect(node("State Pass, Pass")).to_be_visible()
    canvas.get_by_role("button", name="Fit View").click()
    assert _inside(_box(node("State Pass, Pass")), _box(branch))  # the branch grew to hold it
    assert _inside(_box(branch), _box(node("State Parallel, Parallel")))
    # (the code view is the other tab: hidden, still there)
    expect(page.get_by_role("textbox", name="Definition (ASL JSON)", include_hidden=True)).to_contain_text('"Pass": {')
    screenshot(page, "designer-drop-into-branch")
    assert page.problems == []
