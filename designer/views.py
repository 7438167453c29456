from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from designer import errors, services
from designer.asl.validate import validate
from designer.models import StateMachine
from designer.serializers import (
    RevisionSerializer,
    StateMachineCreateSerializer,
    StateMachineSerializer,
    StateMachineUpdateSerializer,
    ValidateDefinitionSerializer,
)

DEMO_DEFINITION = Path(__file__).resolve().parent / "demo" / "order.asl.json"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "designer/home.html", {"demo_definition": DEMO_DEFINITION.read_text()})


class ValidateView(APIView):
    """POST {"definition": "<ASL JSON text>"} -> {"result": "OK"|"FAIL", "diagnostics": [...]}."""

    @extend_schema(request=ValidateDefinitionSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        serializer = ValidateDefinitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        diagnostics = validate(serializer.validated_data["definition"], severity="WARNING")
        # ValidateStateMachineDefinition: only errors fail a definition; OK may come with warnings.
        result = "FAIL" if any(d.severity == "ERROR" for d in diagnostics) else "OK"
        return Response({"result": result, "diagnostics": [d.to_dict() for d in diagnostics]})


def get_state_machine(name: str) -> StateMachine:
    machine = StateMachine.objects.select_related("revision").filter(name=name).first()
    if machine is None:
        raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{name}'")
    return machine


class StateMachineListView(APIView):
    """GET: all state machines. POST {name, definition, role_arn?, type?}: create one."""

    @extend_schema(responses=StateMachineSerializer(many=True))
    def get(self, request: Request) -> Response:
        machines = StateMachine.objects.select_related("revision")
        return Response(StateMachineSerializer(machines, many=True).data)

    @extend_schema(request=StateMachineCreateSerializer, responses={201: StateMachineSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(StateMachineCreateSerializer, request.data)
        machine = services.create_state_machine(**data)
        return Response(StateMachineSerializer(machine).data, status=201)


class StateMachineDetailView(APIView):
    """GET: one state machine. PATCH {definition?, role_arn?}: save a new revision."""

    @extend_schema(responses=StateMachineSerializer)
    def get(self, request: Request, name: str) -> Response:
        return Response(StateMachineSerializer(get_state_machine(name)).data)

    @extend_schema(request=StateMachineUpdateSerializer, responses=StateMachineSerializer)
    def patch(self, request: Request, name: str) -> Response:
        data = _valid(StateMachineUpdateSerializer, request.data)
        machine = services.update_state_machine(get_state_machine(name), **data)
        return Response(StateMachineSerializer(machine).data)


class RevisionListView(APIView):
    """GET: every saved revision of a state machine, oldest first."""

    @extend_schema(responses=RevisionSerializer(many=True))
    def get(self, request: Request, name: str) -> Response:
        machine = get_state_machine(name)
        return Response(RevisionSerializer(machine.revisions.all(), many=True).data)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
