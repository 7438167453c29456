"""AWS Signature Version 4, checked the way AWS checks it: no Django here, the endpoint view supplies the request.

A signed request carries `Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<yyyymmdd>/<region>/<service>/
aws4_request, SignedHeaders=<names;...>, Signature=<hex>`. The server rebuilds the canonical request from what
it received (method, path, query, the signed headers, the body's SHA-256), the string to sign, and the
signature with the key derived from the secret; a request whose signature differs, whose scope is not this
region and service, or whose X-Amz-Date is more than 5 minutes away from the server's clock is refused with
AWS's messages. Host, the date, Content-Type and every X-Amz-* header it carries must be signed: an unsigned
X-Amz-Target would let anyone who sees a request replay it as another action within those 5 minutes.
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote_plus

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
MAX_SKEW = timedelta(minutes=5)
AMZ_DATE = "%Y%m%dT%H%M%SZ"
_PARAMETER = re.compile(r"\s*([A-Za-z]+)\s*=\s*([^,\s]*)\s*")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")  # a hex SHA-256 HMAC, as every SigV4 client writes it


class SignatureError(Exception):
    """Why a request is not authenticated, as AWS names (`code`) and words (`message`) it."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class SignedRequest:
    """What the verifier needs of an HTTP request: `path` decoded (as a framework gives it), `query` raw (the
    bytes after `?`), header names in any case (a repeated header as one entry per value, or comma-joined)."""

    method: str
    path: str
    query: str
    headers: Iterable[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Authorization:
    access_key_id: str
    date: str  # yyyymmdd
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse(header: str) -> Authorization:
    """The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header, or IncompleteSignatureException."""
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise SignatureError("IncompleteSignatureException",
                             f"Authorization header requires '{ALGORITHM}' as its algorithm. Authorization={header}")
    parameters = {}
    for part in rest.split(","):
        match = _PARAMETER.fullmatch(part)
        if match is None:
            raise SignatureError("IncompleteSignatureException",
                                 f"'{part.strip()}' not a valid key=value pair (missing equal-sign) in Authorization "
                                 f"header: '{header}'.")
        parameters[match.group(1)] = match.group(2)
    missing = [name for name in ("Credential", "Signature", "SignedHeaders") if not parameters.get(name)]
    if missing:
        raise SignatureError("IncompleteSignatureException",
                             " ".join(f"Authorization header requires '{name}' parameter." for name in missing)
                             + f" Authorization={header}")
    scope = parameters["Credential"].split("/")
    if len(scope) != 5 or scope[4] != TERMINATOR or not all(scope):
        raise SignatureError("IncompleteSignatureException",
                             f"Credential should be scoped to a valid region, service and date: "
                             f"'{parameters['Credential']}'. Authorization={header}")
    if _SIGNATURE.fullmatch(parameters["Signature"]) is None:
        raise SignatureError("IncompleteSignatureException",
                             f"Signature should be 64 lowercase hexadecimal characters. Authorization={header}")
    key_id, date, region, service, _ = scope
    return Authorization(key_id, date, region, service, tuple(parameters["SignedHeaders"].split(";")),
                         parameters["Signature"])


def authenticate(request: SignedRequest, secret_of: Callable[[str], str | None], *, region: str, service: str,
                 now: datetime) -> Authorization:
    """Check a signed request; `secret_of(access key id)` gives the key's secret, or None for an unknown key.

    Raises SignatureError: MissingAuthenticationTokenException (no Authorization header),
    IncompleteSignatureException (a malformed one), InvalidSignatureException (stale, future, wrong scope or
    signature), UnrecognizedClientException (no such key). Returns the parsed header of a good request."""
    headers = _headers(request.headers)
    header = headers.get("authorization")
    if not header:
        raise SignatureError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
    auth = parse(header)
    signed = set(auth.signed_headers)
    if "host" not in signed:
        raise SignatureError("InvalidSignatureException",
                             "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    date_header = "x-amz-date" if "x-amz-date" in headers else "date"
    if date_header not in headers or date_header not in signed:
        raise SignatureError("IncompleteSignatureException",
                             "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header "
                             "(signed). Authorization=" + header)
    _check_signed(headers, signed)
    amz_date, moment = _moment(headers[date_header])
    _check_time(amz_date, moment, now)
    _check_scope(auth, amz_date, region, service)
    secret = secret_of(auth.access_key_id)
    if secret is None:
        raise SignatureError("UnrecognizedClientException", "The security token included in the request is invalid.")
    payload = _payload_hash(headers, request.body)
    canonical = canonical_request(request, auth.signed_headers, headers, payload)
    to_sign = string_to_sign(amz_date, auth, canonical)
    expected = signature(secret, auth, to_sign)
    if not hmac.compare_digest(expected.encode(), auth.signature.encode()):
        raise SignatureError("InvalidSignatureException",
                             "The request signature we calculated does not match the signature you provided. Check "
                             "your AWS Secret Access Key and signing method. Consult the service documentation for "
                             f"details.\n\nThe Canonical String for this request should have been\n'{canonical}'\n\n"
                             f"The String-to-Sign should have been\n'{to_sign}'\n")
    return auth


def _headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    # SigV4: lower-case names; values trimmed, inner runs of spaces made one; repeated headers joined by commas.
    merged: dict[str, list[str]] = {}
    for name, value in pairs:
        merged.setdefault(name.lower(), []).append(" ".join(value.split()))
    return {name: ",".join(values) for name, values in merged.items()}


def _check_signed(headers: dict[str, str], signed: set[str]) -> None:
    """Refuse a request carrying Content-Type or an X-Amz-* header it did not sign (botocore signs them all)."""
    unsigned = sorted(name for name in headers
                      if (name == "content-type" or name.startswith("x-amz-")) and name not in signed)
    if unsigned:
        raise SignatureError("InvalidSignatureException",
                             f"These headers are present in the request but not signed: {', '.join(unsigned)}. "
                             "Content-Type and every X-Amz-* header must be in SignedHeaders.")


def _moment(value: str) -> tuple[str, datetime]:
    """(X-Amz-Date form, aware datetime) of an X-Amz-Date (`20240101T000000Z`) or Date (RFC 1123) value."""
    try:
        moment = datetime.strptime(value, AMZ_DATE).replace(tzinfo=timezone.utc)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.tzinfo is None:
            raise SignatureError("IncompleteSignatureException",
                                 f"Date must be in ISO-8601 'basic format'. Got '{value}'. See "
                                 "http://en.wikipedia.org/wiki/ISO_8601") from None
    return moment.astimezone(timezone.utc).strftime(AMZ_DATE), moment


def _check_time(amz_date: str, moment: datetime, now: datetime) -> None:
    shown_now = now.astimezone(timezone.utc).strftime(AMZ_DATE)
    if moment < now - MAX_SKEW:
        earliest = (now - MAX_SKEW).astimezone(timezone.utc).strftime(AMZ_DATE)
        raise SignatureError("InvalidSignatureException", f"Signature expired: {amz_date} is now earlier than "
                             f"{earliest} ({shown_now} - 5 min.)")
    if moment > now + MAX_SKEW:
        latest = (now + MAX_SKEW).astimezone(timezone.utc).strftime(AMZ_DATE)
        raise SignatureError("InvalidSignatureException", f"Signature not yet current: {amz_date} is still later "
                             f"than {latest} ({shown_now} + 5 min.)")


def _check_scope(auth: Authorization, amz_date: str, region: str, service: str) -> None:
    if auth.date != amz_date[:8]:
        raise SignatureError("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from "
                             f"ISO-8601 version of date from HTTP: '{auth.date}' != '{amz_date[:8]}', from "
                             f"'{amz_date}'.")
    if auth.region != region:
        raise SignatureError("InvalidSignatureException",
                             f"Credential should be scoped to a valid region, not '{auth.region}'. ")
    if auth.service != service:
        raise SignatureError("InvalidSignatureException",
                             f"Credential should be scoped to correct service: '{service}'. ")


def _payload_hash(headers: dict[str, str], body: bytes) -> str:
    computed = hashlib.sha256(body).hexdigest()
    declared = headers.get("x-amz-content-sha256")
    # The declared hash is what gets signed, so it must be the body's: else the body could be swapped.
    if declared is not None and declared.lower() != computed:
        raise SignatureError("InvalidSignatureException",
                             "The provided 'x-amz-content-sha256' header does not match what was computed.")
    return declared if declared is not None else computed


def canonical_request(request: SignedRequest, signed_headers: tuple[str, ...], headers: dict[str, str],
                      payload_hash: str) -> str:
    lines = "".join(f"{name}:{headers.get(name, '')}\n" for name in signed_headers)
    return "\n".join([request.method.upper(), canonical_uri(request.path), canonical_query(request.query), lines,
                      ";".join(signed_headers), payload_hash])


def canonical_uri(path: str) -> str:
    """The decoded path, dot segments and empty segments removed, URI-encoded twice (every service but S3:
    the client encodes the path it sends, then encodes that again to sign it)."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    normalized = "/" + "/".join(segments) + ("/" if path.endswith("/") and segments else "")
    return quote(quote(normalized, safe="/~"), safe="/~")


def canonical_query(query: str) -> str:
    """Each name and value decoded, then URI-encoded (RFC 3986 unreserved characters kept), sorted by name then
    value. A `+` is a space, as in any form-encoded query (botocore sends params so); a plus sign comes as %2B."""
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((quote(unquote_plus(name), safe="-_.~"), quote(unquote_plus(value), safe="-_.~")))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def string_to_sign(amz_date: str, auth: Authorization, canonical: str) -> str:
    scope = f"{auth.date}/{auth.region}/{auth.service}/{TERMINATOR}"
    return "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])


def signature(secret: str, auth: Authorization, to_sign: str) -> str:
    key = ("AWS4" + secret).encode()
    for part in (auth.date, auth.region, auth.service, TERMINATOR):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
