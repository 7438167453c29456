"""The audit log: `record(actor, action, target, **detail)` after anything that changes who can do what or what
runs. Never put a secret in `detail`.

Actions (dotted, noun first): state_machine.create/update/delete, version.publish/delete, alias.create/update/
delete, tags.update, execution.start/stop/redrive, map_run.update, task.approve/reject/heartbeat,
activity.create/delete, permission.grant/revoke, access_key.create/revoke, api_token.create/revoke,
user.create/update/delete, group.create/update/delete, password.change, login, login.failed, logout,
connection.create/update/delete.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from django.utils.dateparse import parse_date, parse_datetime

from designer.accounts.models import AuditEvent

if TYPE_CHECKING:
    from django.db.models import QuerySet

WEB, API, AWS, CLI, SYSTEM = "web", "api", "aws", "cli", "system"


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: a user (None for the system or an anonymous caller), the client's address, and
    the door they came through (web pages, REST api, aws endpoint, cli, system)."""

    user: Any = None
    address: str = ""
    via: str = SYSTEM

    @classmethod
    def of(cls, request, via: str) -> Actor:
        """From a Django or DRF request (Daphne's --proxy-headers puts the client's address in REMOTE_ADDR)."""
        user = getattr(request, "user", None)
        return cls(user if user is not None and user.is_authenticated else None,
                   request.META.get("REMOTE_ADDR", "") or "", via)

    @property
    def name(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        return {SYSTEM: "system", CLI: "command line"}.get(self.via, "anonymous")


def record(actor: Actor, action: str, target: str = "", **detail: Any) -> AuditEvent:
    return AuditEvent.objects.create(actor=actor.user, actor_name=actor.name, action=action, target=target[:300],
                                     address=actor.address[:64], via=actor.via, detail=detail)


FILTERS = ("actor", "action", "target", "address", "via", "since", "until")


def search(params) -> "QuerySet[AuditEvent]":
    """Audit events, newest first, narrowed by any of FILTERS from a mapping (a query string): `actor` (exact user
    name), `action` (exact, or a prefix ending in '.', e.g. `execution.`), `target` (substring), `address`, `via`,
    `since` / `until` (ISO 8601 date or date-time). Raises ValueError on a bad date."""
    events = AuditEvent.objects.all()
    if params.get("actor"):
        events = events.filter(actor_name=params["actor"])
    action = params.get("action")
    if action:
        events = events.filter(action__startswith=action) if action.endswith(".") else events.filter(action=action)
    if params.get("target"):
        events = events.filter(target__contains=params["target"])
    if params.get("address"):
        events = events.filter(address=params["address"])
    if params.get("via"):
        events = events.filter(via=params["via"])
    for name, lookup in (("since", "at__gte"), ("until", "at__lt")):
        raw = params.get(name)
        if raw:
            events = events.filter(**{lookup: _moment(name, raw)})
    return events


def _moment(name: str, raw: str):
    """A date means its midnight (UTC), for `until` the next one, so that the day is included; a date-time without
    an offset is UTC. Dates are tried first: parse_datetime takes "2026-01-31" too, as a naive midnight."""
    try:
        day = parse_date(raw)
        moment = parse_datetime(raw) if day is None else datetime.combine(
            day + (timedelta(days=1) if name == "until" else timedelta()), time(), tzinfo=timezone.utc)
    except ValueError as error:  # well formed but impossible, like 2026-02-31
        raise ValueError(f"{name}: {error} ({raw!r})") from None
    if moment is None:
        raise ValueError(f"{name}: an ISO 8601 date or date-time expected, got {raw!r}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


EXPORT_FIELDS = ("id", "at", "actor_name", "action", "target", "address", "via", "detail")


def export_rows(events):
    """Rows for an export: dicts of EXPORT_FIELDS with JSON-ready values."""
    for event in events.iterator():
        yield {"id": event.id, "at": event.at.isoformat(), "actor_name": event.actor_name, "action": event.action,
               "target": event.target, "address": event.address, "via": event.via, "detail": event.detail}
