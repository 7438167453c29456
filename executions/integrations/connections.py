"""Connections by reference, and the changes people make to them.

A definition names a connection by its EventBridge ARN (`arn:aws:events:<region>:<account>:connection/<Name>`,
optionally followed by `/<uuid>`) or by its bare name; `resolve()` turns either into a `ConnectionConfig` with
every secret decrypted, for the duration of one call. The region and account of an ARN are not compared with
ours: a definition ported from AWS carries its own, and the name (with the uuid, when given) is what
identifies a connection here.

`create_connection` / `update_connection` are the one way to change a connection (the REST API calls them):
a secret field left out keeps its value, None or "" clears it; a secret parameter sent back with
`"value": null` keeps the value stored for that key. Both run the model's full validation.
"""
from __future__ import annotations

import copy
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from designer.accounts import secrets
from designer.errors import ConflictException, FlowdeckError, ResourceNotFound
from executions.integrations.config import (
    ApiKeyAuth,
    Auth,
    BasicAuth,
    ConnectionConfig,
    OAuthClientCredentials,
    Parameter,
)
from executions.integrations.models import (
    API_KEY,
    BASIC,
    LOCATIONS,
    OAUTH_CLIENT_CREDENTIALS,
    SECRET_FIELDS,
    Connection,
)

_ARN = re.compile(r"^arn:aws:events:[a-z0-9-]*:\d*:connection/(?P<name>[^/]+)(?:/(?P<uuid>[0-9a-fA-F-]{32,36}))?\Z")
# The columns a change may set; the secrets and the parameter lists are handled apart.
PLAIN_FIELDS = ("description", "base_url", "auth_type", "username", "api_key_name", "api_key_location",
                "oauth_token_url", "oauth_client_id", "oauth_scope", "oauth_client_auth", "oauth_extra_params",
                "verify_tls", "ca_bundle", "client_cert", "timeout_seconds")


class ConnectionNotFound(ResourceNotFound):
    """No connection answers to a reference (the HTTP and XML-RPC tasks fail with `asl_error`)."""

    asl_error = "Events.ConnectionResource.ResourceNotFound"


class ConnectionUnreadable(FlowdeckError):
    """The connection's secrets cannot be decrypted with the configured FLOWDECK_SECRETS_KEY (a key was removed
    before the connection was saved again with the new one)."""

    asl_error = "Events.ConnectionResource.InvalidConnectionState"


class ConnectionAlreadyExists(ConflictException):
    pass


def arn_of(connection: Connection) -> str:
    return (f"arn:aws:events:{settings.FLOWDECK_REGION}:{settings.FLOWDECK_ACCOUNT_ID}:"
            f"connection/{connection.name}/{connection.uuid}")


def find(reference: str) -> Connection:
    """The stored connection an ARN or a bare name refers to; ConnectionNotFound otherwise."""
    name, wanted_uuid = reference, None
    if reference.startswith("arn:"):
        match = _ARN.match(reference)
        if match is None:
            raise ConnectionNotFound(f"Not a connection ARN: '{reference}' "
                                     "(arn:aws:events:<region>:<account>:connection/<Name>[/<uuid>])")
        name, wanted_uuid = match["name"], match["uuid"]
    connection = Connection.objects.filter(name=name).first()
    if connection is None or (wanted_uuid and str(connection.uuid) != wanted_uuid.lower()):
        # A uuid that differs names a connection deleted since (and perhaps created again under the same name).
        raise ConnectionNotFound(f"Connection does not exist: '{reference}'")
    return connection


def resolve(reference: str) -> ConnectionConfig:
    """The connection `reference` (ARN or name) names, ready to call through, secrets decrypted. Raises
    ConnectionNotFound, or ConnectionUnreadable when its secrets cannot be decrypted."""
    return to_config(find(reference))


def to_config(connection: Connection) -> ConnectionConfig:
    try:
        held = connection.get_secrets()
    except secrets.SecretUnreadable:
        raise ConnectionUnreadable(f"The secrets of connection '{connection.name}' cannot be decrypted with "
                                   "FLOWDECK_SECRETS_KEY") from None
    return ConnectionConfig(
        name=connection.name, arn=arn_of(connection), base_url=connection.base_url or None,
        auth=_auth(connection, held),
        headers=_parameters(connection.headers, held.get("headers", {})),
        query=_parameters(connection.query, held.get("query", {})),
        body=_parameters(connection.body, held.get("body", {})),
        verify_tls=connection.verify_tls, ca_bundle=connection.ca_bundle or None,
        client_cert=connection.client_cert or None, client_key=held.get("client_key") or None,
        proxy_url=held.get("proxy_url") or None, timeout_seconds=float(connection.timeout_seconds),
        revision=connection.revision)


def _auth(connection: Connection, held: dict) -> Auth:
    if connection.auth_type == BASIC:
        return BasicAuth(connection.username, held["password"])
    if connection.auth_type == API_KEY:
        return ApiKeyAuth(connection.api_key_name, held["api_key_value"], connection.api_key_location)
    if connection.auth_type == OAUTH_CLIENT_CREDENTIALS:
        return OAuthClientCredentials(
            connection.oauth_token_url, connection.oauth_client_id, held["oauth_client_secret"],
            scope=connection.oauth_scope or None, client_auth=connection.oauth_client_auth,
            extra_params=dict(connection.oauth_extra_params))
    return None


def _parameters(items: list[dict], secret_values: dict) -> tuple[Parameter, ...]:
    return tuple(Parameter(item["key"], secret_values[item["key"]] if item["secret"] else item["value"],
                           item["secret"]) for item in items)


# --- Changes ----------------------------------------------------------------------------------------------


def create_connection(name: str, *, created_by=None, **changes) -> Connection:
    """A new connection from `changes` (plain fields, secret fields, parameter lists). Raises
    django ValidationError (field -> messages) or ConnectionAlreadyExists."""
    if Connection.objects.filter(name=name).exists():
        raise ConnectionAlreadyExists(f"Connection already exists: '{name}'")
    connection = Connection(name=name, created_by=created_by)
    connection.set_secrets({})
    _apply(connection, changes)
    try:
        with transaction.atomic():
            connection.save()
    except IntegrityError:  # created meanwhile by someone else
        raise ConnectionAlreadyExists(f"Connection already exists: '{name}'") from None
    return connection


def update_connection(connection: Connection, changes: dict) -> list[str]:
    """Apply `changes` and save; the names of the fields that changed (secrets included, never their values),
    empty when nothing did (and then nothing is saved, so the revision stays)."""
    try:
        before = _snapshot(connection)
    except secrets.SecretUnreadable:
        before = None  # an unreadable connection can still be repaired by sending its secrets again
        connection.set_secrets({})
    _apply(connection, changes)
    after = _snapshot(connection)
    changed = sorted(field for field in after if before is None or before[field] != after[field])
    if changed:
        columns = [f for f in (*PLAIN_FIELDS, *LOCATIONS) if f in changed]
        connection.save(update_fields=[*columns, "encrypted_secrets"])
    return changed


def _apply(connection: Connection, changes: dict) -> None:
    unknown = set(changes) - set(PLAIN_FIELDS) - set(SECRET_FIELDS) - set(LOCATIONS)
    if unknown:
        raise ValidationError({field: ["Unknown field"] for field in sorted(unknown)})
    held = {k: v for k, v in connection.get_secrets().items()}
    for field in PLAIN_FIELDS:
        if field in changes:
            setattr(connection, field, changes[field])
    for field in SECRET_FIELDS:
        if field in changes:
            held[field] = changes[field] or None
    for location in LOCATIONS:
        if location in changes:
            listed, values = _split_parameters(location, changes[location], held.get(location) or {})
            setattr(connection, location, listed)
            held[location] = values
    for field, auth_type in SECRET_FIELDS.items():
        if auth_type is not None and auth_type != connection.auth_type:
            held.pop(field, None)  # a secret of another kind of authentication is not kept
    connection.set_secrets(held)
    connection.full_clean(exclude=["name"] if connection.pk else None, validate_unique=False)


def _split_parameters(location: str, items, stored: dict) -> tuple[list, dict]:
    """The list as stored (secret values replaced by None) and the secret values by key. A secret item without a
    value keeps the one stored for its key, so a list read from the API can be sent back as it is."""
    if not isinstance(items, list):
        raise ValidationError({location: ["A list of {key, value, secret} parameters expected"]})
    listed, values = [], {}
    for item in items:
        if not isinstance(item, dict):
            listed.append(item)  # the model's validation names the problem
            continue
        item = {"key": item.get("key"), "value": item.get("value"), "secret": item.get("secret", False)}
        if item["secret"] is True:
            value = item["value"] if item["value"] not in (None, "") else stored.get(item["key"])
            if value is not None:
                values[item["key"]] = value
            item["value"] = None
        listed.append(item)
    return listed, values


def _snapshot(connection: Connection) -> dict:
    held = connection.get_secrets()
    state = {field: getattr(connection, field) for field in (*PLAIN_FIELDS, *LOCATIONS)}
    state.update({field: held.get(field) for field in SECRET_FIELDS})
    for location in LOCATIONS:  # a secret parameter's value changing changes its list
        state[location] = (state[location], held.get(location) or {})
    return copy.deepcopy(state)
