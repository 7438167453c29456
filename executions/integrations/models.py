"""A named connection, as stored: what the HTTP and XML-RPC tasks call through.

Everything a person may read is an ordinary column; every secret (the password, the API key, the OAuth client
secret, the client certificate's private key, the proxy URL, which may carry credentials, and the values of
parameters marked secret) lives only in `encrypted_secrets`, one Fernet token of a JSON object
(designer/accounts/secrets.py: the first FLOWDECK_SECRETS_KEY encrypts, all of them decrypt). A secret
parameter is kept in its list with `"value": null`, so the columns can be shown anywhere as they are.

`full_clean()` checks a connection completely (names, URLs, PEMs, what its kind of authentication needs), so
the REST API and any Python caller refuse the same things with the same messages; no message repeats a secret.
"""
from __future__ import annotations

import json
import re
import uuid
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from designer.accounts import secrets

NONE, BASIC, API_KEY, OAUTH_CLIENT_CREDENTIALS = "NONE", "BASIC", "API_KEY", "OAUTH_CLIENT_CREDENTIALS"
AUTH_TYPES = [(NONE, "No authentication"), (BASIC, "Basic (user name and password)"),
              (API_KEY, "API key (header or query parameter)"),
              (OAUTH_CLIENT_CREDENTIALS, "OAuth 2 client credentials")]

# The secret fields, by the names the REST API uses, and which kind of authentication each belongs to
# (None: any kind). A secret of another kind of authentication is dropped when the kind changes.
SECRET_FIELDS = {"password": BASIC, "api_key_value": API_KEY, "oauth_client_secret": OAUTH_CLIENT_CREDENTIALS,
                 "client_key": None, "proxy_url": None}
LOCATIONS = ("headers", "query", "body")  # AWS InvocationHttpParameters: HeaderParameters, QueryString..., Body...

NAME_PATTERN = r"^[\.\-_A-Za-z0-9]+\Z"  # EventBridge's rule for connection names (1..64 characters)
MAX_PARAMETERS = 100  # per location
MAX_KEY, MAX_VALUE = 512, 8192
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")  # RFC 9110 token: a header field name
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HEADER_VALUE = re.compile(r"^[\x20-\x7e]+\Z")


def validate_url(value: str, what: str = "URL", *, credentials: bool = False) -> None:
    """An absolute http(s) URL with a host. The value itself is never repeated: a proxy URL carries credentials."""
    if _CONTROL.search(value) or " " in value:
        raise ValidationError(f"The {what} must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number in range)
    except ValueError:
        raise ValidationError(f"The {what} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(f"The {what} must be an absolute http:// or https:// URL with a host")
    if not credentials and (parts.username is not None or parts.password is not None):
        raise ValidationError(f"The {what} must not carry credentials; use the connection's authentication")


def validate_base_url(value: str) -> None:
    validate_url(value, "base URL")


def validate_token_url(value: str) -> None:
    validate_url(value, "token URL")


def load_certificates(text: str) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(text.encode())
    except (ValueError, UnicodeError):
        raise ValidationError("Not a PEM certificate: expected one or more "
                              "'-----BEGIN CERTIFICATE-----' blocks") from None


def validate_certificates(text: str) -> None:
    load_certificates(text)


def load_private_key(text: str):
    """The PEM private key, or a ValidationError that never quotes it."""
    try:
        return serialization.load_pem_private_key(text.encode(), password=None)
    except TypeError:
        raise ValidationError("The client key is encrypted: give it without a passphrase") from None
    except (ValueError, UnicodeError, UnsupportedAlgorithm):
        raise ValidationError("The client key is not an unencrypted PEM private key "
                              "('-----BEGIN PRIVATE KEY-----', RSA or EC)") from None


def _public_der(key) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


class Connection(models.Model):
    name = models.CharField(max_length=64, unique=True, validators=[RegexValidator(
        NAME_PATTERN, "A connection name is 1 to 64 letters, digits, '.', '-' or '_'")])
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    description = models.CharField(max_length=512, blank=True)
    base_url = models.CharField(max_length=2048, blank=True, validators=[validate_base_url])
    auth_type = models.CharField(max_length=32, choices=AUTH_TYPES, default=NONE)
    username = models.CharField(max_length=512, blank=True)  # BASIC
    api_key_name = models.CharField(max_length=512, blank=True)  # API_KEY: the header or query parameter
    api_key_location = models.CharField(max_length=8, choices=[("header", "Header"), ("query", "Query")],
                                        default="header")
    oauth_token_url = models.CharField(max_length=2048, blank=True, validators=[validate_token_url])
    oauth_client_id = models.CharField(max_length=512, blank=True)
    oauth_scope = models.CharField(max_length=1024, blank=True)
    oauth_client_auth = models.CharField(max_length=8, choices=[("basic", "HTTP Basic"), ("body", "Form fields")],
                                         default="basic")
    oauth_extra_params = models.JSONField(default=dict, blank=True)  # {name: value}, sent with the grant
    # [{"key", "value", "secret"}]; a secret one has "value": null here, its value in encrypted_secrets.
    headers = models.JSONField(default=list, blank=True)
    query = models.JSONField(default=list, blank=True)
    body = models.JSONField(default=list, blank=True)
    verify_tls = models.BooleanField(default=True)
    ca_bundle = models.TextField(blank=True, validators=[validate_certificates])
    client_cert = models.TextField(blank=True, validators=[validate_certificates])
    timeout_seconds = models.PositiveIntegerField(default=60, validators=[MinValueValidator(1),
                                                                          MaxValueValidator(300)])
    encrypted_secrets = models.TextField(blank=True, editable=False)
    revision = models.CharField(max_length=32, blank=True, editable=False)  # new on every save: OAuth tokens are cached by it
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["name"]
        permissions = [("manage_connections", "Can create, change and delete connections (and so their secrets)")]

    def __str__(self) -> str:
        return self.name

    # --- Secrets ------------------------------------------------------------------------------------------

    def get_secrets(self) -> dict:
        """{secret field: value, "headers" | "query" | "body": {key: value}}, decrypted. Raises
        secrets.SecretUnreadable when no configured key opens it."""
        if not hasattr(self, "_secrets"):
            self._secrets = json.loads(secrets.decrypt(self.encrypted_secrets)) if self.encrypted_secrets else {}
        return self._secrets

    def set_secrets(self, values: dict) -> None:
        """Keep `values` (as get_secrets returns them; empty ones dropped), encrypted with the first key."""
        kept = {k: v for k, v in values.items() if v not in (None, "", {})}
        self._secrets = kept
        self.encrypted_secrets = secrets.encrypt(json.dumps(kept, sort_keys=True)) if kept else ""

    def secret_flags(self) -> dict[str, bool]:
        """Which secret fields are set: what a response may say instead of the secrets themselves."""
        held = self.get_secrets()
        return {name: bool(held.get(name)) for name in SECRET_FIELDS}

    # --- Validation ---------------------------------------------------------------------------------------

    def clean(self) -> None:
        problems: dict[str, list[str]] = {}

        def problem(field: str, message: str) -> None:
            problems.setdefault(field, []).append(message)

        held = self.get_secrets()
        if self.auth_type == BASIC:
            if not self.username:
                problem("username", "Basic authentication needs a user name")
            if not held.get("password"):
                problem("password", "Basic authentication needs a password")
            if ":" in self.username:
                problem("username", "A Basic authentication user name cannot contain ':'")
        elif self.auth_type == API_KEY:
            if not self.api_key_name:
                problem("api_key_name", "API key authentication needs the name of the header or query parameter")
            elif self.api_key_location == "header" and not _TOKEN.match(self.api_key_name):
                problem("api_key_name", "Not a valid header name")
            if not held.get("api_key_value"):
                problem("api_key_value", "API key authentication needs the key")
            elif self.api_key_location == "header" and not _HEADER_VALUE.match(held["api_key_value"]):
                problem("api_key_value", "A key sent in a header must be printable ASCII without line breaks")
        if self.auth_type == BASIC and held.get("password") and _CONTROL.search(held["password"]):
            problem("password", "A password cannot contain control characters")
        elif self.auth_type == OAUTH_CLIENT_CREDENTIALS:
            if not self.oauth_token_url:
                problem("oauth_token_url", "OAuth client credentials need the token endpoint's URL")
            if not self.oauth_client_id:
                problem("oauth_client_id", "OAuth client credentials need a client id")
            if not held.get("oauth_client_secret"):
                problem("oauth_client_secret", "OAuth client credentials need a client secret")
        holds_credentials = self.auth_type != NONE or any(
            isinstance(item, dict) and item.get("secret") is True for location in LOCATIONS
            for item in (getattr(self, location) or []))
        if holds_credentials and not self.base_url:
            problem("base_url", "A connection with credentials needs a base URL: the one origin they are sent to")
        if not isinstance(self.oauth_extra_params, dict) or not all(
                isinstance(k, str) and k and isinstance(v, str) for k, v in self.oauth_extra_params.items()):
            problem("oauth_extra_params", "Extra OAuth parameters are an object of names to string values")
        for location in LOCATIONS:
            for message in _parameter_problems(location, getattr(self, location), held.get(location) or {}):
                problem(location, message)
        if held.get("proxy_url"):
            try:
                validate_url(held["proxy_url"], "proxy URL", credentials=True)
            except ValidationError as error:
                problem("proxy_url", error.messages[0])
        self._check_client_certificate(held.get("client_key"), problem)
        if problems:
            raise ValidationError(problems)

    def _check_client_certificate(self, client_key: str | None, problem) -> None:
        if bool(self.client_cert) != bool(client_key):
            problem("client_key" if self.client_cert else "client_cert",
                    "A client certificate and its private key go together: give both or neither")
            return
        if not client_key:
            return
        try:
            key = load_private_key(client_key)
        except ValidationError as error:
            problem("client_key", error.messages[0])
            return
        try:
            certificate = load_certificates(self.client_cert)[0]
        except ValidationError:
            return  # the field's own validator says so
        if _public_der(certificate.public_key()) != _public_der(key.public_key()):
            problem("client_key", "The client key does not belong to the client certificate (the first one given)")

    def save(self, *args, **kwargs):
        self.revision = uuid.uuid4().hex
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "revision", "updated_at"}
        super().save(*args, **kwargs)


def _parameter_problems(location: str, parameters, secret_values: dict) -> list[str]:
    if not isinstance(parameters, list):
        return ["A list of {key, value, secret} parameters expected"]
    if len(parameters) > MAX_PARAMETERS:
        return [f"At most {MAX_PARAMETERS} parameters"]
    found, seen = [], set()
    for index, item in enumerate(parameters):
        where = f"[{index}]"
        if not isinstance(item, dict) or set(item) - {"key", "value", "secret"} or not isinstance(item.get("key"), str):
            found.append(f"{where}: a parameter is an object {{key, value, secret}}")
            continue
        key, secret = item["key"], item.get("secret", False)
        value = secret_values.get(key) if secret else item.get("value")
        if not key or len(key) > MAX_KEY:
            found.append(f"{where}: a key is 1 to {MAX_KEY} characters")
        elif location == "headers" and not _TOKEN.match(key):
            found.append(f"{where}: '{key}' is not a valid header name")
        if not isinstance(secret, bool):
            found.append(f"{where}: secret is true or false")
        elif secret and item.get("value") is not None:
            found.append(f"{where}: a secret parameter's value is kept encrypted, not in the list")
        if not isinstance(value, str) or not value and secret:
            found.append(f"{where}: '{key}' needs a value" + (" (a secret one)" if secret else ""))
        elif len(value) > MAX_VALUE or (location == "headers" and _CONTROL.search(value)):
            found.append(f"{where}: the value of '{key}' is too long or contains control characters")
        folded = key.lower() if location == "headers" else key
        if folded in seen:
            found.append(f"{where}: '{key}' is given twice")
        seen.add(folded)
    return found
