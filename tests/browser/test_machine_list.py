"""The machine list in a real browser: carla (may create machines) pastes a definition that the validator refuses,
sees why with her text still there, fixes it, and lands in the designer on the new machine; then she creates
one from a template. No script runs on the list page; the site's CSP stays quiet."""
import json
import re
import time

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from designer.accounts import permissions
from designer.models import StateMachine
from designer.templates_library import templates
from executions import services
from executions.models import Execution
from tests.browser.conftest import log_in, screenshot, watch_errors
from tests.executions.runtime import make_machine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORDERS = {"StartAt": "Take", "States": {"Take": {"Type": "Pass", "End": True}}}
INVALID = '{\n  "StartAt": "Check",\n  "States": {\n    "Check": {"Type": "Pass"}\n  }\n}'
VALID = ('{\n  "Comment": "Imported by pasting",\n  "StartAt": "Check",\n  "States": {\n'
         '    "Check": {"Type": "Pass", "Result": {"limit": 1.50}, "Next": "Done"},\n'
         '    "Done": {"Type": "Succeed"}\n  }\n}')


def wait_until_ended(execution: Execution, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        execution.refresh_from_db(fields=["status"])
        if execution.status != Execution.RUNNING:
            return
        time.sleep(0.2)
    raise AssertionError(f"{execution.name} still runs after {seconds} s")


def test_import_a_definition_and_create_from_a_template(new_page, django_user_model):
    carla = django_user_model.objects.create_user("carla", password="carla-pass-1234")
    carla.user_permissions.add(Permission.objects.get(content_type__app_label="accounts",
                                                      codename="create_statemachine"))
    orders = make_machine(ORDERS, name="Orders")
    permissions.grant(orders, permissions.ADMIN, user=carla)
    wait_until_ended(services.start_execution(orders, input="{}", name="morning", started_by=carla))

    page = new_page()
    problems = watch_errors(page)
    log_in(page, carla, "carla-pass-1234")
    page.goto("/machines/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Orders", exact=True))
    expect(row.get_by_role("link", name="SUCCEEDED")).to_have_attribute("href", re.compile(r"/executions/\d+/$"))
    expect(row.get_by_role("link", name="Design")).to_have_attribute("href", "/machines/Orders/design/")
    screenshot(page, "machine-list-overview")

    # An invalid definition: the validator's diagnostics on the form, the pasted text kept, nothing created.
    importer = page.get_by_role("region", name="Import ASL")
    importer.get_by_label("Name", exact=True).fill("Imported")
    importer.get_by_label("Definition", exact=True).fill(INVALID)
    importer.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was created")
    expect(importer.get_by_text("SCHEMA_VALIDATION_FAILED at /States/Check")).to_be_visible()
    expect(importer.get_by_label("Definition", exact=True)).to_have_value(INVALID)
    expect(importer.get_by_label("Definition", exact=True)).to_be_focused()
    expect(importer.get_by_label("Name", exact=True)).to_have_value("Imported")
    screenshot(page, "machine-list-import-error")

    importer.get_by_label("Definition", exact=True).fill(VALID)
    importer.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/machines/Imported/design/$"))
    canvas = page.get_by_role("application", name="Graph of Imported")
    expect(canvas.get_by_role("group", name="State Check, Pass", exact=True)).to_be_visible()
    expect(canvas.get_by_role("group", name="State Done, Succeed", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Created Imported.")).to_be_visible()
    screenshot(page, "machine-list-imported-in-designer")
    assert StateMachine.objects.get(name="Imported").definition == VALID

    page.goto("/machines/")
    chooser = page.get_by_role("region", name="From a template")
    offered = [t for t in templates() if t.id != "blank"]
    expect(chooser.get_by_role("radio")).to_have_count(len(offered))
    for template in offered:
        expect(chooser.get_by_role("radio", name=template.name, exact=True)).to_have_accessible_description(
            template.description)
    chooser.get_by_role("radio", name="Map over items").check()
    chooser.get_by_label("Name", exact=True).fill("Items")
    screenshot(page, "machine-list-template")
    chooser.get_by_role("button", name="Create from template").click()
    expect(page).to_have_url(re.compile(r"/machines/Items/design/$"))
    canvas = page.get_by_role("application", name="Graph of Items")
    map_items = json.loads(next(t for t in offered if t.id == "map-items").definition)
    for name, state in map_items["States"].items():
        expect(canvas.get_by_role("group", name=f"State {name}, {state['Type']}", exact=True)).to_be_visible()

    page.goto("/machines/")
    expect(page.locator("table.machines tbody tr")).to_have_count(3)
    for name in ("Imported", "Items"):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
        expect(row).to_contain_text("never run")
    screenshot(page, "machine-list-after")
    # Besides the 400 that answered the refused import (the form shown again), no error and no CSP violation.
    assert [p for p in problems if "status of 400" not in p] == [] and len(problems) == 1

    # A file far past the request limit is refused at the door, with a page that says so.
    importer = page.get_by_role("region", name="Import ASL")
    importer.get_by_label("Name", exact=True).fill("Huge")
    importer.get_by_label("Or upload a file").set_input_files(
        {"name": "huge.json", "mimeType": "application/json", "buffer": b" " * (5 * 1024 * 1024)})
    importer.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="The request is too large")).to_be_visible()
