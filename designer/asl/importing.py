"""Definition text from an imported file or pasted text: JSON kept exactly as given, YAML turned into JSON.

A JSON definition is stored as the text its author wrote, so key order, number texts and spacing survive, as
they do through the REST API; only its syntax is checked here (the validator judges the rest). YAML is read
with a safe loader and written out as JSON, its keys in the order they were written.

The YAML loader follows YAML 1.2's core schema rather than PyYAML's YAML 1.1 one, because ASL is JSON: `no`,
`on`, `12:30` and `2024-05-01` stay strings (YAML 1.1 reads a boolean, a boolean, the number 750 and a date),
and `1e3` is a number. Keys are strings, as in JSON: `1:`, `true:` or `~:` is refused rather than rewritten
("1", "true", "null"), and so is a key written twice in one mapping, as the JSON parser refuses it. Only the
tags JSON has a value for are read (no `!!binary`, `!!timestamp`, `!!set`...), and no merge keys (`<<`).

YAML is read in two passes: the parser's event stream first (libyaml walks it without recursing), refusing
nesting deeper than the JSON parser takes and more nodes or aliases than a definition needs, and only then
PyYAML's loader, whose composer recurses on the C stack (a few hundred kilobytes of `[[[...` crash the process)
and whose merge keys grow exponentially with aliases (a few hundred bytes take seconds and hundreds of MB).
"""
from __future__ import annotations

import json
import re
import yaml

from designer.asl.parse import MAX_DEPTH, MAX_INTEGER_DIGITS, DefinitionSyntaxError, parse_definition_lenient

JSON, YAML = "json", "yaml"
_EXTENSIONS = {".json": JSON, ".yaml": YAML, ".yml": YAML}
# A 1 MiB JSON definition of a few thousand states has well under 100,000 values; loading YAML costs about
# 1 KB and 5 µs a node.
MAX_YAML_NODES = 200_000
# Each alias is one more reference to a node already built (the JSON writer's size check bounds what they expand
# to); ASL in YAML may reuse a Retry or a Catch block per state, hardly thousands of times.
MAX_YAML_ALIASES = 10_000


class ImportProblem(Exception):
    """Why imported text is no definition: `message`, and the 1-based `line` and `column` when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column

    def __str__(self) -> str:
        return self.message if self.line is None else f"{self.message} (line {self.line}, column {self.column})"


def format_of(text: str, *, filename: str | None = None) -> str:
    """JSON or YAML: by the file's extension when it has a known one, otherwise by the text (a definition
    starting with `{` or `[` is JSON: YAML would read it too, but its errors would not be JSON's)."""
    if filename:
        suffix = filename[filename.rfind("."):].lower() if "." in filename else ""
        if suffix in _EXTENSIONS:
            return _EXTENSIONS[suffix]
    return JSON if text.lstrip()[:1] in ("{", "[") else YAML


def definition_text(text: str, format: str, *, max_bytes: int) -> str:
    """The definition, as JSON text, of `text` written in `format` (JSON or YAML); ImportProblem when it is not
    one: not parseable (with the line and column), not a mapping, or larger than `max_bytes` as JSON."""
    if not text.strip():
        raise ImportProblem("The definition is empty")
    if format == JSON:
        _check_size(len(text.encode("utf-8")), max_bytes)
        try:
            parse_definition_lenient(text)  # duplicate keys are the validator's to report (DUPLICATE_STATE_NAME)
        except DefinitionSyntaxError as exc:
            raise ImportProblem(f"Invalid JSON: {exc.message}", exc.line, exc.column) from None
        return text
    if format != YAML:
        raise ValueError(f"unknown format {format!r}")
    return _yaml_to_json(text, max_bytes)


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ImportProblem(f"The definition is {size:,} bytes; a definition is at most {limit_text(max_bytes)}")


def limit_text(max_bytes: int) -> str:
    """'1 MiB (1,048,576 bytes)', or just the bytes when the limit is no whole number of MiB."""
    mib, rest = divmod(max_bytes, 1_048_576)
    return f"{mib} MiB ({max_bytes:,} bytes)" if mib and not rest else f"{max_bytes:,} bytes"


def _yaml_to_json(text: str, max_bytes: int) -> str:
    _check_size(len(text.encode("utf-8")), max_bytes)
    try:
        _check_shape(text)  # must come first: it keeps yaml.load from what crashes or exhausts it
        document = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # PyYAML splits its message: "expected a single document in the stream" (context), "but found another
        # document" (problem).
        problem = ", ".join(part for part in (exc.context, exc.problem) if part) or "not YAML"
        raise ImportProblem(f"Invalid YAML: {problem}", *((mark.line + 1, mark.column + 1) if mark else ())) from None
    except yaml.YAMLError as exc:
        raise ImportProblem(f"Invalid YAML: {exc}") from None
    except RecursionError:  # the shape check bounds the nesting; this is for a smaller stack than expected
        raise ImportProblem(f"Invalid YAML: nested too deeply (at most {MAX_DEPTH} levels)") from None
    if not isinstance(document, dict):
        kind = "nothing" if document is None else f"a {type(document).__name__}".replace("a list", "a sequence")
        raise ImportProblem(f"The definition must be a mapping (a JSON object), not {kind}", 1, 1)
    # Aliases make a small YAML text a huge document ("billion laughs"): write lazily and stop past the limit.
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, allow_nan=False)
    chunks, written = [], 0
    try:
        for chunk in encoder.iterencode(document):
            written += len(chunk)  # characters: never more than the bytes they take
            if written > max_bytes:
                raise ImportProblem(f"The definition is larger than {limit_text(max_bytes)} once written as JSON")
            chunks.append(chunk)
    except ValueError as exc:  # NaN or infinity (.nan, .inf), or an alias that contains itself
        raise ImportProblem(f"The YAML cannot be written as JSON: {exc}") from None
    except RecursionError:  # an alias nesting a deep collection inside another deep one
        raise ImportProblem(f"The YAML cannot be written as JSON: nested more than {MAX_DEPTH} levels") from None
    result = "".join(chunks) + "\n"
    _check_size(len(result.encode("utf-8")), max_bytes)
    return result


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when PyYAML has it; same results
_OPEN, _CLOSE = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _check_shape(text: str) -> None:
    """Walk the YAML's events (the parser keeps its own stack: no recursion) and refuse, with the position, a
    mapping or sequence nested more than MAX_DEPTH deep, more than MAX_YAML_NODES nodes or MAX_YAML_ALIASES
    aliases. Stops at the first one, so a huge nesting costs no more than MAX_DEPTH events."""
    depth = nodes = aliases = 0
    for event in yaml.parse(text, Loader=_BASE):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                _refuse(f"The YAML nests mappings and sequences more than {MAX_DEPTH} levels deep", event)
        elif isinstance(event, _CLOSE):
            depth -= 1
            continue
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                _refuse(f"The YAML has more than {MAX_YAML_ALIASES:,} aliases", event)
        elif not isinstance(event, yaml.ScalarEvent):
            continue  # stream and document events
        nodes += 1
        if nodes > MAX_YAML_NODES:
            _refuse(f"The YAML has more than {MAX_YAML_NODES:,} values", event)


def _refuse(message: str, event) -> None:
    mark = event.start_mark
    raise ImportProblem(message, mark.line + 1, mark.column + 1)


_STR, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"
_KINDS = {"tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number",
          "tag:yaml.org,2002:bool": "a boolean", "tag:yaml.org,2002:null": "null"}


class _Loader(_BASE):
    """A safe loader with YAML 1.2 core-schema scalars, JSON's values only, and string keys, each written once."""

    def construct_mapping(self, node, deep=False):
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                # Merged mappings are copied, not shared: through aliases they grow exponentially.
                raise yaml.constructor.ConstructorError(
                    None, None, "merge keys (<<) are not supported: write the keys out", key_node.start_mark)
            if key_node.tag != _STR or not isinstance(key_node, yaml.ScalarNode):
                kind = _KINDS.get(key_node.tag) or ("a sequence" if isinstance(key_node, yaml.SequenceNode) else
                                                    "a mapping" if isinstance(key_node, yaml.MappingNode) else
                                                    f"tagged {_short(key_node.tag)}")
                value = f" {key_node.value}" if isinstance(key_node, yaml.ScalarNode) else ""
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key{value} is {kind}: JSON keys are strings (quote it)", key_node.start_mark)
            key = key_node.value
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _construct_other(loader: _Loader, node):
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag {_short(node.tag)} has no JSON value (JSON has strings, numbers, booleans, null, "
                    "sequences and mappings)", node.start_mark)


# JSON's values only: binary, timestamps, sets, ordered maps and pairs have no JSON form (the encoder would fail
# on them), and any other tag (None) is refused.
_Loader.yaml_constructors = {None: _construct_other} | {
    tag: _BASE.yaml_constructors[tag]
    for tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:float", _STR,
                "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")}
# `<<` anywhere but as a key is just text (YAML 1.2 has no merge keys).
_Loader.yaml_constructors[_MERGE] = _BASE.yaml_constructors[_STR]


# YAML 1.2 core schema: true/false only, no dates, no sexagesimal or leading-zero octal numbers.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                           "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value")]
    for first, resolvers in _BASE.yaml_implicit_resolvers.items()}
for _tag, _pattern, _first in (
        ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
        ("tag:yaml.org,2002:int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
        ("tag:yaml.org,2002:float",
         r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
         "-+.0123456789")):
    _Loader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))


def _construct_int(loader: _Loader, node) -> int:
    # YAML 1.2: 010 is ten (YAML 1.1 reads octal eight); octal is written 0o10.
    text = loader.construct_scalar(node)
    base = {"0o": 8, "0x": 16}.get(text[:2], 10)
    digits = text[2:] if base != 10 else text
    try:
        value = int(digits, base)
        # Hexadecimal and octal have no digit limit, but JSON writes the number in decimal.
        if abs(value) > _MAX_INTEGER:
            raise ValueError
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"the number is too large: an integer has at most {MAX_INTEGER_DIGITS:,} digits",
            node.start_mark) from None
    return value


_MAX_INTEGER = 10 ** MAX_INTEGER_DIGITS - 1


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
