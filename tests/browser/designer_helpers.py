"""What the designer's browser tests share: a machine and a user who may edit it, that user's page open on the
machine's design page (its script errors collected), the graph's nodes by their accessible names, the code view's
text replaced as a paste would, a form field committed, a save, and definitions compared key by key in order."""
from __future__ import annotations

import json
from collections.abc import Callable

from playwright.sync_api import expect

from designer import services
from designer.accounts import permissions
from tests.browser.conftest import log_in, watch_errors

ROLE = "arn:aws:iam::123456789012:role/flowdeck"


def make_machine(name: str, definition: str | dict):
    """A state machine; a dict definition is stored as indented JSON (as a person would write it)."""
    text = definition if isinstance(definition, str) else json.dumps(definition, indent=2)
    return services.create_state_machine(name=name, definition=text, role_arn=ROLE)


def password(username: str) -> str:
    return f"{username}-pass-1234"


def make_user(django_user_model, machine, username: str = "edna", permission: str = permissions.EDIT):
    """A user with `permission` on `machine` (edna: an editor), whose password is password(username)."""
    user = django_user_model.objects.create_user(username, password=password(username))
    permissions.grant(machine, permission, user=user)
    return user


def signed_in_page(new_page, user, *, console_errors: bool = True, viewport: dict | None = None):
    """A new page with `user` signed in; its script errors (and console errors, unless told not) in page.problems."""
    page = new_page()
    if viewport:
        page.set_viewport_size(viewport)
    page.problems = watch_errors(page, console=console_errors)
    log_in(page, user, password(user.get_username()))
    return page


def open_designer(new_page, django_user_model, name: str, definition: str | dict, *, username: str = "edna",
                  permission: str = permissions.EDIT, console_errors: bool = True, viewport: dict | None = None):
    """Machine `name` opened in the designer by a user with `permission` on it (edna: an editor); page.problems."""
    user = make_user(django_user_model, make_machine(name, definition), username, permission)
    page = signed_in_page(new_page, user, console_errors=console_errors, viewport=viewport)
    page.goto(f"/machines/{name}/design/")
    return page


def graph(page, name: str) -> tuple:
    """Machine `name`'s canvas and `node(label)`: a group on it (a state, an edge) by its exact accessible name."""
    canvas = page.get_by_role("application", name=f"Graph of {name}")
    node: Callable = lambda label: canvas.get_by_role("group", name=label, exact=True)  # noqa: E731
    return canvas, node


def replace_code(page, text: str) -> None:
    """Replaces the whole text in the code view (its tab shown) in one go, as a paste does."""
    page.get_by_role("textbox", name="Definition (ASL JSON)").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def save_revision(page) -> None:
    """Save in the Definition toolbar, for a definition the validator accepts: waits until it is a new revision."""
    toolbar = page.get_by_role("toolbar", name="Definition")
    toolbar.get_by_role("button", name="Save").click()
    expect(toolbar.get_by_role("status")).to_contain_text("Saved: revision")


def commit(field, text: str) -> None:
    """Types a value and leaves the field (Tab): the inspector's forms commit on blur."""
    field.fill(text)
    field.press("Tab")


def pairs(text: str) -> list:
    """JSON with every object as a list of (key, value) pairs: equal only with the same keys in the same order
    (numbers compare by value: 2.50 == 2.5)."""
    return json.loads(text, object_pairs_hook=list)
