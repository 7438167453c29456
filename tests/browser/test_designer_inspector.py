"""The designer's inspector in a real browser: a state selected on the graph, its fields filled in the forms (a
timeout, a comment, Parameters as JSON with a parse error first, ResultPath, Next -> End, a rename), the code view
following, the machine's own fields, Save, a reload that shows the same values, and the export compared with the
expected definition key by key (fields no form edits, such as Retry and Catch, survive in their places). A viewer
sees the same forms disabled."""
import json

import pytest
from playwright.sync_api import expect

from designer.accounts import permissions
from tests.browser.conftest import screenshot
from tests.browser.designer_helpers import commit, graph, open_designer, pairs, replace_code, save_revision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORDERS = {
    "Comment": "Orders",
    "StartAt": "Fetch order",
    "States": {
        "Fetch order": {
            "Type": "Task",
            "Resource": "arn:aws:states:::http:invoke",
            "Parameters": {"ApiEndpoint": "/orders", "Method": "GET", "Authentication": {"ConnectionArn": "orders-api"}},
            "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2}],
            "Next": "Check",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
        },
        "Check": {"Type": "Pass", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


WIDE = {"width": 1400, "height": 1000}  # (room for the forms in the screenshots)


def _open(new_page, django_user_model, permission, username="ines"):
    page = open_designer(new_page, django_user_model, "Orders", ORDERS, username=username, permission=permission,
                         viewport=WIDE)
    expect(page.get_by_role("application", name="Graph of Orders")).to_be_visible()
    return page


def test_edit_a_state_in_the_inspector_save_reload_and_export(new_page, django_user_model):
    page = _open(new_page, django_user_model, permissions.EDIT)
    _, node = graph(page, "Orders")
    tabs = page.get_by_role("tablist", name="Details")
    inspector_tab, code_tab = tabs.get_by_role("tab", name="Inspector"), tabs.get_by_role("tab", name="Code")
    expect(inspector_tab).to_have_attribute("aria-selected", "true")
    inspector = page.get_by_role("tabpanel", name="Inspector")
    # (the code editor, hidden while the Inspector tab is shown, is still there)
    code = page.get_by_role("textbox", name="Definition (ASL JSON)", include_hidden=True)

    # Nothing selected: the machine's own fields, each commit its own undo step.
    expect(inspector).to_have_attribute("tabindex", "0")  # (a tab panel takes the focus)
    expect(inspector.get_by_role("heading", name="State machine")).to_be_visible()
    expect(inspector.get_by_label("Comment")).to_have_value("Orders")
    expect(inspector.get_by_label("StartAt")).to_have_value("Fetch order")
    commit(inspector.get_by_label("Comment"), "Orders, soon")
    commit(inspector.get_by_label("TimeoutSeconds"), "3600")
    page.get_by_role("toolbar", name="Edit").get_by_role("button", name="Undo").click()
    expect(inspector.get_by_label("TimeoutSeconds")).to_have_value("")
    expect(inspector.get_by_label("Comment")).to_have_value("Orders, soon")  # (not joined with the TimeoutSeconds edit)
    page.get_by_role("toolbar", name="Edit").get_by_role("button", name="Undo").click()
    expect(inspector.get_by_label("Comment")).to_have_value("Orders")
    commit(inspector.get_by_label("TimeoutSeconds"), "3600.0")
    expect(inspector.get_by_label("TimeoutSeconds")).to_have_attribute("aria-invalid", "true")
    commit(inspector.get_by_label("TimeoutSeconds"), "3600")

    # A Task: its Configuration, Input, Output and Error handling groups.
    node("State Fetch order, Task").click()
    expect(inspector.get_by_role("heading", name="State Fetch order")).to_be_visible()
    for group in ("Configuration", "Input", "Output", "Error handling"):
        expect(inspector.get_by_role("button", name=group)).to_have_attribute("aria-expanded", "true")
    config = inspector.get_by_role("region", name="Configuration")
    expect(config.get_by_label("Resource")).to_have_value("arn:aws:states:::http:invoke")
    expect(config.get_by_text("Calls an HTTP API through a connection")).to_be_visible()
    errors = inspector.get_by_role("region", name="Error handling")
    expect(errors.get_by_role("group", name="Retrier 1")).to_contain_text("States.Timeout · 2 attempts")
    expect(errors.get_by_role("group", name="Catcher 1")).to_be_visible()
    commit(config.get_by_label("TimeoutSeconds", exact=True), "30")
    commit(config.get_by_label("Comment"), "Calls the orders API")

    # Parameters: invalid JSON is refused where it was typed, and changes nothing.
    parameters = inspector.get_by_role("region", name="Input").get_by_label("Parameters")
    commit(parameters, '{"ApiEndpoint": }')
    expect(parameters).to_have_attribute("aria-invalid", "true")
    expect(inspector.get_by_role("alert")).to_contain_text("Invalid JSON")
    expect(code).to_contain_text('"ApiEndpoint": "/orders"')
    screenshot(page, "designer-inspector-json-error")
    # Integer-like keys stay where they were typed, and a number keeps its text.
    commit(parameters, '{"ApiEndpoint": "/orders/{id}", "Method": "POST", "Authentication": {"ConnectionArn": '
                        '"orders-api"}, "RequestBody": {"limit": 2.50, "2": "b", "10": "a"}}')
    expect(parameters).not_to_have_attribute("aria-invalid", "true")
    expect(code).to_contain_text('"ApiEndpoint": "/orders/{id}"')
    expect(code).to_contain_text('"limit": 2.50')

    output = inspector.get_by_role("region", name="Output")
    output.get_by_label("ResultPath").fill("$.order")
    output.get_by_label("ResultPath").press("Enter")
    expect(code).to_contain_text('"ResultPath": "$.order"')
    screenshot(page, "designer-inspector-task")

    # A Pass: renamed (the Task's Next follows), a Result, and Next -> End; one undo step per commit.
    node("State Check, Pass").click()
    expect(inspector.get_by_role("heading", name="State Check")).to_be_visible()
    commit(config.get_by_label("Name"), "Validate")
    expect(node("State Validate, Pass")).to_be_visible()
    expect(inspector.get_by_role("heading", name="State Validate")).to_be_visible()
    expect(config.get_by_label("Name")).to_be_focused()  # (the forms were remounted for the new name)
    commit(config.get_by_label("Result"), '{"valid": true}')
    next_state = config.get_by_label("Next state")
    expect(next_state).to_have_value("Done")
    next_state.select_option(label="End (the workflow or branch ends)")
    expect(code).to_contain_text('"End": true')
    edit = page.get_by_role("toolbar", name="Edit")
    edit.get_by_role("button", name="Undo").click()
    expect(next_state).to_have_value("Done")
    expect(config.get_by_label("Result")).to_have_value('{\n  "valid": true\n}')  # only the last commit undone
    edit.get_by_role("button", name="Redo").click()
    expect(next_state).to_have_value("")

    # The code tab shows the same definition, and switching keeps the editor as it was.
    code_tab.click()
    expect(code_tab).to_have_attribute("aria-selected", "true")
    expect(code).to_be_visible()
    expect(inspector).to_be_hidden()
    expect(code).to_contain_text('"Next": "Validate"')
    inspector_tab.click()
    expect(config.get_by_label("Name")).to_have_value("Validate")

    # Save, reload: the values are still there.
    toolbar = page.get_by_role("toolbar", name="Definition")
    save_revision(page)
    page.reload()
    node("State Fetch order, Task").click()
    inspector = page.get_by_role("tabpanel", name="Inspector")
    config = inspector.get_by_role("region", name="Configuration")
    expect(config.get_by_label("TimeoutSeconds", exact=True)).to_have_value("30")
    expect(config.get_by_label("Comment")).to_have_value("Calls the orders API")
    expect(inspector.get_by_role("region", name="Output").get_by_label("ResultPath")).to_have_value("$.order")

    # The raw JSON view of the state, and the export: keys in their places, Retry and Catch untouched.
    inspector.get_by_role("button", name="Raw JSON").click()
    expect(inspector.get_by_label("State JSON")).to_contain_text('"TimeoutSeconds": 30')
    screenshot(page, "designer-inspector-after-reload")
    with page.expect_download() as download:
        toolbar.get_by_role("button", name="Export JSON").click()
    exported = open(download.value.path()).read()
    expected = {
        "Comment": "Orders",
        "StartAt": "Fetch order",
        "States": {
            "Fetch order": {
                "Type": "Task",
                "Resource": "arn:aws:states:::http:invoke",
                "Parameters": {"ApiEndpoint": "/orders/{id}", "Method": "POST",
                               "Authentication": {"ConnectionArn": "orders-api"},
                               "RequestBody": {"limit": 2.5, "2": "b", "10": "a"}},
                "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2}],
                "Next": "Validate",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
                "TimeoutSeconds": 30,
                "Comment": "Calls the orders API",
                "ResultPath": "$.order",
            },
            "Validate": {"Type": "Pass", "End": True, "Result": {"valid": True}},
            "Done": {"Type": "Succeed"},
        },
        "TimeoutSeconds": 3600,
    }
    assert pairs(exported) == pairs(json.dumps(expected))
    assert page.problems == []


def test_a_viewer_sees_the_forms_disabled(new_page, django_user_model):
    page = _open(new_page, django_user_model, permissions.VIEW, username="vic")
    inspector = page.get_by_role("tabpanel", name="Inspector")
    expect(inspector.get_by_label("Comment")).to_be_disabled()
    page.get_by_role("application", name="Graph of Orders").get_by_role(
        "group", name="State Fetch order, Task", exact=True).click()
    config = inspector.get_by_role("region", name="Configuration")
    expect(config.get_by_label("Resource")).to_be_disabled()
    expect(config.get_by_label("Next state")).to_be_disabled()
    expect(inspector.get_by_role("region", name="Input").get_by_label("Parameters")).to_be_disabled()
    # The groups still open and close.
    inspector.get_by_role("button", name="Output").click()
    expect(inspector.get_by_role("button", name="Output")).to_have_attribute("aria-expanded", "false")
    expect(inspector.get_by_role("region", name="Output").get_by_label("ResultPath")).to_be_hidden()
    screenshot(page, "designer-inspector-readonly")
    assert page.problems == []


ROUTER = {
    "QueryLanguage": "JSONata",
    "StartAt": "Pause",
    "States": {
        "Pause": {"Type": "Wait", "Seconds": 5, "Next": "Route"},
        "Route": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.ok %}", "Next": "Fine"},
                                                 {"Condition": "{% $states.input.bad %}", "Next": "Broken"}],
                  "Default": "Broken"},
        "Fine": {"Type": "Succeed"},
        "Broken": {"Type": "Fail", "Error": "Bad", "Cause": "Not ok"},
    },
}


def test_jsonata_states_wait_choice_and_fail(new_page, django_user_model):
    page = open_designer(new_page, django_user_model, "Router", ROUTER, username="jo", viewport=WIDE)
    _, node = graph(page, "Router")
    inspector = page.get_by_role("tabpanel", name="Inspector")
    code = page.get_by_role("textbox", name="Definition (ASL JSON)", include_hidden=True)
    expect(inspector.get_by_label("QueryLanguage")).to_have_value("JSONata")

    # A JSONata Wait: Seconds or Timestamp, each a value or an expression; no Input group, Output and Assign.
    node("State Pause, Wait").click()
    config = inspector.get_by_role("region", name="Configuration")
    expect(config.get_by_label("Wait for")).to_have_value("Seconds")
    expect(config.get_by_label("Wait for").locator("option")).to_have_count(2)
    # A state of a JSONata machine may not go back to JSONPath: the machine's language or JSONata.
    expect(config.get_by_label("QueryLanguage").locator("option")).to_have_text(["(the machine's: JSONata)", "JSONata"])
    expect(inspector.get_by_role("region", name="Input")).to_have_count(0)
    output = inspector.get_by_role("region", name="Output")
    expect(output.get_by_label("ResultPath")).to_have_count(0)
    seconds = config.get_by_label("Seconds", exact=True)
    commit(seconds, "soon")
    expect(seconds).to_have_attribute("aria-invalid", "true")
    commit(seconds, "{% $states.input.delay %}")
    expect(code).to_contain_text('"Seconds": "{% $states.input.delay %}"')
    commit(output.get_by_label("Output"), "{% $states.input %}")
    expect(code).to_contain_text('"Output": "{% $states.input %}"')

    # A Choice: its rules (the rule builder) and its Default.
    node("State Route, Choice").click()
    expect(config.get_by_role("group", name="Rule 1")).to_be_visible()
    config.get_by_label("Default").select_option("Fine")
    expect(code).to_contain_text('"Default": "Fine"')
    expect(config.get_by_label("Next state", exact=True)).to_have_count(0)  # a Choice has no Next of its own...
    expect(config.get_by_label("Rule 2 next state", exact=True)).to_have_value("Broken")  # ...its rules have
    expect(inspector.get_by_role("region", name="Error handling")).to_have_count(0)
    screenshot(page, "designer-inspector-choice")

    # A Fail: Error and Cause, no paths in JSONata, no Output.
    node("State Broken, Fail").click()
    expect(config.get_by_label("Error", exact=True)).to_have_value("Bad")
    expect(config.get_by_label("ErrorPath")).to_have_count(0)
    expect(inspector.get_by_role("region", name="Output")).to_have_count(0)
    commit(config.get_by_label("Cause"), "")
    expect(code).not_to_contain_text('"Cause"')

    save_revision(page)
    saved = page.request.get("/api/state-machines/Router/").json()["definition"]
    assert pairs(saved) == pairs(json.dumps({
        "QueryLanguage": "JSONata",
        "StartAt": "Pause",
        "States": {
            "Pause": {"Type": "Wait", "Seconds": "{% $states.input.delay %}", "Next": "Route", "Output": "{% $states.input %}"},
            "Route": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.ok %}", "Next": "Fine"},
                                                     {"Condition": "{% $states.input.bad %}", "Next": "Broken"}],
                      "Default": "Fine"},
            "Fine": {"Type": "Succeed"},
            "Broken": {"Type": "Fail", "Error": "Bad"},
        },
    }))


EDGES = {
    "StartAt": "Pause",
    "States": {
        "Pause": {"Type": "Wait", "Seconds": 10, "Next": "Call"},
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "InputPath": "$.in", "Parameters": {"a": 1},
                 "TimeoutSeconds": 30, "Next": "Route"},
        "Route": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "Done"}], "Default": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


def _replace_code(page, definition: dict) -> None:
    """Replaces the whole definition in the code view (Code tab), then goes back to the Inspector tab."""
    tabs = page.get_by_role("tablist", name="Details")
    tabs.get_by_role("tab", name="Code").click()
    replace_code(page, json.dumps(definition, indent=2))
    tabs.get_by_role("tab", name="Inspector").click()


def test_wait_kinds_whole_numbers_languages_and_odd_definitions(new_page, django_user_model):
    page = open_designer(new_page, django_user_model, "Edges", EDGES, username="eve", console_errors=False,
                         viewport=WIDE)
    _, node = graph(page, "Edges")
    inspector = page.get_by_role("tabpanel", name="Inspector")
    config = inspector.get_by_role("region", name="Configuration")
    code = page.get_by_role("textbox", name="Definition (ASL JSON)", include_hidden=True)
    undo = page.get_by_role("toolbar", name="Edit").get_by_role("button", name="Undo")

    # The Wait: 10 seconds are no timestamp, so Timestamp starts empty (marked), and stays chosen.
    node("State Pause, Wait").click()
    wait_for = config.get_by_label("Wait for")
    wait_for.select_option(label="Until a timestamp")
    expect(wait_for).to_have_value("Timestamp")
    timestamp = config.get_by_label("Timestamp", exact=True)
    expect(timestamp).to_have_value("")
    expect(timestamp).to_have_attribute("aria-invalid", "true")
    expect(config).to_contain_text("A Wait needs a duration: enter a value for Timestamp.")
    expect(code).not_to_contain_text('"Seconds"')
    commit(timestamp, "10")
    expect(config.get_by_role("alert")).to_contain_text("RFC 3339")
    commit(timestamp, "2026-01-01T00:00:00Z")
    expect(code).to_contain_text('"Timestamp": "2026-01-01T00:00:00Z"')
    expect(timestamp).not_to_have_attribute("aria-invalid", "true")
    # Back to Seconds (the timestamp goes), a whole number only.
    wait_for.select_option(label="Seconds")
    expect(wait_for).to_have_value("Seconds")
    seconds = config.get_by_label("Seconds", exact=True)
    expect(seconds).to_have_value("")
    commit(seconds, "1e2")
    expect(config.get_by_role("alert")).to_contain_text("whole number")
    commit(seconds, "15")
    expect(code).to_contain_text('"Seconds": 15')
    screenshot(page, "designer-inspector-wait")

    # The Task: a float for a whole number refused, a heartbeat over the timeout marked.
    node("State Call, Task").click()
    timeout = config.get_by_label("TimeoutSeconds", exact=True)
    commit(timeout, "5.0")
    expect(timeout).to_have_attribute("aria-invalid", "true")
    commit(timeout, "30")  # (unchanged: nothing to commit, the mark goes)
    expect(timeout).not_to_have_attribute("aria-invalid", "true")
    heartbeat = config.get_by_label("HeartbeatSeconds", exact=True)
    commit(heartbeat, "40")
    expect(heartbeat).to_have_attribute("aria-invalid", "true")
    expect(config).to_contain_text("HeartbeatSeconds must be smaller than TimeoutSeconds (30).")
    commit(heartbeat, "")
    expect(code).not_to_contain_text('"HeartbeatSeconds"')
    # Parameters laid out otherwise is no edit: no undo step, and the field shows the stored text again.
    parameters = inspector.get_by_role("region", name="Input").get_by_label("Parameters")
    commit(parameters, '{ "a" :1 }')
    expect(parameters).to_have_value('{\n  "a": 1\n}')
    undo.click()  # undoes the heartbeat's removal, the last real edit
    expect(heartbeat).to_have_value("40")
    commit(heartbeat, "")
    # A null is for InputPath / OutputPath / ResultPath only.
    commit(config.get_by_label("TimeoutSecondsPath"), "null")
    expect(config.get_by_label("TimeoutSecondsPath")).to_have_attribute("aria-invalid", "true")
    commit(config.get_by_label("TimeoutSecondsPath"), "")
    # Switched to JSONata, the JSONPath fields it still has are listed to be removed.
    config.get_by_label("QueryLanguage").select_option("JSONata")
    misplaced = config.get_by_role("list", name="Fields not allowed here")
    expect(misplaced).to_contain_text("Not allowed here: InputPath (a JSONPath field)")
    expect(misplaced).to_contain_text("Not allowed here: Parameters")
    screenshot(page, "designer-inspector-language")
    misplaced.get_by_role("button", name="Remove InputPath").click()
    expect(code).not_to_contain_text('"InputPath"')
    misplaced.get_by_role("button", name="Remove Parameters").click()
    expect(misplaced).to_have_count(0)

    # Odd definitions from the code view: an And that is no list, a Type named like a JS built-in. The
    # inspector says what is wrong where it is, and the page goes on.
    node("State Route, Choice").click()
    odd = json.loads(json.dumps(EDGES))
    odd["States"]["Route"]["Choices"] = [{"And": {}, "Next": "Done"}]
    _replace_code(page, odd)
    expect(config).to_contain_text("And must be a list of conditions")
    odd["States"]["Route"] = {"Type": "constructor", "Next": "Done"}
    _replace_code(page, odd)
    expect(config).to_contain_text("Type: constructor")
    expect(inspector.get_by_role("alert")).to_have_count(0)  # (no error boundary message)
    screenshot(page, "designer-inspector-odd")
    assert page.problems == []
