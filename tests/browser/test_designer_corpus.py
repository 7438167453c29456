"""The round-trip corpus in the running designer (issue 6, item 5): every definition in frontend/corpus/ pasted into
the code view, drawn on the canvas (its states counted), and the text the app writes back after a canvas edit and
its undo (the document exported again, by code/bridge.ts) compared with the file: the same values, keys in the
same order, numbers as written. The text is read as a user would take it: select all in the code view, copy.
The paste goes through the clipboard too (CodeMirror takes a pasted text in one change; typing 100 kB does not
finish in time). One page for the whole corpus: about a minute.

The toolbar's Export JSON downloads this same text (the server hands it back as is; test_designer_code.py checks
an unsaved one); copying it is quicker than a download per file."""
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, watch_errors
from tests.browser.designer_helpers import make_machine, make_user, pairs, password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORPUS = sorted((Path(__file__).resolve().parents[2] / "frontend" / "corpus").glob("*.asl.json"))


def _states(n: int) -> str:
    """The designer's status line for n states."""
    return "1 state" if n == 1 else f"{n} states"


def _count_states(scope: dict) -> int:
    count = 0
    for state in scope.get("States", {}).values():
        count += 1
        for branch in state.get("Branches", []):
            count += _count_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                count += _count_states(state[key])
    return count


def test_every_corpus_definition_round_trips_through_the_designer(browser, live_server_url, django_user_model):
    assert len(CORPUS) >= 130
    edna = make_user(django_user_model, make_machine("Corpus", CORPUS[0].read_text()))
    context = browser.new_context(base_url=live_server_url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server_url)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        errors = watch_errors(page, console=False)
        log_in(page, edna, password("edna"))
        page.goto("/machines/Corpus/design/")
        expect(page.get_by_role("application", name="Graph of Corpus")).to_be_visible()
        page.get_by_role("tab", name="Code").click()
        editor = page.get_by_role("textbox", name="Definition (ASL JSON)")
        count = page.get_by_role("status").filter(has_text=re.compile(r"^\d+ states?$"))
        add_pass = page.get_by_role("navigation", name="Palette").get_by_role("button", name="Add Pass state")

        def copied() -> str:
            editor.focus()
            page.keyboard.press("Control+a")
            page.keyboard.press("Control+c")
            return page.evaluate("navigator.clipboard.readText()")

        mismatches, rewritten = [], 0
        for path in CORPUS:
            text = path.read_text()
            states = _count_states(json.loads(text))
            page.evaluate("text => navigator.clipboard.writeText(text)", text)
            editor.focus()
            page.keyboard.press("Control+a")
            page.keyboard.press("Control+v")
            expect(count).to_have_text(_states(states))  # the pasted text's document
            add_pass.focus()
            page.keyboard.press("Enter")  # a canvas edit: the text becomes the edited document's export
            expect(count).to_have_text(_states(states + 1))
            page.keyboard.press("Control+z")  # and back: the text is the export of the document the paste made
            expect(count).to_have_text(_states(states))
            exported = copied()
            rewritten += exported != text
            if pairs(exported) != pairs(text):
                mismatches.append(path.name)
        assert mismatches == []
        # The text compared is the designer's export, not the pasted text left in place: files written more
        # compactly than the designer writes (one-line objects) come back laid out its way.
        assert rewritten > 10
        assert errors == []
    finally:
        context.close()
