"""Per-state-machine permissions: the one place that says who may do what to which state machine.

Five permissions, granted to users or groups on one state machine each:
- view: see the machine (definition, versions, aliases, tags), its executions, their history and live events;
- edit: change it (save a definition, publish and delete versions, manage aliases and tags);
- execute: start executions, stop and redrive them;
- approve: answer its waiting tasks (the inbox; SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat);
- admin: all of the above, grant and revoke permissions on it, delete it.
Every permission implies view (you cannot run or approve what you cannot see), admin implies all. Superusers
hold every permission on every machine. Account-wide abilities (creating machines, activities) are Django
permissions on the Grant model (see models.Grant.Meta.permissions): `can_create_state_machines` and friends.
"""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from designer.accounts.models import ADMIN, APPROVE, EDIT, EXECUTE, PERMISSIONS, VIEW, Grant
from designer.errors import FlowdeckError
from designer.models import StateMachine

ALL = tuple(code for code, _ in PERMISSIONS)
# Which granted permissions give each permission.
_GIVEN_BY = {
    VIEW: frozenset(ALL),
    EDIT: frozenset({EDIT, ADMIN}),
    EXECUTE: frozenset({EXECUTE, ADMIN}),
    APPROVE: frozenset({APPROVE, ADMIN}),
    ADMIN: frozenset({ADMIN}),
}


class AccessDeniedException(FlowdeckError):
    """AWS's name for an authorization failure; the REST API answers 403 (or 404 where even seeing is denied)."""


def _active(user) -> bool:
    return user is not None and not isinstance(user, AnonymousUser) and user.is_authenticated and user.is_active


def _subject(user) -> Q:
    return Q(user=user) | Q(group__user=user)


def permissions_on(user, machine: StateMachine) -> frozenset[str]:
    """Every permission `user` holds on `machine`, implied ones included."""
    return permissions_on_each(user, [machine])[machine.pk]


def permissions_on_each(user, machines) -> dict[int, frozenset[str]]:
    """`permissions_on` for many machines, by primary key, in one query (a list page's rows)."""
    machine_ids = [machine.pk for machine in machines]
    if not _active(user):
        return dict.fromkeys(machine_ids, frozenset())
    if user.is_superuser:
        return dict.fromkeys(machine_ids, frozenset(ALL))
    granted: dict[int, set[str]] = {pk: set() for pk in machine_ids}
    for machine_id, permission in (Grant.objects.filter(_subject(user), state_machine_id__in=machine_ids)
                                   .values_list("state_machine_id", "permission")):
        granted[machine_id].add(permission)
    return {pk: frozenset(p for p in ALL if _GIVEN_BY[p] & held) for pk, held in granted.items()}


def has_permission(user, permission: str, machine: StateMachine) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return Grant.objects.filter(_subject(user), state_machine_id=machine.pk,
                                permission__in=_GIVEN_BY[permission]).exists()


def visible_state_machine(user, name: str) -> StateMachine | None:
    """The machine called `name` if `user` may view it, else None: callers answer a machine they may not see
    exactly as a missing one."""
    machine = StateMachine.objects.select_related("revision").filter(name=name).first()
    return machine if machine is not None and has_permission(user, VIEW, machine) else None


def require(user, permission: str, machine: StateMachine, *, action: str = "") -> None:
    """Raise AccessDeniedException unless `user` holds `permission` on `machine`."""
    if not has_permission(user, permission, machine):
        who = user.get_username() if _active(user) else "anonymous"
        what = f"perform {action}" if action else f"{permission}"
        raise AccessDeniedException(f"User: {who} is not authorized to {what} on resource: {machine.arn} "
                                    f"(needs the '{permission}' permission)")


def with_permission(user, permission: str = VIEW, machines: QuerySet | None = None) -> QuerySet:
    """`machines` (default: every live state machine) narrowed to those `user` holds `permission` on."""
    machines = StateMachine.objects.all() if machines is None else machines
    if not _active(user):
        return machines.none()
    if user.is_superuser:
        return machines
    granted = Grant.objects.filter(_subject(user), state_machine=OuterRef("pk"), permission__in=_GIVEN_BY[permission])
    return machines.filter(Exists(granted))


def can_create_state_machines(user) -> bool:
    return _active(user) and user.has_perm("accounts.create_statemachine")


def can_manage_activities(user) -> bool:
    return _active(user) and user.has_perm("accounts.manage_activities")


def can_work_activities(user) -> bool:
    return _active(user) and user.has_perm("accounts.work_activities")


def is_site_admin(user) -> bool:
    """Manages users, groups and every machine's permissions; reads the audit log."""
    return _active(user) and user.is_superuser


def grant(machine: StateMachine, permission: str, *, user=None, group: Group | None = None) -> bool:
    """Give `permission` on `machine` to a user or a group; False if they held that grant already."""
    _check(permission, user, group)
    with transaction.atomic():
        _, created = Grant.objects.get_or_create(state_machine=machine, user=user, group=group, permission=permission)
    return created


def revoke(machine: StateMachine, permission: str, *, user=None, group: Group | None = None) -> bool:
    """Take a grant back; False if there was none."""
    _check(permission, user, group)
    deleted, _ = Grant.objects.filter(state_machine=machine, user=user, group=group, permission=permission).delete()
    return bool(deleted)


def grants_on(machine: StateMachine) -> QuerySet:
    return Grant.objects.filter(state_machine=machine).select_related("user", "group").order_by("id")


def make_creator_admin(machine: StateMachine, user) -> None:
    """Whoever creates a machine administers it (superusers already do)."""
    if _active(user) and not user.is_superuser:
        grant(machine, ADMIN, user=user)


def _check(permission: str, user, group) -> None:
    if permission not in ALL:
        raise ValueError(f"unknown permission {permission!r}; one of {', '.join(ALL)}")
    if (user is None) == (group is None):
        raise ValueError("a grant goes to a user or to a group, exactly one")


__all__ = ["ADMIN", "ALL", "APPROVE", "EDIT", "EXECUTE", "VIEW", "AccessDeniedException", "can_create_state_machines",
           "can_manage_activities", "can_work_activities", "grant", "grants_on", "has_permission", "is_site_admin",
           "make_creator_admin", "permissions_on", "require", "revoke", "with_permission"]
