"""The machine list (/machines/): every machine the user may view, and, for those who may create machines, three
ways to make one: blank, from a template, or by importing ASL (pasted or uploaded, JSON or YAML).

Each way is a form posted to /machines/ (its `source` says which) and ends in `creation.create_state_machine_for`,
the REST API's create, so the permission check, the role default, the creator's admin grant and the audit
record are the same. A definition must pass the validator to become a machine, as through the API; an import that
does not is shown again with the validator's diagnostics, the text kept in the form. After creating, the user
lands in the designer.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from designer import creation, drafts, errors
from designer import services as machine_services
from designer.accounts import audit, permissions
from designer.asl import importing
from designer.errors import FlowdeckError
from designer.models import StateMachine
from designer.templates_library import templates

MAX_BYTES = machine_services.MAX_DEFINITION_BYTES
DIAGNOSTICS_SHOWN = 20


class NewMachineForm(forms.Form):
    """What every way of creating asks: a name and a type. Subclasses say where the definition comes from."""

    name = forms.CharField(max_length=80, help_text="Up to 80 characters, no spaces: letters, digits, - and _.",
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    type = forms.ChoiceField(choices=StateMachine.TYPES, initial=StateMachine.STANDARD)

    def definition(self) -> str:
        return self.cleaned_data["definition"]

    def add_failure(self, exc: FlowdeckError) -> None:
        """Put what the create refused next to the field it is about."""
        if isinstance(exc, errors.StateMachineAlreadyExists):
            self.add_error("name", already_exists(self.cleaned_data["name"]))
        elif isinstance(exc, errors.InvalidName):
            self.add_error("name", exc.message)
        elif isinstance(exc, errors.InvalidDefinition) and "definition" in self.fields:
            self.add_error("definition", exc.message)
        else:
            self.add_error(None, exc.message)


def already_exists(name: str) -> str:
    return f"A state machine named '{name}' already exists: choose another name."


class BlankForm(NewMachineForm):
    def clean(self):
        data = super().clean()
        data["definition"] = _template("blank").definition
        return data


class TemplateForm(NewMachineForm):
    template = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = [t for t in templates() if t.id != "blank"]  # blank has its own form
        self.fields["template"].choices = [(t.id, t.name) for t in self.templates]
        self.fields["template"].initial = self.templates[0].id

    def clean(self):
        data = super().clean()
        if data.get("template"):
            data["definition"] = _template(data["template"]).definition
        return data

    def choices(self) -> list:
        """(radio button, template) pairs, to show each template's description beside its button."""
        return list(zip(self["template"], self.templates))


class ImportForm(NewMachineForm):
    FORMATS = [("auto", "Detect"), (importing.JSON, "JSON"), (importing.YAML, "YAML")]

    definition = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "autocapitalize": "off"}),
        required=False, strip=False, label="Definition",
        help_text="Paste ASL as JSON or YAML. JSON is kept exactly as written; YAML becomes JSON in the same order.")
    file = forms.FileField(required=False, label="Or upload a file",
                           help_text=".json, .yaml or .yml, at most 1 MiB",
                           widget=forms.FileInput(attrs={"accept": ".json,.yaml,.yml,application/json,"
                                                                            "application/yaml,text/yaml,text/plain"}))
    format = forms.ChoiceField(choices=FORMATS, initial="auto",
                               help_text="Detect: by the file's extension, else JSON when the text starts with {")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        # HTML forms send a textarea's line breaks as CRLF, whatever was pasted: that is transport, not the text. A
        # byte order mark pasted with the text is dropped, as the upload's utf-8-sig drops it (JSON has none, and
        # with it the text was taken for YAML and rewritten).
        text = data.get("definition", "").replace("\r\n", "\n").removeprefix("\ufeff")
        if upload is not None:
            if text.strip():
                raise forms.ValidationError("Paste a definition or upload a file, not both.")
            text = self._read(upload)
            if text is None:
                return data
        if not text.strip():
            self.add_error("definition", "Paste a definition or upload a file.")
            return data
        chosen = data.get("format", "auto")
        format = importing.format_of(text, filename=upload.name if upload else None) if chosen == "auto" else chosen
        try:
            data["definition"] = importing.definition_text(text, format, max_bytes=MAX_BYTES)
        except importing.ImportProblem as problem:
            self.add_error("definition", str(problem))
            return data
        result, diagnostics = drafts.diagnostics(data["definition"])
        if result == "FAIL":
            lines = _diagnostic_lines(diagnostics)
            if format == importing.YAML:
                lines.insert(0, "The YAML was checked as the JSON it converts to: the locations and any line numbers "
                                "below are that JSON's.")
            self.add_error("definition", lines)
        return data

    def _read(self, upload) -> str | None:
        """The uploaded file's text, also put in the text box so that nothing is lost if the form comes back."""
        if upload.size > MAX_BYTES:
            self.add_error("file", f"{upload.name} is {upload.size:,} bytes; a definition is at most "
                                   f"{importing.limit_text(MAX_BYTES)}.")
            return None
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("file", f"{upload.name} is not UTF-8 text.")
            return None
        self.data = self.data.copy()
        self.data[self.add_prefix("definition")] = text
        if self.data.get(self.add_prefix("format"), "auto") == "auto":
            self.data[self.add_prefix("format")] = importing.format_of(text, filename=upload.name)
        return text


def _diagnostic_lines(diagnostics: list[dict]) -> list[str]:
    found = [d for d in diagnostics if d["severity"] == "ERROR"]
    lines = [f"{d['code']} at {d['location'] or '/'}: {d['message']}" for d in found[:DIAGNOSTICS_SHOWN]]
    if len(found) > DIAGNOSTICS_SHOWN:
        lines.append(f"… and {len(found) - DIAGNOSTICS_SHOWN} more")
    return lines


def _template(id: str):
    return next(t for t in templates() if t.id == id)


FORMS = {"blank": BlankForm, "template": TemplateForm, "import": ImportForm}


@login_required
@require_http_methods(["GET", "POST"])
def machines(request):
    if request.method == "GET":
        return _list_page(request)
    if not permissions.can_create_state_machines(request.user):
        raise PermissionDenied("You need the account-wide create_statemachine permission to create state machines.")
    source = request.POST.get("source")
    if source not in FORMS:
        return _list_page(request, status=400)
    form = FORMS[source](request.POST, request.FILES, prefix=source)
    if form.is_valid():
        name = form.cleaned_data["name"]
        try:
            created = creation.create_state_machine_for(
                request.user, audit.Actor.of(request, audit.WEB), name=name, definition=form.definition(),
                type=form.cleaned_data["type"])
        except permissions.AccessDeniedException as exc:
            raise PermissionDenied(exc.message) from None
        except FlowdeckError as exc:
            form.add_failure(exc)
        else:
            if created.new:
                messages.success(request, f"Created {name}.")
                return redirect("machine-design", name=name)
            form.add_error("name", already_exists(name))  # the same machine again: say so rather than open it
    _focus_first_error(form)
    return _list_page(request, failed=form, status=400)


def _list_page(request, *, failed: NewMachineForm | None = None, status: int = 200):
    visible = machine_services.with_last_execution(permissions.with_permission(request.user))
    held = permissions.permissions_on_each(request.user, visible)
    rows = [{"machine": machine, "permissions": sorted(held[machine.pk])} for machine in visible]
    context = {"rows": rows, "can_create": permissions.can_create_state_machines(request.user), "failed": failed}
    if context["can_create"]:
        for source, form_class in FORMS.items():
            form = failed if failed is not None and failed.prefix == source else form_class(prefix=source)
            context[f"{source}_form"] = form
    return render(request, "executions/machines.html", context, status=status)


def _focus_first_error(form: NewMachineForm) -> None:
    """Autofocus (no script needed) brings the page to the form that failed: on the first field in error, else on
    the name."""
    fields = [name for name in form.fields if name in form.errors and name != "template"] or ["name"]
    form.fields[fields[0]].widget.attrs["autofocus"] = True
