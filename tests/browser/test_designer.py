"""The designer's first render in a real browser: the demo workflow (manage.py loaddemo) opened from its machine page
shows every state as a node, its transitions as edges, and the canvas controls, under the site's strict CSP."""
import io
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from designer.accounts import permissions
from designer.management.commands.loaddemo import DEMO
from designer.models import StateMachine
from tests.browser.conftest import log_in, screenshot, watch_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_workflow_opens_in_the_designer(new_page, django_user_model):
    call_command("loaddemo", stdout=io.StringIO())
    machine = StateMachine.objects.get(name="OrderDemo")
    vera = django_user_model.objects.create_user("vera", password="vera-pass-1234")
    permissions.grant(machine, permissions.VIEW, user=vera)
    definition = json.loads(DEMO.read_text())
    states = {name: state for scope in _scopes(definition) for name, state in scope["States"].items()}

    page = new_page()
    problems = watch_errors(page)
    log_in(page, vera, "vera-pass-1234")
    page.goto("/machines/OrderDemo/")
    page.get_by_role("link", name="Design").click()
    expect(page).to_have_url(re.compile(r"/machines/OrderDemo/design/$"))

    canvas = page.get_by_role("application", name="Graph of OrderDemo")
    expect(canvas).to_be_visible()
    for name, state in states.items():
        expect(canvas.get_by_role("group", name=f"State {name}, {state['Type']}", exact=True)).to_be_visible()
    expect(canvas.get_by_role("img", name="Start of the workflow")).to_be_visible()
    expect(canvas.get_by_role("img", name="End of the workflow")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(f"{len(states)} states")
    expect(page.get_by_text("View only")).to_be_visible()  # vera may view, not edit

    # Each scope's Start, each Next / Default / Choice rule / Catch, and an edge to End from each Succeed and Fail
    # state (or End: true), in the machine and in each Parallel branch.
    transitions = len(_scopes(definition)) + sum(
        ("Next" in state) + ("Default" in state) + len(state.get("Choices", [])) + len(state.get("Catch", []))
        + (state["Type"] in ("Succeed", "Fail") or bool(state.get("End")))
        for state in states.values())
    expect(canvas.locator(".react-flow__edge")).to_have_count(transitions)
    expect(canvas.locator(".react-flow__edge.edge-catch")).to_have_count(1)
    expect(canvas.locator(".react-flow__edge.edge-default")).to_have_count(2)
    expect(canvas.get_by_role("img", name="Mini Map")).to_be_visible()
    for control in ("Zoom In", "Zoom Out", "Fit View"):
        expect(canvas.get_by_role("button", name=control)).to_be_visible()

    # Fit view: every node lies inside the canvas.
    box = canvas.bounding_box()
    for name, state in states.items():
        node = canvas.get_by_role("group", name=f"State {name}, {state['Type']}", exact=True).bounding_box()
        assert box["x"] <= node["x"] and node["x"] + node["width"] <= box["x"] + box["width"] + 1, name
        assert box["y"] <= node["y"] and node["y"] + node["height"] <= box["y"] + box["height"] + 1, name

    screenshot(page, "designer-first-render")
    assert problems == []  # no script error, no CSP violation


def _scopes(scope: dict) -> list[dict]:
    """The machine and every Parallel branch and Map processor in it, depth first."""
    found = [scope]
    for state in scope["States"].values():
        for child in state.get("Branches", []) + [state[key] for key in ("ItemProcessor", "Iterator") if key in state]:
            found += _scopes(child)
    return found
