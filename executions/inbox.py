"""The inbox: callback tasks (`.waitForTaskToken`) waiting for a person's answer, on the machines where the user
may approve. Approving answers the task with SendTaskSuccess `{"approved": true, "comment", "approvedBy"}`,
rejecting with SendTaskFailure `Rejected` and the comment as the cause, as executions.callbacks does for the APIs.

A form names the token by its row id, never by the token itself: the token is a bearer secret, looked up here.
Activity tasks are not listed; their workers answer them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from designer.accounts import audit, permissions
from designer.errors import FlowdeckError
from executions import authorization, callbacks, outline
from executions.models import Execution, ExecutionEvent, TaskToken
from executions.pages import pretty_json


class AnswerForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False)


@dataclass
class WaitingTask:
    token: TaskToken
    comment: str  # the task state's Comment in the definition
    instructions: str  # an "Instructions" field of the task's resolved Parameters / Arguments
    input: str  # the state's input, as it entered the state

    @property
    def execution(self) -> Execution:
        return self.token.execution


def open_tokens(user):
    machines = permissions.with_permission(user, permissions.APPROVE)
    return TaskToken.objects.filter(
        status=TaskToken.OPEN, execution__status=Execution.RUNNING, execution__state_machine__in=machines,
        activity_task__isnull=True,
    ).select_related("execution__state_machine", "execution__revision").order_by("created_at", "id")


def describe(token: TaskToken) -> WaitingTask:
    try:
        state = outline.find(json.loads(token.execution.revision.definition), token.state_name) or {}
    except ValueError:
        state = {}
    comment = state.get("Comment") if isinstance(state.get("Comment"), str) else ""
    entered = ExecutionEvent.objects.filter(
        execution_id=token.execution_id, type="TaskStateEntered",
        details__stateEnteredEventDetails__name=token.state_name).order_by("-event_id").first()
    if entered is None:
        return WaitingTask(token, comment, "", "")
    state_input = entered.details.get("stateEnteredEventDetails", {}).get("input")
    return WaitingTask(token, comment, _instructions(token, entered), pretty_json(state_input))


def _instructions(token: TaskToken, entered: ExecutionEvent) -> str:
    """`Instructions` from the parameters the task was scheduled with: top level, or one level down (a Lambda's
    Payload, a message body object). Of several attempts, the one that carries this token."""
    scheduled = [event.details.get("taskScheduledEventDetails", {}).get("parameters") or ""
                 for event in ExecutionEvent.objects.filter(execution_id=token.execution_id, type="TaskScheduled",
                                                            event_id__gt=entered.event_id).order_by("event_id")]
    if not scheduled:
        return ""
    text = next((p for p in scheduled if token.token in p), scheduled[-1])
    try:
        parameters = json.loads(text)
    except ValueError:
        return ""
    if not isinstance(parameters, dict):
        return ""
    found = parameters.get("Instructions")
    if found is None:
        found = next((value["Instructions"] for value in parameters.values()
                      if isinstance(value, dict) and "Instructions" in value), None)
    if found is None:
        return ""
    return found if isinstance(found, str) else json.dumps(found, indent=2, ensure_ascii=False)


@login_required
@require_GET
def inbox(request):
    tasks = [describe(token) for token in open_tokens(request.user)]
    return render(request, "executions/inbox.html", {"tasks": tasks})


@login_required
@require_POST
def approve(request, pk: int):
    return _answer(request, pk, approved=True)


@login_required
@require_POST
def reject(request, pk: int):
    return _answer(request, pk, approved=False)


def _answer(request, pk: int, *, approved: bool):
    token = TaskToken.objects.select_related("execution__state_machine").filter(pk=pk).first()
    if token is None or not permissions.has_permission(request.user, permissions.VIEW, token.execution.state_machine):
        raise Http404("No such task.")
    action = "task.approve" if approved else "task.reject"
    try:
        authorization.require_answer(request.user, token.token, action=action)
    except permissions.AccessDeniedException as exc:
        raise PermissionDenied(exc.message) from None
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The comment is too long (at most 4,000 characters).")
        return redirect("inbox")
    comment = form.cleaned_data["comment"]
    try:
        if approved:
            callbacks.send_task_success(token.token, json.dumps(
                {"approved": True, "comment": comment, "approvedBy": request.user.get_username()}))
        else:
            callbacks.send_task_failure(token.token, error="Rejected", cause=comment)
    except FlowdeckError as exc:
        # TaskTimedOut: answered meanwhile, timed out, or its execution ended.
        messages.warning(request, f"'{token.state_name}' of {token.execution.name} is no longer waiting "
                                  f"for an answer ({exc.code}).")
        return redirect("inbox")
    audit.record(audit.Actor.of(request, audit.WEB), action, target=token.execution.arn, state=token.state_name)
    messages.success(request, f"{'Approved' if approved else 'Rejected'} '{token.state_name}' "
                              f"of {token.execution.name}.")
    return redirect("inbox")
