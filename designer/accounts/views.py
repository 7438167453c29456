"""Account pages: logging in, your account (password, access keys, API tokens, what you may do), and the site
admin's users, groups and audit log.

Server-rendered forms with CSRF tokens; every user-supplied string reaches the page through Django's
autoescaping. A secret (an access key's, a token) is rendered once, in the response to the POST that issues it.
"""
from __future__ import annotations

import csv
import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from designer.accounts import audit, credentials, permissions, ratelimit
from designer.accounts.forms import (ABILITIES, AccessKeyForm, ApiTokenForm, AuditFilterForm, GroupForm, User,
                                     UserCreateForm, UserEditForm, abilities)
from designer.accounts.models import AccessKey, ApiToken, Grant
from designer.models import StateMachine

AUDIT_PAGE_SIZE = 50


def site_admin_required(view):
    """Anonymous callers go to the login page; signed-in users who are not site admins get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.is_site_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _web(request) -> audit.Actor:
    return audit.Actor.of(request, audit.WEB)


# Logging in ------------------------------------------------------------------------------------------------

class LoginView(auth_views.LoginView):
    """Django's login (which refuses `next` to other sites), counted per client address before any password is
    checked. The audit records come from the auth signals (accounts/signals.py)."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        try:
            ratelimit.hit("login", request.META.get("REMOTE_ADDR", ""))
        except ratelimit.RateLimited as limited:
            form = self.get_form_class()(request, initial={"username": request.POST.get("username", "")})
            context = self.get_context_data(form=form, retry_after=limited.retry_after)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


# Your account ----------------------------------------------------------------------------------------------

@login_required
@require_GET
def account(request):
    return _account_page(request)


def _account_page(request, status: int = 200, **forms):
    user = request.user
    context = {
        "password_form": forms.get("password_form") or PasswordChangeForm(user),
        "key_form": forms.get("key_form") or AccessKeyForm(),
        "token_form": forms.get("token_form") or ApiTokenForm(),
        "access_keys": user.access_keys.all(),
        "api_tokens": user.api_tokens.all(),
        "abilities": [(ability.name, user.has_perm(f"accounts.{ability.codename}")) for ability in abilities()],
        "machine_grants": _machine_grants(user),
    }
    return render(request, "accounts/account.html", context, status=status)


def _machine_grants(user) -> list[Grant]:
    """The grants a user holds on live state machines, theirs and their groups', by machine name."""
    return list(Grant.objects.filter(Q(user=user) | Q(group__user=user),
                                     state_machine__in=StateMachine.objects.all())
                .select_related("state_machine", "group").distinct().order_by("state_machine__name", "permission"))


@login_required
@require_POST
def change_password(request):
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():
        return _account_page(request, status=400, password_form=form)
    user = form.save()
    update_session_auth_hash(request, user)  # stay logged in here; other sessions end
    audit.record(_web(request), "password.change", target=user.get_username())
    messages.success(request, "Your password has been changed.")
    return redirect("account")


@login_required
@require_POST
def create_access_key(request):
    form = AccessKeyForm(request.POST)
    if not form.is_valid():
        return _account_page(request, status=400, key_form=form)
    if (limited := _credentials_limited(request)) is not None:
        return limited
    key, secret = credentials.issue_access_key(request.user, form.cleaned_data["description"])
    audit.record(_web(request), "access_key.create", target=key.access_key_id, description=key.description)
    return _secret_page(request, "accounts/access_key_issued.html", {"key": key, "secret": secret})


@login_required
@require_POST
def revoke_access_key(request, pk: int):
    key = get_object_or_404(AccessKey, pk=pk, user=request.user)
    if credentials.revoke(key):
        audit.record(_web(request), "access_key.revoke", target=key.access_key_id)
        messages.success(request, f"Access key {key.access_key_id} revoked.")
    return redirect("account")


@login_required
@require_POST
def create_api_token(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, status=400, token_form=form)
    if (limited := _credentials_limited(request)) is not None:
        return limited
    row, token = credentials.issue_api_token(request.user, form.cleaned_data["name"], form.expires_at())
    audit.record(_web(request), "api_token.create", target=row.prefix, name=row.name,
                 expires_at=row.expires_at.isoformat() if row.expires_at else None)
    return _secret_page(request, "accounts/api_token_issued.html", {"token_row": row, "token": token})


@login_required
@require_POST
def revoke_api_token(request, pk: int):
    row = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if credentials.revoke(row):
        audit.record(_web(request), "api_token.revoke", target=row.prefix, name=row.name)
        messages.success(request, f"API token {row.name} revoked.")
    return redirect("account")


def _credentials_limited(request):
    try:
        ratelimit.hit("credentials", str(request.user.pk))
    except ratelimit.RateLimited as limited:
        messages.error(request, f"Too many keys and tokens created; try again in {limited.retry_after} s.")
        return _account_page(request, status=429)
    return None


def _secret_page(request, template: str, context: dict):
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"  # the one page that holds the secret stays out of every cache
    return response


# Site admin: users and groups ------------------------------------------------------------------------------

@site_admin_required
def users(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            audit.record(_web(request), "user.create", target=user.get_username(), **_user_detail(user))
        messages.success(request, f"User {user.get_username()} created.")
        return redirect("manage-user", pk=user.pk)
    everyone = User.objects.order_by("username").prefetch_related("groups")
    return render(request, "accounts/users.html", {"users": everyone, "form": form},
                  status=400 if form.is_bound else 200)


def _user_detail(user) -> dict:
    return {"superuser": user.is_superuser, "active": user.is_active,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "permissions": sorted(user.user_permissions.filter(codename__in=ABILITIES)
                                  .values_list("codename", flat=True))}


@site_admin_required
def user_detail(request, pk: int):
    subject = get_object_or_404(User, pk=pk)
    form = UserEditForm(request.POST or None, instance=subject, editor=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            if changed := form.changed_fields():
                audit.record(_web(request), "user.update", target=subject.get_username(), changed=changed,
                             **_user_detail(subject))
        messages.success(request, f"User {subject.get_username()} saved.")
        return redirect("manage-user", pk=subject.pk)
    return render(request, "accounts/user.html", {"subject": subject, "form": form},
                  status=400 if form.is_bound else 200)


@site_admin_required
@require_POST
def delete_user(request, pk: int):
    subject = get_object_or_404(User, pk=pk)
    if subject.pk == request.user.pk:
        messages.error(request, "You cannot delete yourself.")
        return redirect("manage-user", pk=pk)
    name = subject.get_username()
    with transaction.atomic():
        subject.delete()
        audit.record(_web(request), "user.delete", target=name)
    messages.success(request, f"User {name} deleted.")
    return redirect("manage-users")


@site_admin_required
def groups(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            group = form.save()
            audit.record(_web(request), "group.create", target=group.name, **_group_detail(group))
        messages.success(request, f"Group {group.name} created.")
        return redirect("manage-group", pk=group.pk)
    everyone = Group.objects.order_by("name").prefetch_related("user_set")
    return render(request, "accounts/groups.html", {"groups": everyone, "form": form},
                  status=400 if form.is_bound else 200)


def _group_detail(group: Group) -> dict:
    return {"members": sorted(group.user_set.values_list("username", flat=True)),
            "permissions": sorted(group.permissions.filter(codename__in=ABILITIES).values_list("codename", flat=True))}


@site_admin_required
def group_detail(request, pk: int):
    group = get_object_or_404(Group, pk=pk)
    old_name = group.name
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            if form.changed_data:
                audit.record(_web(request), "group.update", target=group.name, changed=form.changed_data,
                             **({"renamed_from": old_name} if old_name != group.name else {}), **_group_detail(group))
        messages.success(request, f"Group {group.name} saved.")
        return redirect("manage-group", pk=group.pk)
    return render(request, "accounts/group.html", {"group": group, "form": form},
                  status=400 if form.is_bound else 200)


@site_admin_required
@require_POST
def delete_group(request, pk: int):
    group = get_object_or_404(Group, pk=pk)
    name = group.name
    with transaction.atomic():
        group.delete()
        audit.record(_web(request), "group.delete", target=name)
    messages.success(request, f"Group {name} deleted.")
    return redirect("manage-groups")


# Site admin: the audit log ---------------------------------------------------------------------------------

@site_admin_required
@require_GET
def audit_log(request):
    form = AuditFilterForm(request.GET)
    events = form.events()
    page = Paginator(events if events is not None else [], AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.detail_text = json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else ""
    return render(request, "accounts/audit.html", {"form": form, "page": page},
                  status=200 if events is not None else 400)


@site_admin_required
@require_GET
def audit_export(request, fmt: str):
    form = AuditFilterForm(request.GET)
    events = form.events()
    if events is None:
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    rows = audit.export_rows(events)
    if fmt == "csv":
        body, content_type = _csv_lines(rows), "text/csv; charset=utf-8"
    else:
        body = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        content_type = "application/x-ndjson; charset=utf-8"
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="flowdeck-audit.{fmt}"'
    return response


class _Line:
    """csv.writer writes here; each row comes back as the string it wrote."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(rows):
    writer = csv.writer(_Line())
    yield writer.writerow(audit.EXPORT_FIELDS)
    for row in rows:
        yield writer.writerow([_cell(row[name]) for name in audit.EXPORT_FIELDS])


def _cell(value):
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    # A spreadsheet runs a cell that starts like a formula; user names and targets are user data.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
