"""The inspector's Choice rule builder and Retry / Catch lists in a real browser: a rule turned into an And of two
comparisons (a number kept as typed, a second condition added), a Retrier and a Catcher built through the forms,
a rule moved, States.ALL refused in the wrong place, then Save, a reload that shows the same forms, and the saved
definition compared key by key (the keys no form touched kept in their places)."""
import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.designer_helpers import commit, graph, open_designer, pairs, save_revision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYMENTS = {
    "StartAt": "Check amount",
    "States": {
        "Check amount": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.value", "IsPresent": True, "Next": "Big", "Comment": "kept in its place"},
                {"Variable": "$.manual", "BooleanEquals": True, "Next": "Failed"},
            ],
            "Default": "Small",
        },
        "Big": {"Type": "Pass", "Next": "Charge"},
        "Small": {"Type": "Pass", "Next": "Charge"},
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True},
        "Failed": {"Type": "Fail", "Error": "ChargeFailed"},
    },
}


def test_build_a_choice_rule_a_retrier_and_a_catcher_save_and_reload(new_page, django_user_model):
    page = open_designer(new_page, django_user_model, "Payments", json.dumps(PAYMENTS), username="rosa")
    _, node = graph(page, "Payments")
    inspector = page.get_by_role("tabpanel", name="Inspector")
    code = page.get_by_role("textbox", name="Definition (ASL JSON)", include_hidden=True)

    # The Choice: rule 1 becomes And($.amount > 1000.00, $.currency == "EUR") -> Big.
    node("State Check amount, Choice").click()
    rules = inspector.get_by_role("group", name="Choice rules")
    rule = rules.get_by_role("group", name="Rule 1", exact=True)
    expect(rule).to_contain_text("$.value is present")
    rule.get_by_label("Condition type").first.select_option(label="And (all of)")
    first = rule.get_by_role("group", name="Rule 1, condition 1", exact=True)
    # (each field is named after its rule and condition; the visible labels are the short ones)
    commit(first.get_by_label("Rule 1, condition 1 variable", exact=True), "$.amount")
    first.get_by_label("Rule 1, condition 1 operator", exact=True).select_option("NumericGreaterThan")
    value = first.get_by_label("Rule 1, condition 1 value", exact=True)
    commit(value, "a lot")
    expect(value).to_have_attribute("aria-invalid", "true")  # refused where it was typed
    commit(value, "1000.00")
    expect(value).not_to_have_attribute("aria-invalid", "true")
    rule.get_by_role("button", name="Add condition to rule 1").click()
    second = rule.get_by_role("group", name="Rule 1, condition 2", exact=True)
    commit(second.get_by_label("Rule 1, condition 2 variable", exact=True), "$.currency")
    second.get_by_label("Rule 1, condition 2 operator", exact=True).select_option("StringEquals")
    commit(second.get_by_label("Rule 1, condition 2 value", exact=True), "EUR")
    rules.get_by_label("Rule 2 next state", exact=True).select_option("Charge")
    expect(rule).to_contain_text('And($.amount > 1000.00, $.currency == "EUR") → Big')
    expect(code).to_contain_text('"NumericGreaterThan": 1000.00')
    # Rule 2 moved to the top and back: the order is the evaluation order.
    rules.get_by_role("button", name="Move rule 2 up").click()
    expect(rules.get_by_role("group", name="Rule 1", exact=True)).to_contain_text("$.manual == true")
    rules.get_by_role("button", name="Move rule 1 down").click()
    expect(rules.get_by_role("group", name="Rule 2", exact=True)).to_contain_text("$.manual == true")
    # A new rule goes to another state than the Choice itself (a rule to itself would loop); deleted again.
    rules.get_by_role("button", name="Add rule").click()
    expect(rules.get_by_label("Rule 3 next state", exact=True)).to_have_value("Big")
    rules.get_by_role("button", name="Delete rule 3").click()
    expect(rules.get_by_role("group", name="Rule 3", exact=True)).to_have_count(0)
    # The lists keep their list semantics: the group role sits inside each item.
    expect(rules.get_by_role("listitem").filter(has=page.get_by_role("group", name="Rule 2", exact=True))).to_have_count(1)
    rule.get_by_role("group", name="Rule 1, condition 2", exact=True).scroll_into_view_if_needed()
    screenshot(page, "designer-rules-choice")

    # The Task: a Retrier on two named errors, and a Catcher for everything else.
    node("State Charge, Task").click()
    errors = inspector.get_by_role("region", name="Error handling")
    errors.get_by_role("button", name="Add retrier").click()
    retrier = errors.get_by_role("group", name="Retrier 1", exact=True)
    retrier.get_by_role("button", name="Remove States.ALL from retrier 1", exact=True).click()
    commit(retrier.get_by_label("Retrier 1 error names", exact=True), "States.Timeout, States.TaskFailed")
    chips = retrier.get_by_role("list", name="Retrier 1 chosen error names").get_by_role("listitem")
    expect(chips).to_have_text(["States.Timeout×", "States.TaskFailed×"])
    attempts = retrier.get_by_label("Retrier 1 max attempts", exact=True)
    expect(attempts).to_have_attribute("placeholder", "3")
    commit(attempts, "5.0")  # (a whole number written as a float: the validator refuses it, so does the field)
    expect(attempts).to_have_attribute("aria-invalid", "true")
    commit(attempts, "5")
    expect(attempts).not_to_have_attribute("aria-invalid", "true")
    commit(retrier.get_by_label("Retrier 1 backoff rate", exact=True), "1.50")
    jitter = retrier.get_by_label("Retrier 1 jitter", exact=True)
    jitter.select_option("NONE")
    expect(code).to_contain_text('"JitterStrategy": "NONE"')
    jitter.select_option("")  # back to Default: the key goes
    expect(code).not_to_contain_text('"JitterStrategy"')
    jitter.select_option("FULL")
    errors.get_by_role("button", name="Add catcher").click()
    catcher = errors.get_by_role("group", name="Catcher 1", exact=True)
    catcher.get_by_label("Catcher 1 next state", exact=True).select_option("Failed")
    commit(catcher.get_by_label("Catcher 1 result path", exact=True), "$.error")
    # A second retrier gets States.ALL (there is no catch-all yet); moved first, it is marked as misplaced.
    errors.get_by_role("button", name="Add retrier").click()
    errors.get_by_role("button", name="Move retrier 2 up").click()
    names = errors.get_by_role("group", name="Retrier 1", exact=True).get_by_label("Retrier 1 error names", exact=True)
    expect(names).to_have_attribute("aria-invalid", "true")
    expect(errors).to_contain_text("A Retrier with States.ALL must be the last one")
    errors.get_by_role("group", name="Retrier 1", exact=True).scroll_into_view_if_needed()
    screenshot(page, "designer-rules-errors")
    errors.get_by_role("button", name="Delete retrier 1").click()
    expect(errors.get_by_role("group", name="Retrier 2", exact=True)).to_have_count(0)

    # Save, reload: the forms show what was saved, and so does the REST API, key by key.
    save_revision(page)
    page.reload()
    node("State Charge, Task").click()
    errors = inspector.get_by_role("region", name="Error handling")
    retrier = errors.get_by_role("group", name="Retrier 1", exact=True)
    expect(retrier.get_by_label("Retrier 1 backoff rate", exact=True)).to_have_value("1.50")
    expect(errors.get_by_label("Catcher 1 next state", exact=True)).to_have_value("Failed")
    node("State Check amount, Choice").click()
    rule = inspector.get_by_role("group", name="Rule 1", exact=True)
    expect(rule.get_by_label("Rule 1, condition 1 value", exact=True)).to_have_value("1000.00")
    screenshot(page, "designer-rules-after-reload")

    answer = page.request.get("/api/state-machines/Payments/").json()
    expected = {
        "StartAt": "Check amount",
        "States": {
            "Check amount": {
                "Type": "Choice",
                "Choices": [
                    {"And": [{"Variable": "$.amount", "NumericGreaterThan": 1000.00},
                             {"Variable": "$.currency", "StringEquals": "EUR"}],
                     "Next": "Big", "Comment": "kept in its place"},
                    {"Variable": "$.manual", "BooleanEquals": True, "Next": "Charge"},
                ],
                "Default": "Small",
            },
            "Big": {"Type": "Pass", "Next": "Charge"},
            "Small": {"Type": "Pass", "Next": "Charge"},
            "Charge": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                "Retry": [{"ErrorEquals": ["States.Timeout", "States.TaskFailed"], "MaxAttempts": 5, "BackoffRate": 1.5,
                           "JitterStrategy": "FULL"}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed", "ResultPath": "$.error"}],
            },
            "Failed": {"Type": "Fail", "Error": "ChargeFailed"},
        },
    }
    assert pairs(answer["definition"]) == pairs(json.dumps(expected))
    assert '"NumericGreaterThan": 1000.00' in answer["definition"] and '"BackoffRate": 1.50' in answer["definition"]
    assert page.problems == []
