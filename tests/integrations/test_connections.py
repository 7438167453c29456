"""Connections as stored and resolved: secrets only ever encrypted (rotation of the key included), references
by ARN or name, and the validation every caller gets (URLs, PEMs, what each kind of authentication needs)."""
from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError
from django.db import connection as db
from django.test import override_settings

from executions.integrations import connections
from executions.integrations.config import ApiKeyAuth, BasicAuth, OAuthClientCredentials, Parameter
from executions.integrations.connections import ConnectionNotFound, ConnectionUnreadable, resolve
from executions.integrations.models import Connection

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret-Password-for-tests-7781"
API_KEY = "ak-secret-value-5523-zz"
CLIENT_SECRET = "oauth-client-secret-9128-qq"
HEADER_SECRET = "header-secret-4417-pp"
PROXY = "http://proxyuser:proxy-pass-6620@proxy.example:3128"


def certificate_and_key(name: str = "client") -> tuple[str, str]:
    """A self-signed certificate and its private key, both PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()


def raw_row(pk: int) -> str:
    """Every column of the row as the database holds it."""
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM integrations_connection WHERE id = %s", [pk])
        return repr(cursor.fetchone())


def test_basic_connection_resolves_with_its_secrets_decrypted_and_parameters_in_order():
    cert, key = certificate_and_key()
    stored = connections.create_connection(
        "billing.api-v2_x", base_url="https://billing.example/api", auth_type="BASIC", username="bob",
        password=PASSWORD, proxy_url=PROXY, client_cert=cert, client_key=key, timeout_seconds=5,
        headers=[{"key": "X-Plain", "value": "a"}, {"key": "X-Token", "value": HEADER_SECRET, "secret": True}],
        query=[{"key": "tenant", "value": "7"}], body=[{"key": "source", "value": "flowdeck"}])
    config = resolve("billing.api-v2_x")
    assert config.auth == BasicAuth("bob", PASSWORD)
    assert config.headers == (Parameter("X-Plain", "a"), Parameter("X-Token", HEADER_SECRET, True))
    assert config.query == (Parameter("tenant", "7"),) and config.body == (Parameter("source", "flowdeck"),)
    assert (config.base_url, config.proxy_url, config.timeout_seconds) == ("https://billing.example/api", PROXY, 5.0)
    assert (config.client_cert, config.client_key, config.verify_tls, config.ca_bundle) == (cert, key, True, None)
    assert config.arn == f"arn:aws:events:us-east-1:123456789012:connection/billing.api-v2_x/{stored.uuid}"
    assert config.revision == stored.revision and config.revision
    assert set(config.secret_values()) == {PASSWORD, HEADER_SECRET, key, PROXY}


def test_secrets_are_stored_only_encrypted():
    cert, key = certificate_and_key()
    stored = connections.create_connection(
        "vault", base_url="https://api.example.org", auth_type="BASIC", username="bob", password=PASSWORD, proxy_url=PROXY, client_cert=cert,
        client_key=key, headers=[{"key": "X-Token", "value": HEADER_SECRET, "secret": True}])
    row = raw_row(stored.pk)
    assert "bob" in row and cert.splitlines()[1] in row  # the plain columns are there to read
    for secret in (PASSWORD, HEADER_SECRET, "proxy-pass-6620", key.splitlines()[1]):
        assert secret not in row
    assert Connection.objects.get(pk=stored.pk).headers == [{"key": "X-Token", "value": None, "secret": True}]


def test_api_key_and_oauth_authentication_resolve():
    connections.create_connection("keyed", base_url="https://api.example.org", auth_type="API_KEY", api_key_name="x-api-key", api_key_value=API_KEY,
                                  api_key_location="query")
    connections.create_connection("oauth", base_url="https://api.example.org", auth_type="OAUTH_CLIENT_CREDENTIALS",
                                  oauth_token_url="https://auth.example/token", oauth_client_id="client-1",
                                  oauth_client_secret=CLIENT_SECRET, oauth_scope="read write",
                                  oauth_client_auth="body", oauth_extra_params={"audience": "billing"})
    assert resolve("keyed").auth == ApiKeyAuth("x-api-key", API_KEY, "query")
    assert resolve("oauth").auth == OAuthClientCredentials("https://auth.example/token", "client-1", CLIENT_SECRET,
                                                           scope="read write", client_auth="body",
                                                           extra_params={"audience": "billing"})
    assert resolve("keyed").auth != resolve("oauth").auth and resolve("keyed").base_url == "https://api.example.org"


def test_resolve_by_arn_with_or_without_uuid_from_any_region_and_account():
    stored = connections.create_connection("orders")
    for reference in (connections.arn_of(stored), "arn:aws:events:eu-west-1:999999999999:connection/orders",
                      f"arn:aws:events:us-east-1:123456789012:connection/orders/{str(stored.uuid).upper()}"):
        assert resolve(reference).name == "orders"


@pytest.mark.parametrize("reference", [
    "missing", "arn:aws:events:us-east-1:123456789012:connection/missing",
    "arn:aws:events:us-east-1:123456789012:connection/orders/00000000-0000-0000-0000-000000000000",
    "arn:aws:states:us-east-1:123456789012:connection/orders", "arn:aws:events:us-east-1:123456789012:rule/orders",
])
def test_unknown_references_are_not_found(reference):
    connections.create_connection("orders")
    with pytest.raises(ConnectionNotFound) as raised:
        resolve(reference)
    assert raised.value.asl_error == "Events.ConnectionResource.ResourceNotFound"
    assert reference in raised.value.message


def test_a_rotated_key_still_decrypts_and_the_next_save_encrypts_with_the_new_key(settings):
    old = settings.FLOWDECK_SECRETS_KEYS
    stored = connections.create_connection("rotating", base_url="https://api.example.org", auth_type="BASIC", username="bob", password=PASSWORD)
    with override_settings(FLOWDECK_SECRETS_KEYS=["a-brand-new-key-for-rotation", *old]):
        assert resolve("rotating").auth.password == PASSWORD
        connections.update_connection(Connection.objects.get(pk=stored.pk), {"description": "rotated"})
    with override_settings(FLOWDECK_SECRETS_KEYS=["a-brand-new-key-for-rotation"]):
        assert resolve("rotating").auth.password == PASSWORD  # re-encrypted with the new key on save
    with override_settings(FLOWDECK_SECRETS_KEYS=["yet-another-key"]):
        with pytest.raises(ConnectionUnreadable) as raised:
            resolve("rotating")
        assert raised.value.asl_error == "Events.ConnectionResource.InvalidConnectionState"


def test_each_save_changes_the_revision_and_nothing_changed_saves_nothing():
    stored = connections.create_connection("rev", base_url="https://api.example.org", auth_type="BASIC", username="bob", password=PASSWORD)
    first = stored.revision
    assert connections.update_connection(stored, {"password": PASSWORD, "username": "bob"}) == []
    assert Connection.objects.get(pk=stored.pk).revision == first
    assert connections.update_connection(stored, {"password": "another-one"}) == ["password"]
    assert Connection.objects.get(pk=stored.pk).revision not in ("", first)


def test_secret_parameters_sent_back_without_a_value_keep_theirs():
    stored = connections.create_connection("params", base_url="https://api.example.org", headers=[
        {"key": "X-Token", "value": HEADER_SECRET, "secret": True}, {"key": "X-Other", "value": "x", "secret": True}])
    changed = connections.update_connection(stored, {"headers": [
        {"key": "X-Token", "value": None, "secret": True}, {"key": "X-Plain", "value": "p"}]})
    assert changed == ["headers"]
    assert resolve("params").headers == (Parameter("X-Token", HEADER_SECRET, True), Parameter("X-Plain", "p"))
    assert "X-Other" not in str(Connection.objects.get(pk=stored.pk).get_secrets())


def test_changing_the_kind_of_authentication_drops_the_old_secret():
    stored = connections.create_connection("switch", base_url="https://api.example.org", auth_type="BASIC", username="bob", password=PASSWORD)
    connections.update_connection(stored, {"auth_type": "API_KEY", "api_key_name": "x-key", "api_key_value": API_KEY})
    assert Connection.objects.get(pk=stored.pk).secret_flags() == {
        "password": False, "api_key_value": True, "oauth_client_secret": False, "client_key": False,
        "proxy_url": False}


def problems(name="bad", **changes) -> dict:
    with pytest.raises(ValidationError) as raised:
        connections.create_connection(name, **changes)
    return raised.value.message_dict


@pytest.mark.parametrize("changes, field, says", [
    ({"auth_type": "BASIC"}, "password", "needs a password"),
    ({"auth_type": "BASIC", "password": "x"}, "username", "needs a user name"),
    ({"auth_type": "API_KEY", "api_key_value": "v"}, "api_key_name", "needs the name"),
    ({"auth_type": "API_KEY", "api_key_name": "bad header", "api_key_value": "v"}, "api_key_name",
     "Not a valid header name"),
    ({"auth_type": "OAUTH_CLIENT_CREDENTIALS", "oauth_client_id": "c", "oauth_client_secret": "s"},
     "oauth_token_url", "token endpoint"),
    ({"base_url": "ftp://files.example"}, "base_url", "http:// or https://"),
    ({"base_url": "https://user:pw@api.example"}, "base_url", "must not carry credentials"),
    ({"base_url": "https://api.example:99999"}, "base_url", "not a valid URL"),
    ({"proxy_url": "socks5://u:hidden-proxy-pw@p:1"}, "proxy_url", "http:// or https://"),
    ({"ca_bundle": "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"}, "ca_bundle",
     "Not a PEM certificate"),
    ({"timeout_seconds": 301}, "timeout_seconds", "less than or equal to 300"),
    ({"timeout_seconds": 0}, "timeout_seconds", "greater than or equal to 1"),
    ({"headers": [{"key": "X-A", "value": "1"}, {"key": "x-a", "value": "2"}]}, "headers", "given twice"),
    ({"headers": [{"key": "X-S", "value": None, "secret": True}]}, "headers", "needs a value (a secret one)"),
    ({"headers": [{"key": "X-B", "value": "a\r\nInjected: 1"}]}, "headers", "control characters"),
    ({"oauth_extra_params": {"a": 1}}, "oauth_extra_params", "string values"),
    ({"nickname": "x"}, "nickname", "Unknown field"),
])
def test_invalid_connections_are_refused_with_a_clear_message(changes, field, says):
    found = problems(**changes)
    assert says in " ".join(found[field]), found
    assert "hidden-proxy-pw" not in str(found)


def test_names_follow_eventbridges_rule():
    assert "name" in problems("has space")
    assert "name" in problems("x" * 65)
    assert "name" in problems("")
    assert connections.create_connection("A.b-c_9" + "x" * 57).name


def test_client_certificate_and_key_must_match_and_come_together():
    cert, key = certificate_and_key("one")
    _, other_key = certificate_and_key("two")
    assert "give both or neither" in problems(client_cert=cert)["client_key"][0]
    assert "give both or neither" in problems(client_key=key)["client_cert"][0]
    assert "does not belong" in problems(client_cert=cert, client_key=other_key)["client_key"][0]
    garbled = problems(client_cert=cert, client_key=key.replace("A", "B", 5))["client_key"][0]
    assert "not an unencrypted PEM private key" in garbled and key.splitlines()[1] not in garbled
    encrypted = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase")).decode()
    assert "encrypted" in problems(client_cert=cert, client_key=encrypted)["client_key"][0]


def test_a_ca_bundle_may_hold_several_certificates():
    bundle = certificate_and_key("ca1")[0] + certificate_and_key("ca2")[0]
    assert resolve(connections.create_connection("trusting", ca_bundle=bundle, verify_tls=True).name).ca_bundle \
        == bundle


def test_a_taken_name_is_a_conflict():
    connections.create_connection("taken")
    with pytest.raises(connections.ConnectionAlreadyExists):
        connections.create_connection("taken")


@pytest.mark.django_db
def test_header_borne_secrets_must_be_valid_header_values_and_credentials_a_base_url():
    with pytest.raises(ValidationError) as caught:
        connections.create_connection("crlf", auth_type="API_KEY", api_key_name="x-api-key",
                                      api_key_value="abc\r\nX-Injected: 1", base_url="https://api.example.org")
    assert "api_key_value" in caught.value.message_dict
    assert "abc" not in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        connections.create_connection("unbound", auth_type="BASIC", username="bob", password="pw-1234")
    assert caught.value.message_dict["base_url"] == [
        "A connection with credentials needs a base URL: the one origin they are sent to"]
