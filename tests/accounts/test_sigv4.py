"""executions/aws/sigv4.py against requests signed by botocore itself (SigV4Auth), no server: what boto3 and the
AWS CLI send is accepted, and anything altered, stale, early or mis-scoped is refused with AWS's words."""
import hashlib
from datetime import datetime, timedelta, timezone
from unittest import mock
from urllib.parse import unquote, urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from executions.aws import sigv4

KEY_ID, SECRET = "FDAKTESTTESTTESTTEST", "s3cr3t/with+odd=chars"
SIGNED_AT = datetime(2025, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
BODY = b'{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Orders"}'
HEADERS = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions.DescribeStateMachine"}


def botocore_signed(url="http://flowdeck.test:8000/", body=BODY, headers=None, *, region="us-east-1",
                    service="states", secret=SECRET, at=SIGNED_AT, params=None) -> tuple[dict, str]:
    """(headers botocore sends, the URL it sends them to) for a POST signed at `at`."""
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers or HEADERS), params=params or {})
    with mock.patch("botocore.auth.get_current_datetime", return_value=at.replace(tzinfo=None)):
        SigV4Auth(Credentials(KEY_ID, secret), service, region).add_auth(request)
    prepared = request.prepare()
    return dict(request.headers.items()), prepared.url


def received(headers: dict, url: str, body: bytes = BODY, method: str = "POST") -> sigv4.SignedRequest:
    """The request as a server sees it: the Host header the HTTP client adds, the path decoded."""
    parts = urlsplit(url)
    return sigv4.SignedRequest(method, unquote(parts.path) or "/", parts.query,
                               [("Host", parts.netloc), *headers.items()], body)


def check(request: sigv4.SignedRequest, *, now=SIGNED_AT, secrets=None, region="us-east-1"):
    known = {KEY_ID: SECRET} if secrets is None else secrets
    return sigv4.authenticate(request, known.get, region=region, service="states", now=now)


def refused(request, **kwargs) -> sigv4.SignatureError:
    with pytest.raises(sigv4.SignatureError) as excinfo:
        check(request, **kwargs)
    return excinfo.value


def test_a_request_signed_by_botocore_is_accepted():
    auth = check(received(*botocore_signed()))
    assert (auth.access_key_id, auth.date, auth.region, auth.service) == (KEY_ID, "20250304", "us-east-1", "states")
    assert auth.signed_headers == ("content-type", "host", "x-amz-date", "x-amz-target")


@pytest.mark.parametrize("url, params", [
    ("http://flowdeck.test:8000/aws", None),
    ("http://flowdeck.test/a%20path/with~tilde/./and/../dots//", None),
    ("http://flowdeck.test/aws?b=2&a=1&a=0&empty=&sp%20ace=x%2By", None),
    ("http://flowdeck.test/aws", {"z": "last", "a": "first one", "é": "ü/?&="}),
])
def test_paths_and_query_strings_are_canonicalized_as_botocore_does(url, params):
    headers, sent_to = botocore_signed(url, params=params)
    assert check(received(headers, sent_to)).access_key_id == KEY_ID


def test_header_values_are_signed_with_their_spaces_folded():
    odd = dict(HEADERS, **{"X-Amz-Target": "  AWSStepFunctions.DescribeStateMachine  ", "X-Custom": "a    b\tc"})
    headers, url = botocore_signed(headers=odd)
    assert "x-custom" in headers["Authorization"]
    check(received(headers, url))  # the server receives the values unfolded
    headers["X-Custom"] = "a b c d"
    assert refused(received(headers, url)).code == "InvalidSignatureException"


def test_an_empty_body_and_a_declared_payload_hash_are_accepted():
    headers, url = botocore_signed(body=b"")
    check(received(headers, url, body=b""))
    declared = dict(HEADERS, **{"X-Amz-Content-SHA256": hashlib.sha256(BODY).hexdigest()})
    headers, url = botocore_signed(headers=declared)
    check(received(headers, url))


def test_a_declared_payload_hash_must_be_the_bodys():
    declared = dict(HEADERS, **{"X-Amz-Content-SHA256": hashlib.sha256(b"{}").hexdigest()})
    headers, url = botocore_signed(body=b"{}", headers=declared)
    error = refused(received(headers, url, body=BODY))  # the body swapped, the signed hash kept
    assert (error.code, error.message) == ("InvalidSignatureException", "The provided 'x-amz-content-sha256' header "
                                           "does not match what was computed.")


@pytest.mark.parametrize("change", ["body", "secret", "header", "method", "path", "query"])
def test_anything_altered_after_signing_is_refused(change):
    headers, url = botocore_signed(url="http://flowdeck.test/?a=1")
    request = received(headers, url)
    kwargs = {}
    if change == "body":
        request = received(headers, url, body=BODY.replace(b"Orders", b"Payroll"))
    elif change == "secret":
        kwargs["secrets"] = {KEY_ID: "another secret"}
    elif change == "header":
        request = received(dict(headers, **{"X-Amz-Target": "AWSStepFunctions.DeleteStateMachine"}), url)
    elif change == "method":
        request = received(headers, url, method="PUT")
    elif change == "path":
        request = received(headers, "http://flowdeck.test/aws?a=1")
    else:
        request = received(headers, "http://flowdeck.test/?a=2")
    error = refused(request, **kwargs)
    assert error.code == "InvalidSignatureException" and error.status == 400
    assert error.message.startswith("The request signature we calculated does not match the signature you provided. "
                                    "Check your AWS Secret Access Key and signing method.")


def test_timestamps_more_than_five_minutes_away_are_refused_with_aws_messages():
    request = received(*botocore_signed())
    check(request, now=SIGNED_AT + timedelta(minutes=4, seconds=59))
    check(request, now=SIGNED_AT - timedelta(minutes=4, seconds=59))
    stale = refused(request, now=SIGNED_AT + timedelta(minutes=5, seconds=1))
    assert (stale.code, stale.message) == ("InvalidSignatureException", "Signature expired: 20250304T050607Z is now "
                                           "earlier than 20250304T050608Z (20250304T051108Z - 5 min.)")
    early = refused(request, now=SIGNED_AT - timedelta(minutes=6))
    assert (early.code, early.message) == ("InvalidSignatureException", "Signature not yet current: 20250304T050607Z "
                                           "is still later than 20250304T050507Z (20250304T050007Z + 5 min.)")


def test_the_scope_must_be_this_region_this_service_and_the_requests_date():
    assert "not 'eu-west-1'" in refused(received(*botocore_signed(region="eu-west-1"))).message
    assert refused(received(*botocore_signed(service="lambda"))).message == \
        "Credential should be scoped to correct service: 'states'. "
    headers, url = botocore_signed()
    headers["Authorization"] = headers["Authorization"].replace("/20250304/", "/20250305/")
    assert "'20250305' != '20250304'" in refused(received(headers, url)).message


def test_missing_unknown_and_malformed_credentials():
    headers, url = botocore_signed()
    missing = refused(received({k: v for k, v in headers.items() if k != "Authorization"}, url))
    assert (missing.code, missing.message, missing.status) == ("MissingAuthenticationTokenException",
                                                               "Missing Authentication Token", 403)
    unknown = refused(received(headers, url), secrets={})
    assert (unknown.code, unknown.message) == ("UnrecognizedClientException",
                                               "The security token included in the request is invalid.")
    for bad in ("AWS4-HMAC-SHA1 Credential=x", "AWS4-HMAC-SHA256 Credential=x/y, Signature=z",
                "AWS4-HMAC-SHA256 garbage", "Bearer fdt_x"):
        assert refused(received(dict(headers, Authorization=bad), url)).code == "IncompleteSignatureException"


def test_host_and_the_date_must_be_signed():
    headers, url = botocore_signed()
    for name in ("host", "x-amz-date"):
        unsigned = headers["Authorization"].replace(f"{name};", "").replace(f";{name}", "")
        error = refused(received(dict(headers, Authorization=unsigned), url))
        assert error.code in ("InvalidSignatureException", "IncompleteSignatureException")
        assert ("Host" if name == "host" else "X-Amz-Date") in error.message


def test_a_date_header_may_stand_in_for_x_amz_date():
    with_date = dict(HEADERS, Date="Tue, 04 Mar 2025 05:06:07 GMT")
    request = AWSRequest(method="POST", url="http://flowdeck.test/", data=BODY, headers=with_date)
    # What a SigV4 client without X-Amz-Date computes: the Date header signed, its time in the string to sign.
    auth = sigv4.Authorization(KEY_ID, "20250304", "us-east-1", "states", ("content-type", "date", "host",
                                                                          "x-amz-target"), "")
    server_side = received(dict(request.headers.items()), "http://flowdeck.test/")
    names = {k.lower(): " ".join(v.split()) for k, v in [("Host", "flowdeck.test"), *request.headers.items()]}
    canonical = sigv4.canonical_request(server_side, auth.signed_headers, names, hashlib.sha256(BODY).hexdigest())
    signature = sigv4.signature(SECRET, auth, sigv4.string_to_sign("20250304T050607Z", auth, canonical))
    header = (f"AWS4-HMAC-SHA256 Credential={KEY_ID}/20250304/us-east-1/states/aws4_request, "
              f"SignedHeaders={';'.join(auth.signed_headers)}, Signature={signature}")
    check(received(dict(request.headers.items(), Authorization=header), "http://flowdeck.test/"))


@pytest.mark.parametrize("name, value", [
    ("X-Amz-Target", "AWSStepFunctions.DeleteStateMachine"),
    ("Content-Type", "application/x-amz-json-1.1"),
    ("X-Amz-Content-SHA256", hashlib.sha256(BODY).hexdigest()),
    ("X-Amz-Security-Token", "anything"),
])
def test_content_type_and_every_x_amz_header_present_must_be_signed(name, value):
    # Signed without the header, which is added afterwards: the signature itself still matches.
    headers, url = botocore_signed(headers={k: v for k, v in HEADERS.items() if k != name})
    check(received(headers, url))
    error = refused(received(dict(headers, **{name: value}), url))
    assert (error.code, error.message) == ("InvalidSignatureException",
                                           f"These headers are present in the request but not signed: {name.lower()}. "
                                           "Content-Type and every X-Amz-* header must be in SignedHeaders.")


@pytest.mark.parametrize("signature", ["é" * 64, "\x00" * 64, "ÿ", "A" * 64, "0" * 63, "0" * 65, "g" * 64],
                         ids=["latin-1", "nul", "one-latin-1", "upper-case", "short", "long", "not-hex"])
def test_a_signature_that_is_not_64_lowercase_hex_characters_is_malformed(signature):
    headers, url = botocore_signed()
    header = headers["Authorization"].rpartition("Signature=")[0] + "Signature=" + signature
    error = refused(received(dict(headers, Authorization=header), url))
    assert error.code == "IncompleteSignatureException"
    assert error.message.startswith("Signature should be 64 lowercase hexadecimal characters.")
