"""The REST API the UI uses: real URLs, real database, the real job queue."""
import json

import pytest

from executions import resources
from executions.models import Execution, TaskToken
from tests.executions.runtime import drain

pytestmark = pytest.mark.django_db(transaction=True)

PASS_CHAIN = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"ok": True}, "ResultPath": "$.a",
                                               "Next": "B"}, "B": {"Type": "Pass", "End": True}}}
WAIT_FOR_TOKEN = {"StartAt": "Ask", "States": {"Ask": {
    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
    "Parameters": {"FunctionName": "rest-notify", "Payload": {"token.$": "$$.Task.Token"}}, "End": True}}}


@resources.function("rest-notify")
def notify(event):
    return {"sent": True}


def create(api_client, name="Orders", definition=PASS_CHAIN, **extra):
    return api_client.post("/api/state-machines/", {"name": name, "definition": json.dumps(definition), **extra},
                           format="json")


def test_create_list_get_and_revise_a_state_machine(api_client):
    response = create(api_client)
    assert response.status_code == 201, response.data
    assert response.data["arn"] == "arn:aws:states:us-east-1:123456789012:stateMachine:Orders"
    assert [m["name"] for m in api_client.get("/api/state-machines/").data] == ["Orders"]
    first_revision = response.data["revision_id"]
    changed = dict(PASS_CHAIN, Comment="v2")
    patched = api_client.patch("/api/state-machines/Orders/", {"definition": json.dumps(changed)}, format="json")
    assert patched.status_code == 200 and patched.data["revision_id"] != first_revision
    revisions = api_client.get("/api/state-machines/Orders/revisions/").data
    assert [json.loads(r["definition"]).get("Comment") for r in revisions] == [None, "v2"]


def test_state_machine_errors_have_codes_and_statuses(api_client):
    invalid = create(api_client, definition={"StartAt": "Nowhere", "States": {}})
    assert invalid.status_code == 400 and invalid.data["code"] == "InvalidDefinition"
    assert create(api_client, name="bad name").data["code"] == "InvalidName"
    assert create(api_client).status_code == 201
    duplicate = create(api_client, definition=dict(PASS_CHAIN, Comment="other"))
    assert (duplicate.status_code, duplicate.data["code"]) == (409, "StateMachineAlreadyExists")
    missing = api_client.get("/api/state-machines/Nope/")
    assert (missing.status_code, missing.data["code"]) == (404, "StateMachineDoesNotExist")
    assert api_client.post("/api/state-machines/", {"name": "x"}, format="json").status_code == 400
    nothing = api_client.patch("/api/state-machines/Orders/", {}, format="json")
    assert nothing.data["code"] == "MissingRequiredParameter"


def test_start_an_execution_and_page_through_its_history(api_client):
    create(api_client)
    started = api_client.post("/api/state-machines/Orders/executions/", {"name": "run-1", "input": {"n": 1}},
                              format="json")
    assert started.status_code == 201
    assert (started.data["status"], started.data["output"]) == ("SUCCEEDED", {"n": 1, "a": {"ok": True}})
    pk = started.data["id"]
    first = api_client.get(f"/api/executions/{pk}/history/?limit=4").data
    assert [e["id"] for e in first["events"]] == [1, 2, 3, 4] and first["next_after"] == 4
    assert first["events"][0]["executionStartedEventDetails"]["input"] == '{"n":1}'
    rest = api_client.get(f"/api/executions/{pk}/history/?after=4&limit=4").data
    assert [e["type"] for e in rest["events"]] == ["PassStateExited", "ExecutionSucceeded"]
    assert rest["next_after"] is None
    listed = api_client.get("/api/state-machines/Orders/executions/?status=SUCCEEDED").data
    assert [e["name"] for e in listed["executions"]] == ["run-1"]


def test_bad_requests_to_executions(api_client):
    create(api_client)
    assert api_client.get("/api/executions/999/").data["code"] == "ExecutionDoesNotExist"
    assert api_client.get("/api/executions/999/history/").status_code == 404
    run = api_client.post("/api/state-machines/Orders/executions/", {"input": {}}, format="json").data
    assert api_client.get(f"/api/executions/{run['id']}/history/?after=x").data["code"] == "ValidationException"
    assert api_client.get(f"/api/executions/{run['id']}/history/?limit=0").data["code"] == "ValidationException"
    bad_name = api_client.post("/api/state-machines/Orders/executions/", {"name": "a b"}, format="json")
    assert bad_name.data["code"] == "InvalidName"


def test_a_callback_answered_through_the_api_and_a_stop(api_client):
    create(api_client, name="Approve", definition=WAIT_FOR_TOKEN)
    run = api_client.post("/api/state-machines/Approve/executions/", {"input": {}}, format="json").data
    drain()
    token = TaskToken.objects.get(execution_id=run["id"]).token
    assert api_client.post("/api/tasks/heartbeat/", {"token": token}, format="json").status_code == 204
    assert api_client.post("/api/tasks/success/", {"token": token, "output": {"yes": 1}},
                           format="json").status_code == 204
    assert api_client.get(f"/api/executions/{run['id']}/").data["output"] == {"yes": 1}
    again = api_client.post("/api/tasks/success/", {"token": token, "output": {}}, format="json")
    assert (again.status_code, again.data["code"]) == (409, "TaskTimedOut")
    unknown = api_client.post("/api/tasks/failure/", {"token": "nope", "error": "E"}, format="json")
    assert unknown.data["code"] == "InvalidToken"

    second = api_client.post("/api/state-machines/Approve/executions/", {"input": {}}, format="json").data
    drain()
    stopped = api_client.post(f"/api/executions/{second['id']}/stop/", {"error": "Op", "cause": "no"}, format="json")
    assert (stopped.data["status"], stopped.data["error"]) == ("ABORTED", "Op")
    assert Execution.objects.get(pk=second["id"]).status == "ABORTED"


def test_activities_and_the_openapi_schema(api_client):
    created = api_client.post("/api/activities/", {"name": "review"}, format="json")
    assert created.status_code == 201
    assert created.data["arn"] == "arn:aws:states:us-east-1:123456789012:activity:review"
    assert [a["name"] for a in api_client.get("/api/activities/").data] == ["review"]
    schema = api_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/executions/{id}/history/" in paths and "/api/state-machines/" in paths


def test_parents_and_children_link_both_ways(api_client):
    create(api_client, name="Child")
    child_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:Child"
    start_children = {"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "ItemsPath": "$.names", "ItemSelector": {"name.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"StartAt": "Start", "States": {"Start": {
            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": child_arn, "Name.$": "$.name"}, "End": True}}}, "End": True}}}
    create(api_client, name="Parent", definition=start_children)
    parent = api_client.post("/api/state-machines/Parent/executions/", {"input": {"names": ["a", "b", "c"]}},
                             format="json").data
    assert (parent["parent"], parent["child_count"]) == (None, 0)
    drain()
    parent = api_client.get(f"/api/executions/{parent['id']}/").data
    assert (parent["status"], parent["child_count"]) == ("SUCCEEDED", 3)

    children = api_client.get(f"/api/executions/{parent['id']}/children/", {"limit": 2}).data
    assert [c["name"] for c in children["executions"]] == ["c", "b"]  # newest first
    rest = api_client.get(f"/api/executions/{parent['id']}/children/", {"before": children["next_before"]}).data
    assert [c["name"] for c in rest["executions"]] == ["a"] and rest["next_before"] == rest["executions"][0]["id"]
    child = api_client.get(f"/api/executions/{rest['executions'][0]['id']}/").data
    assert child["parent"] == {"id": parent["id"], "arn": parent["arn"], "name": parent["name"],
                               "status": "SUCCEEDED"}
    assert (child["child_count"], child["state_machine"]) == (0, "Child")
    listed = api_client.get("/api/state-machines/Child/executions/").data["executions"]
    assert {c["parent"]["id"] for c in listed} == {parent["id"]}
    assert api_client.get(f"/api/executions/{child['id']}/children/").data == {"executions": [],
                                                                               "next_before": None}
    assert api_client.get("/api/executions/999999/children/").status_code == 404
    assert api_client.get(f"/api/executions/{parent['id']}/children/", {"before": "x"}).status_code == 400

    schema = json.loads(api_client.get("/api/schema/?format=json").content)
    assert "/api/executions/{id}/children/" in schema["paths"]
    execution = schema["components"]["schemas"]["Execution"]["properties"]
    assert execution["parent"]["allOf"][0]["$ref"] == "#/components/schemas/ExecutionLink"
    assert execution["child_count"]["type"] == "integer"
    page = schema["paths"]["/api/executions/{id}/children/"]["get"]["responses"]["200"]["content"]
    assert page["application/json"]["schema"]["$ref"] == "#/components/schemas/ExecutionPage"
