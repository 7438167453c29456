"""Edges on the canvas follow ELK's routes around the states between their ends, and, once a state is dragged
away from where ELK put it, its edges follow it from handle to handle."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.designer_helpers import graph, open_designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORDERS = (Path(__file__).resolve().parents[2] / "frontend" / "corpus" / "093-order-processing.asl.json").read_text()

# Points along an edge's path, in page coordinates.
SAMPLES = """(edge) => {
    const path = edge.querySelector('.react-flow__edge-path');
    const matrix = path.getScreenCTM(), length = path.getTotalLength();
    return Array.from({length: 201}, (_, i) => {
        const p = path.getPointAtLength(length * i / 200);
        return {x: matrix.a * p.x + matrix.c * p.y + matrix.e, y: matrix.b * p.x + matrix.d * p.y + matrix.f};
    });
}"""


def _inside(point: dict, box: dict, margin: float = 2) -> bool:
    return (box["x"] + margin < point["x"] < box["x"] + box["width"] - margin
            and box["y"] + margin < point["y"] < box["y"] + box["height"] - margin)


def _settled_box(page, locator) -> dict:
    box = locator.bounding_box()
    for _ in range(50):
        page.wait_for_timeout(100)
        again = locator.bounding_box()
        if again == box:
            return box
        box = again
    return box


def test_edges_go_around_the_states_between_and_follow_a_dragged_state(new_page, django_user_model):
    page = open_designer(new_page, django_user_model, "Orders", ORDERS, viewport={"width": 1600, "height": 1200})
    canvas, node = graph(page, "Orders")
    expect(page.locator(".designer__canvas")).to_have_attribute("data-ready", "true")
    default = canvas.get_by_role("group", name="Default", exact=True)
    catch = canvas.get_by_role("group", name="Catch: Payment.Declined", exact=True)
    charge = _settled_box(page, node("State Charge payment, Task"))
    rejected = _settled_box(page, node("State Order rejected, Fail"))

    # The Choice's Default goes down to "Order rejected", right of "Charge payment", not behind it (a path drawn
    # straight down from the Default handle would be); so does nothing else.
    for edge in (default, catch):
        points = edge.evaluate(SAMPLES)
        assert not any(_inside(point, charge) for point in points)
        assert abs(points[-1]["y"] - rejected["y"]) < 12  # it ends at the top of "Order rejected"
    for edge in canvas.locator(".react-flow__edge").all():
        for name in ("Validate order, Task", "Ship order, Task"):
            box = node(f"State {name}").bounding_box()
            assert not any(_inside(point, box) for point in edge.evaluate(SAMPLES)), (edge.get_attribute("aria-label"), name)
    screenshot(page, "designer-routes")

    # "Order rejected" dragged to the left: its edges end at its new place, not along ELK's old route.
    page.mouse.move(rejected["x"] + 40, rejected["y"] + 20)
    page.mouse.down()
    page.mouse.move(rejected["x"] - 60, rejected["y"] + 140, steps=8)
    page.mouse.up()
    moved = _settled_box(page, node("State Order rejected, Fail"))
    assert moved["y"] > rejected["y"] + 100
    for edge in (default, catch):
        end = edge.evaluate(SAMPLES)[-1]
        assert abs(end["y"] - moved["y"]) < 12 and moved["x"] < end["x"] < moved["x"] + moved["width"], (end, moved)
    screenshot(page, "designer-routes-dragged")
    assert page.problems == []
