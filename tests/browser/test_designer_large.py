"""A large machine in the designer: drawn at once with a provisional layout while elk works, usable meanwhile (a
state selected then stays selected when elk's layout replaces it), and, opened again in the same browser, drawn
straight from the layout stored by the first visit (no provisional layout, no elk). Exported as SVG, it holds every
state, not only those the canvas draws in view."""
import json
import re

import pytest
from playwright.sync_api import expect

from bench.designer_machines import count_states, machine_definition
from tests.browser.conftest import log_in, screenshot
from tests.browser.designer_helpers import make_machine, make_user, password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKS = "() => performance.getEntries().filter(e => e.name.startsWith('designer:')).map(e => e.name)"


def test_a_large_machine_is_usable_before_elk_and_laid_out_once(browser, live_server_url, django_user_model):
    lars = make_user(django_user_model, make_machine("Large", machine_definition(400)), "lars")
    context = browser.new_context(base_url=live_server_url, viewport={"width": 1600, "height": 1000})
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        log_in(page, lars, password("lars"))
        page.goto("/machines/Large/design/")
        canvas = page.get_by_role("application", name="Graph of Large")
        frame = page.locator(".designer__canvas")
        expect(frame).to_have_attribute("data-interactive", "true")
        arranging = page.get_by_role("status").filter(has_text="Arranging the graph")
        expect(arranging).to_be_visible()
        assert frame.get_attribute("data-ready") is None  # elk is still at work
        screenshot(page, "designer-large-provisional")

        # Usable meanwhile: a top-level state picked on the canvas (the view is fitted: a small one) is in the edit bar.
        ids = canvas.locator(".react-flow__node-state").evaluate_all("nodes => nodes.map(n => n.dataset.id)")
        picked = next(i for i in ids if i.count("/") == 2)
        name = picked.removeprefix("/States/")
        canvas.locator(f'.react-flow__node[data-id="{picked}"]').click()
        expect(page.get_by_role("textbox", name="State name")).to_have_value(name)

        # elk's layout replaces the provisional one; the selection stays.
        expect(frame).to_have_attribute("data-ready", "true")
        expect(arranging).to_have_count(0)
        expect(page.get_by_role("textbox", name="State name")).to_have_value(name)
        marks = page.evaluate(MARKS)
        assert {"designer:provisional", "designer:interactive", "designer:layout-end", "designer:ready"} <= set(marks)
        screenshot(page, "designer-large-elk")

        # The graph as SVG holds every state, those out of view too (the canvas draws only what is in view).
        drawn = canvas.locator(".react-flow__node-state").count()
        states = count_states(json.loads(machine_definition(400)))
        assert drawn < states
        with page.expect_download() as download:
            page.get_by_role("toolbar", name="Definition").get_by_role("button", name="Export graph as SVG").click()
        svg = open(download.value.path()).read()
        assert len(re.findall(r'aria-label="State [^"]*"', svg)) == states
        expect(canvas.locator(".react-flow__node-state")).to_have_count(drawn)  # (in view only, again)

        # A second visit: the stored layout, no provisional one.
        page.close()
        page = context.new_page()
        page.goto("/machines/Large/design/")
        frame = page.locator(".designer__canvas")
        expect(frame).to_have_attribute("data-ready", "true")
        marks = page.evaluate(MARKS)
        assert "designer:interactive" in marks and "designer:provisional" not in marks
        expect(page.get_by_role("status").filter(has_text="Arranging the graph")).to_have_count(0)
    finally:
        context.close()
