"""Reopening a saved draft: the designer offers your draft when it is newer than the current revision; opening
it loads it into the code view and the canvas (one undo step back to the revision), discarding deletes it; a
draft a later save overtook is not offered."""
import datetime
import json

import pytest
from playwright.sync_api import expect

from designer import drafts
from designer.models import StateMachineDraft
from tests.browser.conftest import screenshot
from tests.browser.designer_helpers import graph, make_machine, make_user, replace_code, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
# Invalid (a Next to no state), so it could only be kept as a draft.
DRAFT = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Later"}, "Work": {"Type": "Wait", "Seconds": 5,
                                                                                      "End": True}}}


@pytest.fixture
def machine_and_page(new_page, django_user_model):
    machine = make_machine("Drafty", SAVED)
    edna = make_user(django_user_model, machine)
    return machine, edna, signed_in_page(new_page, edna, console_errors=False)


def test_a_newer_draft_is_offered_opened_and_discarded(machine_and_page):
    machine, edna, page = machine_and_page
    drafts.save_draft(machine, edna, json.dumps(DRAFT, indent=2))
    page.goto("/machines/Drafty/design/")
    _, node = graph(page, "Drafty")
    editor = page.get_by_role("textbox", name="Definition (ASL JSON)", include_hidden=True)  # (in the Code tab)
    toolbar = page.get_by_role("toolbar", name="Definition")
    offer = page.get_by_role("region", name="Unsaved draft")
    expect(offer).to_contain_text("You have an unsaved draft from")
    expect(node("State A, Pass")).to_be_visible()
    expect(node("State Work, Wait")).to_have_count(0)  # the revision until the draft is opened
    screenshot(page, "designer-draft-reopen")

    offer.get_by_role("button", name="Open draft").click()
    expect(offer).to_have_count(0)
    expect(node("State Work, Wait")).to_be_visible()
    expect(editor).to_contain_text('"Seconds": 5')
    expect(toolbar.get_by_role("status")).to_contain_text("Opened your draft")
    expect(toolbar.get_by_role("button", name="Save")).to_be_enabled()
    expect(toolbar.get_by_text("Unsaved changes")).to_have_count(0)  # it is kept as the draft
    # The draft's diagnostics (from the draft itself): the Next to no state.
    expect(node("State A, Pass").get_by_role("img", name="1 problem")).to_be_visible()
    screenshot(page, "designer-draft-opened")
    # One undo step back to the revision.
    page.get_by_role("toolbar", name="Edit").get_by_role("button", name="Undo").click()
    expect(node("State Work, Wait")).to_have_count(0)
    expect(editor).not_to_contain_text('"Seconds": 5')

    # Still there on the next visit; this time discarded.
    page.goto("/machines/Drafty/design/")
    offer.get_by_role("button", name="Discard draft").click()
    expect(offer).to_have_count(0)
    expect(page.get_by_role("toolbar", name="Definition").get_by_role("status")).to_have_text("Draft discarded")
    assert not StateMachineDraft.objects.filter(state_machine=machine).exists()
    expect(node("State A, Pass")).to_be_visible()
    page.reload()
    expect(node("State A, Pass")).to_be_visible()
    expect(offer).to_have_count(0)
    assert page.problems == []


def test_a_draft_older_than_the_current_revision_is_not_offered(machine_and_page):
    machine, edna, page = machine_and_page
    drafts.save_draft(machine, edna, json.dumps(DRAFT, indent=2))
    StateMachineDraft.objects.filter(state_machine=machine).update(
        updated_at=machine.revision.created_at - datetime.timedelta(minutes=5))
    page.goto("/machines/Drafty/design/")
    _, node = graph(page, "Drafty")
    expect(node("State A, Pass")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("region", name="Unsaved draft")).to_have_count(0)
    assert StateMachineDraft.objects.filter(state_machine=machine).exists()  # not ours to delete
    assert page.problems == []


def test_opening_the_draft_over_changes_made_on_the_page_asks_first(machine_and_page):
    machine, edna, page = machine_and_page
    drafts.save_draft(machine, edna, json.dumps(DRAFT, indent=2))
    page.goto("/machines/Drafty/design/")
    offer = page.get_by_role("region", name="Unsaved draft")
    expect(offer).to_contain_text("You have an unsaved draft from")
    page.get_by_role("tab", name="Code").click()
    editor = page.get_by_role("textbox", name="Definition (ASL JSON)")
    replace_code(page, json.dumps({"StartAt": "Typed", "States": {"Typed": {"Type": "Succeed"}}}))

    offer.get_by_role("button", name="Open draft").click()
    expect(offer).to_contain_text("Opening it replaces the changes you made on this page.")
    expect(editor).to_contain_text('"Typed"')  # nothing replaced yet
    screenshot(page, "designer-draft-replace-confirm")
    offer.get_by_role("button", name="Replace my changes").click()
    expect(offer).to_have_count(0)
    expect(editor).to_contain_text('"Seconds": 5')
    assert page.problems == []


def test_a_draft_that_cannot_be_loaded_is_said_not_hidden(machine_and_page):
    machine, edna, page = machine_and_page
    drafts.save_draft(machine, edna, json.dumps(DRAFT, indent=2))
    page.route("**/api/state-machines/Drafty/draft/", lambda route: route.fulfill(
        status=500, content_type="application/json", body='{"code": "InternalError", "message": "Server Error"}'))
    page.goto("/machines/Drafty/design/")
    alert = page.get_by_role("region", name="Unsaved draft").get_by_role("alert")
    expect(alert).to_contain_text("Your saved draft of this machine could not be loaded")
    screenshot(page, "designer-draft-load-error")
