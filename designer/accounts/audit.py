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
from typing import Any

from designer.accounts.models import AuditEvent

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
        return self.user.get_username() if self.user is not None else ("system" if self.via == SYSTEM else "anonymous")


def record(actor: Actor, action: str, target: str = "", **detail: Any) -> AuditEvent:
    return AuditEvent.objects.create(actor=actor.user, actor_name=actor.name, action=action, target=target[:300],
                                     address=actor.address[:64], via=actor.via, detail=detail)
