"""Every REST endpoint under /api/ refuses an anonymous caller (401), refuses a signed-in user who lacks the
permission it needs (403, or 404 where even seeing is denied), and serves a user who holds exactly that
permission. The table is checked against the URL resolver, so an endpoint added without a row fails here."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from designer.accounts import credentials, permissions
from designer.accounts.models import AuditEvent, Grant
from executions import services
from executions.integrations.connections import create_connection
from executions.integrations.models import Connection
from executions.models import Execution, MapRun, TaskToken
from tests.executions.runtime import make_machine

pytestmark = pytest.mark.django_db

# One machine that can be in every situation the endpoints need: waiting for a task token, or running a
# Distributed Map whose children sleep.
ORDERS = {"StartAt": "Route", "States": {
    "Route": {"Type": "Choice", "Choices": [{"Variable": "$.fan", "IsPresent": True, "Next": "Fan"}],
              "Default": "Ask"},
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "nobody", "Payload": {"token.$": "$$.Task.Token"}}, "End": True},
    "Fan": {"Type": "Map", "ItemsPath": "$.fan", "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": True}}}, "End": True}}}
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})

# What an endpoint needs, and who is refused: a per-machine permission is refused to a user holding every other
# one (403); `view` is refused to a user holding nothing on the machine (404, as if it did not exist).
VIEW, EDIT, EXECUTE, APPROVE, ADMIN = permissions.VIEW, permissions.EDIT, permissions.EXECUTE, permissions.APPROVE, \
    permissions.ADMIN
SIGNED_IN = "signed in"  # any active user
OWNER = "owner"  # the user whose credential it is; anyone else is told it does not exist
CREATE = "create_statemachine"
ACTIVITIES = "manage_activities"
CONNECTIONS = "manage_connections"  # integrations.manage_connections
SUPERUSER = "superuser"


@dataclass
class World:
    machine: object
    waiting: Execution  # RUNNING, waiting for a task token
    fanned: Execution  # RUNNING a Distributed Map
    map_run: MapRun
    other: object  # a user the site admin manages
    group: Group
    granted: object = None  # the user who holds exactly the needed permission

    @property
    def token(self) -> str:
        return TaskToken.objects.get(execution=self.waiting, status=TaskToken.OPEN).token

    def aborted(self) -> int:
        services.stop_execution(self.waiting)
        return self.waiting.pk

    def grant_to_other(self) -> int:
        permissions.grant(self.machine, VIEW, user=self.other)
        return permissions.grants_on(self.machine).get(user=self.other).pk

    def key_of_granted(self) -> str:
        return credentials.issue_access_key(self.granted)[0].access_key_id

    def token_of_granted(self) -> int:
        return credentials.issue_api_token(self.granted, "ci")[0].pk

    def connection(self):
        return Connection.objects.first() or create_connection("partner")


@dataclass
class Row:
    need: str
    path: Callable[[World], str]
    body: dict | Callable[[World], dict] = field(default_factory=dict)
    ok: int = 200


M = "/api/state-machines/Orders"
TABLE: dict[tuple[str, str], Row] = {
    ("api/validate", "POST"): Row(SIGNED_IN, lambda w: "/api/validate", {"definition": PASS}),
    ("api/schema/", "GET"): Row(SIGNED_IN, lambda w: "/api/schema/"),
    ("api/state-machines/", "GET"): Row(SIGNED_IN, lambda w: "/api/state-machines/"),
    ("api/state-machines/", "POST"): Row(CREATE, lambda w: "/api/state-machines/",
                                         {"name": "Fresh", "definition": PASS}, ok=201),
    ("api/state-machines/<str:name>/", "GET"): Row(VIEW, lambda w: f"{M}/"),
    ("api/state-machines/<str:name>/", "PATCH"): Row(EDIT, lambda w: f"{M}/", {"role_arn": "arn:aws:iam::1:role/x"}),
    ("api/state-machines/<str:name>/revisions/", "GET"): Row(VIEW, lambda w: f"{M}/revisions/"),
    ("api/state-machines/<str:name>/export/", "GET"): Row(VIEW, lambda w: f"{M}/export/?format=yaml"),
    ("api/state-machines/<str:name>/export/", "POST"): Row(VIEW, lambda w: f"{M}/export/?format=yaml",
                                                          {"definition": PASS}),
    ("api/state-machines/<str:name>/revisions/<str:revision_id>/", "GET"): Row(
        VIEW, lambda w: f"{M}/revisions/{w.machine.revision.revision_id}/"),
    ("api/state-machines/<str:name>/versions/", "GET"): Row(VIEW, lambda w: f"{M}/versions/"),
    ("api/state-machines/<str:name>/versions/", "POST"): Row(EDIT, lambda w: f"{M}/versions/",
                                                             {"description": "first"}, ok=201),
    ("api/state-machines/<str:name>/layout/", "GET"): Row(VIEW, lambda w: f"{M}/layout/"),
    ("api/state-machines/<str:name>/layout/", "PUT"): Row(EDIT, lambda w: f"{M}/layout/",
                                                          {"positions": {"Route": {"x": 0, "y": 0}}}),
    ("api/state-machines/<str:name>/draft/", "GET"): Row(VIEW, lambda w: f"{M}/draft/"),
    ("api/state-machines/<str:name>/draft/", "PUT"): Row(EDIT, lambda w: f"{M}/draft/", {"definition": "{"}),
    ("api/state-machines/<str:name>/draft/", "DELETE"): Row(EDIT, lambda w: f"{M}/draft/", ok=204),
    ("api/templates/", "GET"): Row(SIGNED_IN, lambda w: "/api/templates/"),
    ("api/state-machines/<str:name>/executions/", "GET"): Row(VIEW, lambda w: f"{M}/executions/"),
    ("api/state-machines/<str:name>/executions/", "POST"): Row(EXECUTE, lambda w: f"{M}/executions/",
                                                               {"input": {}}, ok=201),
    ("api/executions/<int:pk>/", "GET"): Row(VIEW, lambda w: f"/api/executions/{w.waiting.pk}/"),
    ("api/executions/<int:pk>/children/", "GET"): Row(VIEW, lambda w: f"/api/executions/{w.fanned.pk}/children/"),
    ("api/executions/<int:pk>/stop/", "POST"): Row(EXECUTE, lambda w: f"/api/executions/{w.waiting.pk}/stop/"),
    ("api/executions/<int:pk>/redrive/", "POST"): Row(EXECUTE, lambda w: f"/api/executions/{w.aborted()}/redrive/"),
    ("api/executions/<int:pk>/history/", "GET"): Row(VIEW, lambda w: f"/api/executions/{w.waiting.pk}/history/"),
    ("api/executions/<int:pk>/map-runs/", "GET"): Row(VIEW, lambda w: f"/api/executions/{w.fanned.pk}/map-runs/"),
    ("api/map-runs/<int:pk>/", "GET"): Row(VIEW, lambda w: f"/api/map-runs/{w.map_run.pk}/"),
    ("api/map-runs/<int:pk>/", "PATCH"): Row(EXECUTE, lambda w: f"/api/map-runs/{w.map_run.pk}/",
                                             {"max_concurrency": 1}),
    ("api/map-runs/<int:pk>/executions/", "GET"): Row(VIEW, lambda w: f"/api/map-runs/{w.map_run.pk}/executions/"),
    ("api/activities/", "GET"): Row(SIGNED_IN, lambda w: "/api/activities/"),
    ("api/activities/", "POST"): Row(ACTIVITIES, lambda w: "/api/activities/", {"name": "review"}, ok=201),
    ("api/tasks/success/", "POST"): Row(APPROVE, lambda w: "/api/tasks/success/",
                                        lambda w: {"token": w.token, "output": {}}, ok=204),
    ("api/tasks/failure/", "POST"): Row(APPROVE, lambda w: "/api/tasks/failure/", lambda w: {"token": w.token},
                                        ok=204),
    ("api/tasks/heartbeat/", "POST"): Row(APPROVE, lambda w: "/api/tasks/heartbeat/", lambda w: {"token": w.token},
                                          ok=204),
    ("api/account/", "GET"): Row(SIGNED_IN, lambda w: "/api/account/"),
    ("api/account/access-keys/", "GET"): Row(SIGNED_IN, lambda w: "/api/account/access-keys/"),
    ("api/account/access-keys/", "POST"): Row(SIGNED_IN, lambda w: "/api/account/access-keys/", ok=201),
    ("api/account/access-keys/<str:access_key_id>/", "DELETE"): Row(
        OWNER, lambda w: f"/api/account/access-keys/{w.key_of_granted()}/", ok=204),
    ("api/account/tokens/", "GET"): Row(SIGNED_IN, lambda w: "/api/account/tokens/"),
    ("api/account/tokens/", "POST"): Row(SIGNED_IN, lambda w: "/api/account/tokens/", {"name": "ci"}, ok=201),
    ("api/account/tokens/<int:pk>/", "DELETE"): Row(OWNER, lambda w: f"/api/account/tokens/{w.token_of_granted()}/",
                                                    ok=204),
    ("api/state-machines/<str:name>/permissions/", "GET"): Row(ADMIN, lambda w: f"{M}/permissions/"),
    ("api/state-machines/<str:name>/permissions/", "POST"): Row(
        ADMIN, lambda w: f"{M}/permissions/", lambda w: {"user": w.other.username, "permission": VIEW}, ok=201),
    ("api/state-machines/<str:name>/permissions/<int:grant_id>/", "DELETE"): Row(
        ADMIN, lambda w: f"{M}/permissions/{w.grant_to_other()}/", ok=204),
    ("api/users/", "GET"): Row(SUPERUSER, lambda w: "/api/users/"),
    ("api/users/", "POST"): Row(SUPERUSER, lambda w: "/api/users/",
                                {"username": "dora", "password": "a-long-enough-passphrase"}, ok=201),
    ("api/users/<int:pk>/", "GET"): Row(SUPERUSER, lambda w: f"/api/users/{w.other.pk}/"),
    ("api/users/<int:pk>/", "PATCH"): Row(SUPERUSER, lambda w: f"/api/users/{w.other.pk}/",
                                          {"email": "carol@example.com"}),
    ("api/users/<int:pk>/", "DELETE"): Row(SUPERUSER, lambda w: f"/api/users/{w.other.pk}/", ok=204),
    ("api/groups/", "GET"): Row(SUPERUSER, lambda w: "/api/groups/"),
    ("api/groups/", "POST"): Row(SUPERUSER, lambda w: "/api/groups/", {"name": "auditors"}, ok=201),
    ("api/groups/<int:pk>/", "GET"): Row(SUPERUSER, lambda w: f"/api/groups/{w.group.pk}/"),
    ("api/groups/<int:pk>/", "PATCH"): Row(SUPERUSER, lambda w: f"/api/groups/{w.group.pk}/",
                                           {"name": "operators", "members": ["carol"]}),
    ("api/groups/<int:pk>/", "DELETE"): Row(SUPERUSER, lambda w: f"/api/groups/{w.group.pk}/", ok=204),
    ("api/audit/", "GET"): Row(SUPERUSER, lambda w: "/api/audit/"),
    ("api/connections/", "GET"): Row(SIGNED_IN, lambda w: "/api/connections/"),
    ("api/connections/", "POST"): Row(CONNECTIONS, lambda w: "/api/connections/", {"name": "fresh"}, ok=201),
    ("api/connections/<str:name>/", "GET"): Row(SIGNED_IN, lambda w: f"/api/connections/{w.connection().name}/"),
    ("api/connections/<str:name>/", "PATCH"): Row(CONNECTIONS, lambda w: f"/api/connections/{w.connection().name}/",
                                                  {"description": "changed"}),
    ("api/connections/<str:name>/", "DELETE"): Row(CONNECTIONS, lambda w: f"/api/connections/{w.connection().name}/",
                                                   ok=204),
}


def api_routes() -> set[tuple[str, str]]:
    """(route, METHOD) of every REST endpoint under /api/, read from the URL resolver."""
    found = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/"):
                view = pattern.callback.cls
                found.update((route, method.upper()) for method in view.http_method_names
                             if method not in ("options", "head", "trace") and hasattr(view, method))

    walk(get_resolver().url_patterns, "")
    return found


def test_the_table_covers_every_api_endpoint():
    assert api_routes() == set(TABLE)


def account_permission(user_or_group, *codes: str) -> None:
    target = user_or_group.user_permissions if hasattr(user_or_group, "user_permissions") \
        else user_or_group.permissions
    target.add(*Permission.objects.filter(content_type__app_label="accounts", codename__in=codes))


def person(name: str, *, grants=(), account=(), superuser: bool = False, machine=None):
    user = get_user_model().objects.create_user(name, password="a-long-enough-passphrase", is_superuser=superuser)
    for permission in grants:
        permissions.grant(machine, permission, user=user)
    account_permission(user, *account)
    return user


def client_of(user) -> APIClient:
    """A client that signs in as `user` with a real API token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {credentials.issue_api_token(user, 'tests')[1]}")
    return client


@pytest.fixture
def world() -> World:
    machine = make_machine(ORDERS)
    waiting = services.start_execution(machine, input="{}")
    fanned = services.start_execution(machine, input='{"fan": [1, 2]}')
    other = get_user_model().objects.create_user("carol", password="a-long-enough-passphrase")
    return World(machine=machine, waiting=waiting, fanned=fanned, map_run=MapRun.objects.get(execution=fanned),
                 other=other, group=Group.objects.create(name="ops"))


def granted_and_refused(need: str, machine):
    """The user who holds exactly what `need` asks, and one who lacks it (None: every signed-in user may)."""
    everything_else = [p for p in permissions.ALL if p not in (need, ADMIN)]
    if need in permissions.ALL:
        refused = person("refused", machine=machine, grants=everything_else if need != VIEW else ())
        return person("granted", machine=machine, grants=[need]), refused
    if need in (CREATE, ACTIVITIES):
        others = [code for code in ("create_statemachine", "manage_activities", "work_activities") if code != need]
        return person("granted", account=[need]), person("refused", account=others, machine=machine,
                                                         grants=[ADMIN])
    if need == CONNECTIONS:
        granted = person("granted")
        granted.user_permissions.add(Permission.objects.get(content_type__app_label="integrations", codename=need))
        return granted, person("refused", account=["create_statemachine", "manage_activities", "work_activities"],
                               machine=machine, grants=[ADMIN])
    if need == SUPERUSER:
        return person("granted", superuser=True), person(
            "refused", account=["create_statemachine", "manage_activities", "work_activities"], machine=machine,
            grants=[ADMIN])
    return person("granted"), person("refused") if need == OWNER else None


@pytest.mark.parametrize("route, method", sorted(TABLE), ids=[f"{m} {r}" for r, m in sorted(TABLE)])
def test_anonymous_refused_without_permission_refused_with_it_served(world, route, method):
    row = TABLE[route, method]
    world.granted, refused = granted_and_refused(row.need, world.machine)
    path = row.path(world)
    body = row.body(world) if callable(row.body) else row.body

    def call(client):
        return getattr(client, method.lower())(path, body, format="json") if method != "GET" \
            else client.get(path)

    anonymous = call(APIClient())
    assert anonymous.status_code == 401, anonymous.content
    assert anonymous["WWW-Authenticate"] == "Bearer"
    if refused is not None:
        response = call(client_of(refused))
        assert response.status_code in (403, 404), response.content
        if row.need == VIEW:  # not even told it exists
            assert response.status_code == 404, response.content
        elif row.need != OWNER:
            assert (response.status_code, response.json()["code"]) == (403, "AccessDeniedException")
    served = call(client_of(world.granted))
    assert served.status_code == row.ok, served.content


def test_a_user_who_may_not_view_sees_the_same_404_as_for_a_missing_machine(world):
    stranger = client_of(person("stranger"))
    foreign, missing = stranger.get(f"{M}/"), stranger.get("/api/state-machines/Nope/")
    assert (foreign.status_code, missing.status_code) == (404, 404)
    assert foreign.json()["code"] == missing.json()["code"] == "StateMachineDoesNotExist"
    foreign_run, missing_run = stranger.get(f"/api/executions/{world.waiting.pk}/"), stranger.get("/api/executions/0/")
    assert foreign_run.json()["code"] == missing_run.json()["code"] == "ExecutionDoesNotExist"


def test_lists_show_only_what_the_user_may_view(world):
    make_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, name="Secret")
    viewer = client_of(person("viewer", machine=world.machine, grants=[VIEW]))
    assert [m["name"] for m in viewer.get("/api/state-machines/").json()] == ["Orders"]
    assert client_of(person("nobody")).get("/api/state-machines/").json() == []


def test_a_group_grant_counts_like_a_user_grant(world):
    team = Group.objects.create(name="runners")
    member = person("member")
    member.groups.add(team)
    permissions.grant(world.machine, EXECUTE, group=team)
    started = client_of(member).post(f"{M}/executions/", {"input": {}}, format="json")
    assert started.status_code == 201
    assert Execution.objects.get(pk=started.json()["id"]).started_by == member


def test_the_creator_of_a_machine_becomes_its_admin(world):
    creator = person("creator", account=["create_statemachine"])
    client = client_of(creator)
    assert client.post("/api/state-machines/", {"name": "Mine", "definition": PASS}, format="json").status_code == 201
    [grant] = client.get("/api/state-machines/Mine/permissions/").json()
    assert (grant["subject"], grant["name"], grant["permission"]) == ("user", "creator", ADMIN)


def test_sending_someone_elses_definition_again_does_not_make_you_its_admin(world):
    make_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, name="Theirs")
    client = client_of(person("creator", account=["create_statemachine"]))
    again = client.post("/api/state-machines/", {"name": "Theirs", "definition": PASS}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "StateMachineAlreadyExists")
    assert not Grant.objects.filter(state_machine__name="Theirs").exists()


def test_an_activity_worker_may_answer_an_activity_token_only(world):
    worker = client_of(person("worker", account=["work_activities"]))
    response = worker.post("/api/tasks/heartbeat/", {"token": world.token}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "AccessDeniedException")


def test_every_rest_change_is_audited_and_reads_are_not(world, api_client):
    token = world.token
    calls = [("post", "/api/state-machines/", {"name": "Fresh", "definition": PASS}),
             ("patch", "/api/state-machines/Fresh/", {"role_arn": "arn:aws:iam::1:role/x"}),
             ("patch", "/api/state-machines/Fresh/", {"role_arn": "arn:aws:iam::1:role/x"}),  # no change
             ("post", f"{M}/executions/", {"name": "again", "input": {}}),
             ("post", "/api/tasks/heartbeat/", {"token": token}),
             ("post", "/api/tasks/failure/", {"token": token, "error": "No"}),
             ("post", f"/api/executions/{world.waiting.pk}/redrive/", {}),
             ("post", f"/api/executions/{world.waiting.pk}/stop/", {}),
             ("patch", f"/api/map-runs/{world.map_run.pk}/", {"max_concurrency": 2}),
             ("post", "/api/activities/", {"name": "review"}),
             ("get", f"{M}/", None), ("get", f"/api/executions/{world.waiting.pk}/history/", None)]
    for method, path, body in calls:
        response = getattr(api_client, method)(path, body, format="json")
        assert response.status_code < 300, (path, response.content)
    answered = TaskToken.objects.filter(execution=world.waiting).exclude(token=token).get()
    assert api_client.post("/api/tasks/success/", {"token": answered.token, "output": {}},
                           format="json").status_code == 409  # stopped since: a refused answer is not logged
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == [
        "state_machine.create", "state_machine.update", "execution.start", "task.heartbeat", "task.reject",
        "execution.redrive", "execution.stop", "map_run.update", "activity.create"]
    assert {(e.actor_name, e.via) for e in events} == {("admin", "api")}
    assert events[3].target == world.waiting.arn and token not in json.dumps([e.detail for e in events])
