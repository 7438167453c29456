import json
from pathlib import Path

import yaml
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from designer import creation, drafts, errors, layouts, services
from designer.accounts import audit, permissions
from designer.models import StateMachine
from designer.serializers import (
    DraftSerializer,
    DraftWriteSerializer,
    LayoutSerializer,
    RevisionDetailSerializer,
    RevisionSerializer,
    StateMachineCreateSerializer,
    StateMachineListSerializer,
    StateMachineSerializer,
    StateMachineUpdateSerializer,
    TemplateSerializer,
    ValidateDefinitionSerializer,
    VersionPublishSerializer,
    VersionSerializer,
)
from designer.templates_library import templates

DEMO_DEFINITION = Path(__file__).resolve().parent / "demo" / "order.asl.json"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The site's front door is the workflows (drawing and running them is what people come for)."""
    return redirect("machines")


@login_required
def validator(request: HttpRequest) -> HttpResponse:
    """The validator page: paste a definition, see the diagnostics."""
    return render(request, "designer/home.html", {"demo_definition": DEMO_DEFINITION.read_text()})


class DownloadNegotiation(DefaultContentNegotiation):
    """Downloads take `?format=` as the file's format, not as DRF's renderer override; their errors stay JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ValidateView(APIView):
    """POST {"definition": "<ASL JSON text>"} -> {"result": "OK"|"FAIL", "diagnostics": [...]}."""

    @extend_schema(request=ValidateDefinitionSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        serializer = ValidateDefinitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # ValidateStateMachineDefinition: only errors fail a definition; OK may come with warnings.
        result, diagnostics = drafts.diagnostics(serializer.validated_data["definition"])
        return Response({"result": result, "diagnostics": diagnostics})


def get_state_machine(name: str, user, permission: str = permissions.VIEW) -> StateMachine:
    """The machine named `name` if `user` holds `permission` on it. One they may not even view answers exactly
    like a missing one (nothing tells them it exists); one they may view answers AccessDeniedException."""
    machine = permissions.visible_state_machine(user, name)
    if machine is None:
        raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{name}'")
    permissions.require(user, permission, machine)
    return machine


class StateMachineListView(APIView):
    """GET: the state machines you may view, each with its latest execution. POST {name, definition, role_arn?,
    type?}: create one (you need the account-wide create_statemachine permission, and become its admin)."""

    @extend_schema(responses=StateMachineListSerializer(many=True))
    def get(self, request: Request) -> Response:
        machines = services.with_last_execution(permissions.with_permission(request.user).select_related("revision"))
        return Response(StateMachineListSerializer(machines, many=True).data)

    @extend_schema(request=StateMachineCreateSerializer, responses={201: StateMachineSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(StateMachineCreateSerializer, request.data)
        created = creation.create_state_machine_for(request.user, audit.Actor.of(request, audit.API), **data)
        return Response(StateMachineSerializer(created.machine).data, status=201)


class StateMachineDetailView(APIView):
    """GET: one state machine. PATCH {definition?, role_arn?}: save a new revision (edit permission)."""

    @extend_schema(responses=StateMachineSerializer)
    def get(self, request: Request, name: str) -> Response:
        return Response(StateMachineSerializer(get_state_machine(name, request.user)).data)

    @extend_schema(request=StateMachineUpdateSerializer, responses=StateMachineSerializer)
    def patch(self, request: Request, name: str) -> Response:
        machine = get_state_machine(name, request.user, permissions.EDIT)
        data = _valid(StateMachineUpdateSerializer, request.data)
        before = machine.revision_id
        machine = services.update_state_machine(machine, **data)
        if machine.revision_id != before:
            audit.record(audit.Actor.of(request, audit.API), "state_machine.update", target=machine.arn,
                         revision_id=str(machine.revision.revision_id), changed=sorted(data))
        return Response(StateMachineSerializer(machine).data)


class RevisionListView(APIView):
    """GET: every saved revision of a state machine, oldest first."""

    @extend_schema(responses=RevisionSerializer(many=True))
    def get(self, request: Request, name: str) -> Response:
        machine = get_state_machine(name, request.user)
        return Response(RevisionSerializer(machine.revisions.all(), many=True).data)


class RevisionDetailView(APIView):
    """GET: one revision with its definition (to diff two side by side) and the versions published from it."""

    @extend_schema(responses=RevisionDetailSerializer)
    def get(self, request: Request, name: str, revision_id: str) -> Response:
        machine = get_state_machine(name, request.user)
        return Response(RevisionDetailSerializer(services.find_revision(machine, revision_id)).data)


class VersionListView(APIView):
    """GET: the published versions, newest first. POST {description?, revision_id?}: publish the current
    revision as the next version (edit permission); 201 with the new version, or 200 with the latest one when
    it holds the current revision already (publishing is idempotent, as in AWS). A draft is never published:
    save it first (PATCH the machine), which validates it."""

    @extend_schema(responses=VersionSerializer(many=True))
    def get(self, request: Request, name: str) -> Response:
        machine = get_state_machine(name, request.user)
        versions = machine.versions.select_related("revision").defer("revision__definition")
        return Response(VersionSerializer(versions, many=True).data)

    @extend_schema(request=VersionPublishSerializer, responses={200: VersionSerializer, 201: VersionSerializer})
    def post(self, request: Request, name: str) -> Response:
        machine = get_state_machine(name, request.user, permissions.EDIT)
        data = _valid(VersionPublishSerializer, request.data)
        revision_id = data.get("revision_id")
        version, created = services.publish_current_revision(
            machine, description=data.get("description"), revision_id=None if revision_id is None else str(revision_id))
        if created:
            audit.record(audit.Actor.of(request, audit.API), "version.publish", target=version.arn,
                         revision_id=str(version.revision.revision_id))
        return Response(VersionSerializer(version).data, status=201 if created else 200)


class LayoutView(APIView):
    """GET: where the designer draws each state, {"positions": {state path: {x, y}}, "updated_at"} (empty and
    null before anyone saved one). PUT {"positions"}: replace it (edit permission). Kept per machine, beside the
    definition and never in it."""

    @extend_schema(responses=LayoutSerializer)
    def get(self, request: Request, name: str) -> Response:
        layout = layouts.layout_of(get_state_machine(name, request.user))
        return Response(LayoutSerializer(layout or {"positions": {}, "updated_at": None}).data)

    @extend_schema(request=LayoutSerializer, responses=LayoutSerializer)
    def put(self, request: Request, name: str) -> Response:
        machine = get_state_machine(name, request.user, permissions.EDIT)
        data = _valid(LayoutSerializer, request.data)
        return Response(LayoutSerializer(layouts.save_layout(machine, data["positions"])).data)


class DraftView(APIView):
    """Your draft of a machine: definition text that need not be valid, with the validator's diagnostics.
    GET: {"draft": {...} or null} (view permission). PUT {definition, base_revision_id?}: keep it (edit
    permission). DELETE: discard it (edit permission; 204 whether or not there was one)."""

    @extend_schema(responses=OpenApiResponse(DraftSerializer(allow_null=True), description='{"draft": ... | null}'))
    def get(self, request: Request, name: str) -> Response:
        draft = drafts.draft_of(get_state_machine(name, request.user), request.user)
        return Response({"draft": None if draft is None else DraftSerializer(draft).data})

    @extend_schema(request=DraftWriteSerializer,
                   responses=OpenApiResponse(DraftSerializer, description='{"draft": ...}'))
    def put(self, request: Request, name: str) -> Response:
        machine = get_state_machine(name, request.user, permissions.EDIT)
        data = _valid(DraftWriteSerializer, request.data)
        base = data.get("base_revision_id")
        draft = drafts.save_draft(machine, request.user, data["definition"],
                                  base_revision_id=None if base is None else str(base))
        return Response({"draft": DraftSerializer(draft).data})

    @extend_schema(responses={204: None})
    def delete(self, request: Request, name: str) -> Response:
        drafts.discard_draft(get_state_machine(name, request.user, permissions.EDIT), request.user)
        return Response(status=204)


class TemplateListView(APIView):
    """GET: starting definitions for a new machine; create one from a template with the ordinary POST."""

    @extend_schema(responses=TemplateSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(TemplateSerializer(templates(), many=True).data)


class StateMachineExportView(APIView):
    """GET ?format=json|yaml: the current definition as a file to download. JSON is the stored text exactly as
    saved; YAML is the same document converted. POST {"definition": text} ?format=...: the same for a definition
    being edited and not saved yet (the designer's Export buttons export what it holds); nothing is stored."""

    content_negotiation_class = DownloadNegotiation

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["json", "yaml"])],
                   responses={(200, "application/json"): OpenApiTypes.OBJECT,
                              (200, "application/yaml"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request: Request, name: str) -> HttpResponse:
        machine = get_state_machine(name, request.user)
        return _download(machine.name, machine.definition, request.query_params.get("format", "json"))

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["json", "yaml"])],
                   request=ValidateDefinitionSerializer,
                   responses={(200, "application/json"): OpenApiTypes.OBJECT,
                              (200, "application/yaml"): OpenApiResponse(OpenApiTypes.STR)})
    def post(self, request: Request, name: str) -> HttpResponse:
        machine = get_state_machine(name, request.user)
        text = _valid(ValidateDefinitionSerializer, request.data)["definition"]
        try:
            document = json.loads(text)
        except ValueError as error:
            raise errors.ValidationException(f"The definition is not JSON: {error}") from None
        except RecursionError:
            raise errors.ValidationException("The definition is nested too deeply to export") from None
        if not isinstance(document, dict):
            raise errors.ValidationException("The definition must be a JSON object")
        return _download(machine.name, text, request.query_params.get("format", "json"))


def _download(name: str, text: str, kind: str) -> HttpResponse:
    """A definition's JSON text as a JSON or YAML file (attachment) named after the machine."""
    if kind == "json":
        body, content_type = text, "application/json"
    elif kind == "yaml":
        try:
            body = yaml.safe_dump(json.loads(text), sort_keys=False, allow_unicode=True)
        except RecursionError:
            raise errors.ValidationException("The definition is nested too deeply to export as YAML") from None
        content_type = "application/yaml"
    else:
        raise errors.ValidationException(f"format must be json or yaml, not '{kind}'")
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.asl.{kind}"'
    return response


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
