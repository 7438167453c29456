"""Passwords, access key secrets and API tokens never reach a log line, the audit log or an execution's history:
every door is used, successfully and with wrong credentials, with every logger at DEBUG."""
import json
import logging

import pytest
from botocore.exceptions import ClientError
from django.test import Client

from designer.accounts import credentials
from designer.accounts.models import AccessKey, AuditEvent
from executions.models import ExecutionEvent
from tests.executions.aws_helpers import PASS, ROLE, client_for

PASSWORD = "correct-horse-battery-staple-42"
WRONG_PASSWORD = "wrong-horse-battery-staple-42"


@pytest.mark.django_db(transaction=True)
def test_no_secret_reaches_logs_audit_or_history(caplog, live_server, django_user_model, admin_user):
    caplog.set_level(logging.DEBUG)
    bob = django_user_model.objects.create_user("bob", password=PASSWORD)
    bob.user_permissions.add(*_abilities("create_statemachine"))

    browser = Client(REMOTE_ADDR="192.0.2.20")
    assert browser.post("/login/", {"username": "bob", "password": WRONG_PASSWORD}).status_code == 200
    assert browser.post("/login/", {"username": "bob", "password": PASSWORD}).status_code == 302
    issued = browser.post("/account/access-keys/", {"description": "laptop"})
    key = AccessKey.objects.get(user=bob)
    secret = credentials.access_key_secret(key.access_key_id)[1]
    assert secret in issued.content.decode()  # shown once, on the response that issues it
    token = _issue_token(browser)

    sfn = client_for(live_server.url, (key.access_key_id, secret))
    arn = sfn.create_state_machine(name="Secretive", definition=PASS, roleArn=ROLE)["stateMachineArn"]
    sfn.start_execution(stateMachineArn=arn, name="one", input=json.dumps({"note": "hello"}))
    with pytest.raises(ClientError):
        client_for(live_server.url, (key.access_key_id, secret[:-1] + "x")).list_state_machines()
    with pytest.raises(ClientError):
        client_for(live_server.url, ("FDAKUNKNOWNKEY000000", secret)).list_state_machines()

    rest = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert rest.get("/api/state-machines/").status_code == 200
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}x").get("/api/state-machines/").status_code == 401

    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    audited = json.dumps(list(AuditEvent.objects.values("actor_name", "action", "target", "address", "detail")))
    history = json.dumps(list(ExecutionEvent.objects.values_list("details", flat=True)))
    assert "execution.start" in audited and "login.failed" in audited  # the log did see these doors used
    for value in (PASSWORD, WRONG_PASSWORD, secret, token, key.encrypted_secret):
        assert value not in logged
        assert value not in audited
        assert value not in history


def _abilities(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)


def _issue_token(browser: Client) -> str:
    page = browser.post("/account/api-tokens/", {"name": "ci"}).content.decode()
    start = page.index(credentials.TOKEN_PREFIX)
    return page[start:start + len(credentials.TOKEN_PREFIX) + 43]
