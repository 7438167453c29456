"""States.StringToJson, JsonToString and JsonMerge."""

from __future__ import annotations

import json
from typing import Any

from designer.asl.intrinsic.arguments import describe, fail, obj, string
from designer.asl.paths import compact_json


def string_to_json(args: list) -> Any:
    text = string("StringToJson", args[0])
    # AWS (recorded in localstack's suite): "" and " " parse to null.
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        fail("StringToJson", f"the argument is not valid JSON text, got {describe(text)}")


def json_to_string(args: list) -> str:
    # AWS prints compact JSON: {"Arg1":1,"Arg2":[]}.
    return compact_json(args[0])


def json_merge(args: list) -> dict:
    first = obj("JsonMerge", args[0], "first argument")
    second = obj("JsonMerge", args[1], "second argument")
    deep = args[2]
    if not isinstance(deep, bool):
        fail("JsonMerge", f"the third argument must be a boolean, got {describe(deep)}")
    if deep:
        # AWS: "Step Functions supports only the shallow merging mode; you must specify the boolean value as false."
        fail("JsonMerge", "only shallow merging is supported: the third argument must be false")
    # Shallow: a key of the second object replaces the whole value under the same key of the first.
    return {**first, **second}
