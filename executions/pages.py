"""Pages of workflows and executions (the machine list is machine_list.py): one machine (run it, export it, manage who
may use it) and one execution (watched live through executions/consumers.py).

Every view asks designer.accounts.permissions. A machine, or an execution of one, that the user may not view is
a 404 exactly like a missing one, so a page never tells whether something exists; a visible machine the user may
not act on answers 403. User data (state names, comments, inputs, outputs) reaches the page only through the
template engine's escaping, and scripts live in static files (the site's Content-Security-Policy allows no
inline script).
"""
from __future__ import annotations

import json

import yaml
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from designer.accounts import audit, permissions
from designer.errors import FlowdeckError
from designer.models import StateMachine
from executions import outline, services
from executions.models import Execution
from executions.serializers import ExecutionEventSerializer

RECENT_EXECUTIONS = 50


class StartForm(forms.Form):
    name = forms.CharField(max_length=80, required=False, help_text="Optional; a UUID when empty.")
    input = forms.CharField(widget=forms.Textarea, required=False, initial="{}", help_text="JSON")


class GrantForm(forms.Form):
    to = forms.ChoiceField(choices=[("user", "User"), ("group", "Group")], initial="user")
    subject = forms.CharField(max_length=150, label="Name")
    permission = forms.ChoiceField(choices=[(p, p) for p in permissions.ALL])

    def clean(self):
        data = super().clean()
        kind, name = data.get("to"), data.get("subject")
        if kind and name:
            model = get_user_model() if kind == "user" else Group
            lookup = {model.USERNAME_FIELD: name} if kind == "user" else {"name": name}
            data["target"] = model.objects.filter(**lookup).first()
            if data["target"] is None:
                raise forms.ValidationError(f"No {kind} is called '{name}'.")
        return data


def visible_machine(user, name: str) -> StateMachine:
    """The machine `name` if `user` may view it; 404 otherwise, as if it did not exist."""
    machine = permissions.visible_state_machine(user, name)
    if machine is None:
        raise Http404("No such state machine.")
    return machine


def visible_execution(user, pk: int) -> Execution:
    execution = Execution.objects.select_related("state_machine", "revision").filter(pk=pk).first()
    if execution is None or not permissions.has_permission(user, permissions.VIEW, execution.state_machine):
        raise Http404("No such execution.")
    return execution


def _require(user, permission: str, machine: StateMachine) -> None:
    if not permissions.has_permission(user, permission, machine):
        raise PermissionDenied(f"You need the '{permission}' permission on {machine.name}.")


def pretty_json(text: str | None) -> str:
    """JSON text indented for reading (shown escaped, in a <pre>); text that is not JSON is shown as it is."""
    if text is None:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


@login_required
@require_GET
def machine(request, name: str):
    return _machine_page(request, visible_machine(request.user, name))


def _machine_page(request, machine: StateMachine, *, start_form: StartForm | None = None,
                  grant_form: GrantForm | None = None, status: int = 200):
    held = permissions.permissions_on(request.user, machine)
    try:
        definition = json.loads(machine.definition)
    except ValueError:
        definition = {}
    context = {
        "machine": machine,
        "held": sorted(held),
        "definition": pretty_json(machine.definition),
        "states": list(outline.states(definition)),
        "executions": machine.executions.filter(map_run__isnull=True).order_by("-start_date", "-id")[
            :RECENT_EXECUTIONS],
        "start_form": (start_form or StartForm()) if permissions.EXECUTE in held else None,
        "grants": permissions.grants_on(machine) if permissions.ADMIN in held else None,
        "grant_form": (grant_form or GrantForm()) if permissions.ADMIN in held else None,
    }
    return render(request, "executions/machine.html", context, status=status)


@login_required
@require_GET
def design(request, name: str):
    """The designer (frontend/, a React app): the page only hands it the machine; it reads the definition from the
    REST API, which also decides what saving is allowed (`can_edit` only shapes the UI)."""
    machine = visible_machine(request.user, name)
    return render(request, "executions/design.html", {
        "machine": machine, "can_edit": permissions.has_permission(request.user, permissions.EDIT, machine)})


@login_required
@require_POST
def start(request, name: str):
    machine = visible_machine(request.user, name)
    _require(request.user, permissions.EXECUTE, machine)
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            execution = services.start_execution(machine, input=form.cleaned_data["input"].strip() or None,
                                                 name=form.cleaned_data["name"] or None, started_by=request.user)
        except FlowdeckError as exc:
            form.add_error(None, f"{exc.code}: {exc.message}")
        else:
            audit.record(audit.Actor.of(request, audit.WEB), "execution.start", target=execution.arn)
            return redirect("execution-page", pk=execution.pk)
    return _machine_page(request, machine, start_form=form, status=400)


@login_required
@require_GET
def export(request, name: str, format: str):
    machine = visible_machine(request.user, name)
    if format == "json":
        body, content_type = pretty_json(machine.definition) + "\n", "application/json"
    else:
        body = yaml.safe_dump(json.loads(machine.definition), sort_keys=False, allow_unicode=True)
        content_type = "application/yaml"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{machine.name}.asl.{format}"'
    return response


@login_required
@require_POST
def grant(request, name: str):
    machine = visible_machine(request.user, name)
    _require(request.user, permissions.ADMIN, machine)
    form = GrantForm(request.POST)
    if not form.is_valid():
        return _machine_page(request, machine, grant_form=form, status=400)
    kind, target, permission = form.cleaned_data["to"], form.cleaned_data["target"], form.cleaned_data["permission"]
    if permissions.grant(machine, permission, **{kind: target}):
        audit.record(audit.Actor.of(request, audit.WEB), "permission.grant", target=machine.arn,
                     permission=permission, **{kind: str(target)})
        messages.success(request, f"Granted {permission} to {kind} {target}.")
    else:
        messages.info(request, f"The {kind} {target} already holds {permission}.")
    return redirect("machine", name=machine.name)


@login_required
@require_POST
def revoke(request, name: str):
    machine = visible_machine(request.user, name)
    _require(request.user, permissions.ADMIN, machine)
    raw = request.POST.get("grant", "")
    row = permissions.grants_on(machine).filter(pk=raw).first() if raw.isdigit() else None
    if row is None:
        messages.error(request, "That permission was already revoked.")
        return redirect("machine", name=machine.name)
    kind, target = ("user", row.user) if row.user is not None else ("group", row.group)
    permissions.revoke(machine, row.permission, **{kind: target})
    audit.record(audit.Actor.of(request, audit.WEB), "permission.revoke", target=machine.arn,
                 permission=row.permission, **{kind: str(target)})
    messages.success(request, f"Revoked {row.permission} from {kind} {target}.")
    return redirect("machine", name=machine.name)


@login_required
@require_GET
def execution(request, pk: int):
    execution = visible_execution(request.user, pk)
    events = [ExecutionEventSerializer(event).data for event in services.execution_history(execution)]
    context = {
        "execution": execution,
        "machine": execution.state_machine,
        "input": pretty_json(execution.input),
        "output": pretty_json(execution.output),
        "events": [_event_row(event) for event in events],
        "after": events[-1]["id"] if events else 0,
        "can_stop": permissions.has_permission(request.user, permissions.EXECUTE, execution.state_machine),
    }
    return render(request, "executions/execution.html", context)


def _event_row(event: dict) -> dict:
    """An event as the history table shows it (execution.js builds the same rows for live events)."""
    details = {k: v for k, v in event.items() if k not in ("id", "type", "timestamp", "previousEventId")}
    return {"id": event["id"], "type": event["type"], "timestamp": event["timestamp"],
            "details": json.dumps(details, indent=1, ensure_ascii=False) if details else ""}


@login_required
@require_POST
def stop(request, pk: int):
    execution = visible_execution(request.user, pk)
    _require(request.user, permissions.EXECUTE, execution.state_machine)
    if execution.status != Execution.RUNNING:
        messages.info(request, f"The execution had already ended ({execution.status}).")
        return redirect("execution-page", pk=execution.pk)
    try:
        services.stop_execution(execution, error=None, cause=f"Stopped by {request.user.get_username()}")
    except FlowdeckError as exc:
        messages.error(request, f"{exc.code}: {exc.message}")
    else:
        audit.record(audit.Actor.of(request, audit.WEB), "execution.stop", target=execution.arn)
        messages.success(request, "Execution stopped.")
    return redirect("execution-page", pk=execution.pk)
