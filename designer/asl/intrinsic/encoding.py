"""States.Base64Encode, Base64Decode and Hash."""

from __future__ import annotations

import base64
import binascii
import hashlib

from designer.asl.intrinsic.arguments import describe, fail, max_length, string
from designer.asl.paths import compact_json

# AWS: input strings of Base64Encode/Base64Decode and the data of Hash are limited to 10,000 characters.
MAX_CHARS = 10_000

ALGORITHMS = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}


def base64_encode(args: list) -> str:
    text = max_length("Base64Encode", string("Base64Encode", args[0]), MAX_CHARS, "input string")
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def base64_decode(args: list) -> str:
    text = max_length("Base64Decode", string("Base64Decode", args[0]), MAX_CHARS, "input string")
    # Java's basic decoder accepts the final '=' padding as optional.
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        fail("Base64Decode", f"the argument is not valid base64-encoded UTF-8 text, got {describe(text)}")


def hash_of(args: list) -> str:
    data, algorithm = args
    hasher = ALGORITHMS.get(algorithm) if isinstance(algorithm, str) else None
    if hasher is None:
        fail("Hash", f"the algorithm must be one of {', '.join(ALGORITHMS)}, got {describe(algorithm)}")
    # Data that is not a string is hashed as its JSON text (AWS: "stringified data").
    text = data if isinstance(data, str) else compact_json(data)
    max_length("Hash", text, MAX_CHARS, "data")
    return hasher(text.encode("utf-8")).hexdigest()
