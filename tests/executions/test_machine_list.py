"""The machine list (/machines/): its columns, and creating a machine from it (blank, from a template, imported
JSON or YAML, pasted or uploaded), through the REST create's checks, with errors shown on the form.

Personas: carla may create machines (the account-wide create_statemachine permission); vera may only view
"Orders"; nobody but carla and the superuser may create. Forms are posted as a browser posts them, CSRF checked.
"""
import html
import json

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from designer.accounts import permissions
from designer.accounts.models import AuditEvent
from designer.creation import DEFAULT_ROLE_ARN
from designer.models import StateMachine
from designer.services import MAX_DEFINITION_BYTES
from designer.templates_library import templates
from executions import services
from tests.executions.runtime import make_machine

pytestmark = pytest.mark.django_db

ORDERS = {"StartAt": "Take", "States": {"Take": {"Type": "Pass", "End": True}}}
# Key order a sorted dump would change, number texts json.dumps would rewrite, and a layout of its own.
IMPORTED = ('{\n  "StartAt": "Zeta",\n  "Comment": "kept as typed",\n  "States": {\n'
            '    "Zeta": {"Type": "Pass", "Result": {"b": 1.50, "a": 1E2, "c": 10000000000000000000001},\n'
            '             "Next": "Alpha"},\n'
            '    "Alpha": {"Type": "Succeed"}\n  }\n}\n')
IMPORTED_YAML = """\
StartAt: Zeta
Comment: from YAML
States:
  Zeta:
    Type: Pass
    Result: {when: 2024-05-01, answer: no, n: 1.5}
    Next: Alpha
  Alpha:
    Type: Succeed
"""


@pytest.fixture
def people(django_user_model):
    carla = django_user_model.objects.create_user("carla", password="carla-pass-1234")
    carla.user_permissions.add(Permission.objects.get(content_type__app_label="accounts",
                                                      codename="create_statemachine"))
    vera = django_user_model.objects.create_user("vera", password="vera-pass-1234")
    return {"carla": carla, "vera": vera}


@pytest.fixture
def orders(people):
    machine = make_machine(ORDERS, name="Orders")
    permissions.grant(machine, permissions.VIEW, user=people["vera"])
    return machine


def post(user, data: dict, files: dict | None = None):
    """A form posted as a browser posts it: the CSRF cookie from the list page, its token in the form."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/machines/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post("/machines/", {**data, **(files or {}), "csrfmiddlewaretoken": token})


def blank(name: str, type: str = "STANDARD") -> dict:
    return {"source": "blank", "blank-name": name, "blank-type": type}


def imported(name: str, text: str = "", format: str = "auto", **extra) -> dict:
    return {"source": "import", "import-name": name, "import-type": "STANDARD", "import-definition": text,
            "import-format": format, **extra}


def upload(filename: str, content: str | bytes) -> dict:
    body = content.encode() if isinstance(content, str) else content
    return {"import-file": SimpleUploadedFile(filename, body, content_type="application/octet-stream")}


def errors_of(response, source: str) -> dict:
    assert response.status_code == 400, response.content[:500]
    form = response.context["failed"]
    assert form.prefix == source
    return {field: [str(e) for e in errs] for field, errs in form.errors.items()}


def created(response, name: str) -> StateMachine:
    assert (response.status_code, response["Location"]) == (302, f"/machines/{name}/design/"), \
        response.content[:2000]
    return StateMachine.objects.get(name=name)


def test_each_row_shows_the_type_last_edit_last_execution_and_links(orders, people):
    execution = services.start_execution(orders, input="{}", name="first")
    make_machine(ORDERS, name="Quick", type="EXPRESS")
    permissions.grant(StateMachine.objects.get(name="Quick"), permissions.VIEW, user=people["vera"])
    client = Client()
    client.force_login(people["vera"])
    response = client.get("/machines/")
    page = response.content.decode()
    rows = response.context["rows"]
    assert [row["machine"].name for row in rows] == ["Orders", "Quick"]
    assert rows[0]["machine"].last_execution.pk == execution.pk and rows[1]["machine"].last_execution is None
    assert rows[0]["permissions"] == ["view"]
    for link in ('href="/machines/Orders/"', 'href="/machines/Orders/design/"', 'href="/machines/Quick/design/"',
                 f'href="/executions/{execution.pk}/"'):
        assert link in page
    assert f'<span class="badge {execution.status}">{execution.status}</span>' in page
    assert "Express" in page and "never run" in page
    assert f'datetime="{orders.updated_at.isoformat()}"' in page


def test_someone_who_may_not_create_sees_no_form_and_is_refused(orders, people):
    client = Client()
    client.force_login(people["vera"])
    page = client.get("/machines/").content.decode()
    assert 'id="new"' not in page and "New state machine" not in page
    assert post(people["vera"], blank("Mine")).status_code == 403
    assert post(people["vera"], imported("Mine", IMPORTED)).status_code == 403
    assert not StateMachine.objects.filter(name="Mine").exists()


def test_the_forms_need_the_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["carla"])
    assert client.post("/machines/", blank("Forged")).status_code == 403
    assert not StateMachine.objects.filter(name="Forged").exists()


def test_a_blank_machine_is_created_as_the_rest_api_creates_one_and_opens_in_the_designer(people):
    machine = created(post(people["carla"], blank("Fresh", "EXPRESS")), "Fresh")
    blank_template = next(t for t in templates() if t.id == "blank")
    assert (machine.definition, machine.type, machine.role_arn) == (blank_template.definition, "EXPRESS",
                                                                      DEFAULT_ROLE_ARN)
    assert permissions.permissions_on(people["carla"], machine) >= {permissions.ADMIN}
    event = AuditEvent.objects.get(action="state_machine.create")
    assert (event.actor, event.target, event.via, event.detail) == (people["carla"], machine.arn, "web",
                                                                    {"type": "EXPRESS"})


def test_the_list_offers_each_useful_template_with_its_description(people):
    client = Client()
    client.force_login(people["carla"])
    page = html.unescape(client.get("/machines/").content.decode())
    offered = [t for t in templates() if t.id != "blank"]
    assert [t.id for t in offered] == ["approval", "http-retries", "map-items", "xmlrpc-call", "nested-workflow"]
    for template in offered:
        assert f'value="{template.id}"' in page and template.name in page and template.description in page


@pytest.mark.parametrize("template", [t for t in templates() if t.id != "blank"], ids=lambda t: t.id)
def test_a_machine_is_created_from_each_template(people, template):
    response = post(people["carla"], {"source": "template", "template-template": template.id,
                                      "template-name": "FromTemplate", "template-type": "STANDARD"})
    assert created(response, "FromTemplate").definition == template.definition


def test_a_template_the_express_type_cannot_run_is_refused_on_the_form(people):
    response = post(people["carla"], {"source": "template", "template-template": "approval",
                                      "template-name": "Quick", "template-type": "EXPRESS"})
    assert "SCHEMA_VALIDATION_FAILED" in " ".join(errors_of(response, "template")["__all__"])
    assert not StateMachine.objects.filter(name="Quick").exists()


def test_pasted_json_is_stored_exactly_as_given(people):
    # A browser sends a textarea's line breaks as CRLF; the stored text has the line breaks that were pasted.
    response = post(people["carla"], imported("Pasted", IMPORTED.replace("\n", "\r\n")))
    assert created(response, "Pasted").definition == IMPORTED


def test_an_uploaded_json_file_is_stored_exactly_as_given(people):
    text = IMPORTED.replace("\n", "\r\n")  # a file's own line breaks are its text
    response = post(people["carla"], imported("Uploaded"), upload("flow.asl.json", "\ufeff" + text))
    assert created(response, "Uploaded").definition == text


def test_pasted_yaml_becomes_json_in_the_order_written(people):
    machine = created(post(people["carla"], imported("Yamly", IMPORTED_YAML)), "Yamly")
    assert list(json.loads(machine.definition)) == ["StartAt", "Comment", "States"]
    assert list(json.loads(machine.definition)["States"]) == ["Zeta", "Alpha"]
    # YAML 1.2 scalars, as ASL is JSON: the date and "no" stay strings.
    assert json.loads(machine.definition)["States"]["Zeta"]["Result"] == {"when": "2024-05-01", "answer": "no",
                                                                           "n": 1.5}


def test_an_uploaded_file_is_read_by_its_extension(people):
    flow_style = "{StartAt: Only, States: {Only: {Type: Succeed}}}"  # YAML, though it starts like JSON
    machine = created(post(people["carla"], imported("ByExtension"), upload("flow.yml", flow_style)), "ByExtension")
    assert json.loads(machine.definition) == {"StartAt": "Only", "States": {"Only": {"Type": "Succeed"}}}


def test_malformed_json_is_shown_with_its_line_and_column_and_the_text_is_kept(people):
    text = '{\n  "StartAt": "A",\n  "States": {"A": {"Type": "Pass",, "End": true}}\n}'
    response = post(people["carla"], imported("Broken", text))
    assert errors_of(response, "import") == {"definition": [
        "Invalid JSON: Expecting property name enclosed in double quotes (line 3, column 35)"]}
    page = response.content.decode()
    assert escape(text) in page and 'aria-invalid="true"' in page
    assert not StateMachine.objects.filter(name="Broken").exists()


def test_malformed_yaml_is_shown_with_its_line_and_column(people):
    text = "StartAt: A\nStates:\n  A: {Type: Pass, End: true\n"
    errors = errors_of(post(people["carla"], imported("Broken", text, format="yaml")), "import")
    assert errors["definition"][0].startswith("Invalid YAML: ") and "(line 4, column 1)" in errors["definition"][0]
    duplicate = "StartAt: A\nStartAt: B\nStates: {}\n"
    assert errors_of(post(people["carla"], imported("Broken", duplicate)), "import") == {
        "definition": ["Invalid YAML: duplicate key 'StartAt' (line 2, column 1)"]}


def test_a_definition_the_validator_rejects_shows_its_diagnostics(people):
    text = '{"StartAt": "Missing", "States": {"A": {"Type": "Pass"}}}'
    response = post(people["carla"], imported("Invalid", text))
    assert errors_of(response, "import")["definition"] == [
        "MISSING_TRANSITION_TARGET at /StartAt: Missing 'Next' target: Missing",
        "SCHEMA_VALIDATION_FAILED at /States/A: Exactly one of these fields is required: [Next, End]",
        "MISSING_END_STATE at /: Workflow has no terminal state"]
    assert escape(text) in response.content.decode()
    assert not StateMachine.objects.filter(name="Invalid").exists()


def test_an_invalid_uploaded_file_comes_back_in_the_text_box(people):
    text = '{"StartAt": "Missing", "States": {}}'
    response = post(people["carla"], imported("Invalid"), upload("bad.json", text))
    assert "definition" in errors_of(response, "import")
    assert response.context["failed"]["definition"].value() == text
    assert response.context["failed"]["format"].value() == "json"


def test_a_name_in_use_or_not_allowed_is_refused_on_the_name(orders, people):
    # Same definition and type as Orders (CreateStateMachine would return Orders): the form says the name is taken.
    assert errors_of(post(people["carla"], imported("Orders", orders.definition)), "import") == {
        "name": ["A state machine named 'Orders' already exists: choose another name."]}
    assert errors_of(post(people["carla"], blank("Orders")), "blank") == {
        "name": ["A state machine named 'Orders' already exists: choose another name."]}
    assert StateMachine.objects.get(name="Orders").definition == orders.definition
    invalid = errors_of(post(people["carla"], blank("two words")), "blank")["name"][0]
    assert invalid.startswith("Invalid Name: 'two words'")
    assert not AuditEvent.objects.filter(action="state_machine.create").exists()


def test_an_upload_over_one_mib_is_refused_with_its_size(people):
    big = ('{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}, "Comment": "'
           + "x" * MAX_DEFINITION_BYTES + '"}')
    response = post(people["carla"], imported("Huge"), upload("huge.json", big))
    assert errors_of(response, "import") == {"file": [
        f"huge.json is {len(big):,} bytes; a definition is at most 1 MiB (1,048,576 bytes)."]}
    pasted = errors_of(post(people["carla"], imported("Huge", big)), "import")
    assert pasted == {"definition": [f"The definition is {len(big):,} bytes; a definition is at most 1 MiB "
                                     "(1,048,576 bytes)"]}
    assert not StateMachine.objects.filter(name="Huge").exists()


def test_an_import_needs_exactly_one_of_text_and_file(people):
    assert errors_of(post(people["carla"], imported("Nothing")), "import") == {
        "definition": ["Paste a definition or upload a file."]}
    both = errors_of(post(people["carla"], imported("Both", IMPORTED), upload("flow.json", IMPORTED)), "import")
    assert both == {"__all__": ["Paste a definition or upload a file, not both."]}


def test_the_list_costs_the_same_queries_for_forty_machines_as_for_one(people, django_assert_max_num_queries):
    # Each row's permissions were one query: 45 queries for 40 machines.
    team = Group.objects.create(name="team")
    people["vera"].groups.add(team)
    machines = [make_machine(ORDERS, name=f"M{i:02}") for i in range(40)]
    for machine in machines:
        permissions.grant(machine, permissions.VIEW, user=people["vera"])
    permissions.grant(machines[1], permissions.EDIT, group=team)
    permissions.grant(machines[2], permissions.ADMIN, user=people["vera"])
    client = Client()
    client.force_login(people["vera"])
    client.get("/machines/")  # the session and the like, loaded once
    with django_assert_max_num_queries(6):  # as for one machine: session, user, can-create, machines, last runs, grants
        rows = client.get("/machines/").context["rows"]
    assert len(rows) == 40
    assert [row["permissions"] for row in rows[:4]] == [
        ["view"], ["edit", "view"], ["admin", "approve", "edit", "execute", "view"], ["view"]]


def test_pasted_json_after_a_byte_order_mark_is_json_kept_as_given(people):
    # With the mark, the text did not start with "{": it was taken for YAML and rewritten.
    machine = created(post(people["carla"], imported("Marked", "\ufeff" + IMPORTED)), "Marked")
    assert machine.definition == IMPORTED


def test_the_diagnostics_of_a_yaml_import_say_they_are_about_the_converted_json(people):
    text = "StartAt: Missing\nStates:\n  A: {Type: Pass, End: true}\n"
    assert errors_of(post(people["carla"], imported("Invalid", text)), "import")["definition"] == [
        "The YAML was checked as the JSON it converts to: the locations and any line numbers below are that JSON's.",
        "MISSING_TRANSITION_TARGET at /StartAt: Missing 'Next' target: Missing",
        'MISSING_TRANSITION_TARGET at /States/A: State "A" is not reachable.']
