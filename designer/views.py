from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from designer.asl.validate import validate
from designer.serializers import ValidateDefinitionSerializer

DEMO_DEFINITION = Path(__file__).resolve().parent / "demo" / "order.asl.json"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "designer/home.html", {"demo_definition": DEMO_DEFINITION.read_text()})


class ValidateView(APIView):
    """POST {"definition": "<ASL JSON text>"} -> {"result": "OK"|"FAIL", "diagnostics": [...]}."""

    def post(self, request: Request) -> Response:
        serializer = ValidateDefinitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        diagnostics = validate(serializer.validated_data["definition"], severity="WARNING")
        # ValidateStateMachineDefinition: only errors fail a definition; OK may come with warnings.
        result = "FAIL" if any(d.severity == "ERROR" for d in diagnostics) else "OK"
        return Response({"result": result, "diagnostics": [d.to_dict() for d in diagnostics]})
