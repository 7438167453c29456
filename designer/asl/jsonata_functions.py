"""The functions Step Functions adds to JSONata, and the ones it takes away.

ASL (DG "JSONata functions provided by Step Functions"): `$partition`, `$range`, `$hash`, `$random([seed])`,
`$uuid` and `$parse` stand in for the JSONPath intrinsics; `$eval` is not available. Integer parameters are
rounded down. Behaviour at the edges (argument counts, types, empty input) follows what AWS was observed to
do; where nothing was observed, the choice is written next to the code.

`BASE_FRAME` holds them; every evaluation's frame has it as parent, so JSONata's own built-ins (in the
library's static frame, one level further up) stay visible unless shadowed here. It also shadows each of
those built-ins with a copy that checks its arguments faster (`FastSignature`) and, for `$string`, skips the
JSON encoder where the text is certain: same answers, same errors.
"""
from __future__ import annotations

import copy
import hashlib
import json
import math
import random
import re
import time
import uuid
from typing import Any, Callable

from jsonata.functions import Functions
from jsonata.jexception import JException
from jsonata.jsonata import Jsonata
from jsonata.signature import Signature
from jsonata.utils import Utils

from designer.asl.jsonata_engine import Sequence

NULL = Utils.NULL_VALUE
_MASK_48 = (1 << 48) - 1
_JAVA_MULTIPLIER = 0x5DEECE66D
# DG: "$range" has no documented bound; AWS returned 1001 items for $range(1, 1001, 1). This cap only keeps a
# runaway expression from exhausting memory (a state's output is at most 256 KiB anyway).
MAX_RANGE_ITEMS = 1_000_000
_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}


class FunctionError(Exception):
    """A Step Functions JSONata function was called wrongly; the message becomes part of the cause."""


class _Builtin(Jsonata.JLambda):
    """A native function with an exact argument count (AWS rejects extra or missing arguments)."""

    def __init__(self, name: str, function: Callable[..., Any], minimum: int, maximum: int):
        super().__init__(function)
        self.name = name
        self.minimum = minimum
        self.maximum = maximum

    def call(self, input: Any, args: Any) -> Any:
        args = list(args) if isinstance(args, list) else []
        if not self.minimum <= len(args) <= self.maximum:
            expected = (
                str(self.minimum) if self.minimum == self.maximum else f"{self.minimum} to {self.maximum}"
            )
            raise FunctionError(
                f"T0410: Function ${self.name} takes {expected} argument(s) but was given {len(args)}"
            )
        return self.function(*args)


def _signature_error(name: str, position: int) -> FunctionError:
    return FunctionError(f'T0410: Argument {position} of function "{name}" does not match function signature')


def _integer(name: str, position: int, value: Any) -> int:
    # DG: "Built-in JSONata functions that require integer values as parameters will automatically round down
    # any non-integer numbers provided."
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _signature_error(name, position)
    return math.floor(value)


def _array(name: str, position: int, value: Any) -> list:
    if not isinstance(value, list):
        raise _signature_error(name, position)
    return list(value)


def _string(name: str, position: int, value: Any) -> str:
    if not isinstance(value, str):
        raise _signature_error(name, position)
    return value


def partition(array: Any, size: Any = Utils.NONE) -> list:
    """$partition(array, size): chunks of `size` items, the last one possibly shorter."""
    items = _array("partition", 1, array)
    if not items:
        # Unsure: AWS's behaviour on an empty array was not observed; LocalStack notes that AWS raises.
        raise FunctionError("The array given to $partition must not be empty")
    if size is Utils.NONE:
        # Observed on AWS: $partition(array) without a chunk size returns one chunk holding everything.
        return [items]
    chunk = _integer("partition", 2, size)
    if chunk <= 0:
        raise FunctionError(f"The chunk size given to $partition must be a positive integer, not {chunk}")
    return [items[i : i + chunk] for i in range(0, len(items), chunk)]


def range_(start: Any, end: Any, step: Any) -> Any:
    """$range(start, end, step): start, start+step, ... up to and including end (step may be negative)."""
    first = _integer("range", 1, start)
    last = _integer("range", 2, end)
    delta = _integer("range", 3, step)
    if delta == 0:
        raise FunctionError("The step given to $range must not be zero")
    if (last - first) // delta + 1 > MAX_RANGE_ITEMS:
        raise FunctionError("D1013: Expression evaluation memory limit exceeded: Check for excessive memory usage")
    values = range(first, last + (1 if delta > 0 else -1), delta)
    # Observed on AWS: $range(1, 9, 9) yields 1, not [1]: the result is a JSONata sequence, so a single item is
    # unwrapped (and an empty one is undefined) like any other sequence.
    return Utils.create_sequence_from_iter(values)


def hash_(data: Any, algorithm: Any) -> str:
    """$hash(string, algorithm): lowercase hex digest of the UTF-8 bytes."""
    text = _string("hash", 1, data)
    name = _string("hash", 2, algorithm)
    if name not in _HASHES:
        raise FunctionError(
            f"The hashing algorithm '{name}' is not supported; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"
        )
    return hashlib.new(_HASHES[name], text.encode("utf-8")).hexdigest()


def java_next_double(seed: int) -> float:
    """`new java.util.Random(seed).nextDouble()`: what a seeded $random returns on AWS."""
    state = (seed ^ _JAVA_MULTIPLIER) & _MASK_48

    def next_bits(bits: int) -> int:
        nonlocal state
        state = (state * _JAVA_MULTIPLIER + 0xB) & _MASK_48
        return state >> (48 - bits)

    high = next_bits(26)
    return ((high << 27) + next_bits(27)) * 2.0**-53


def random_(seed: Any = Utils.NONE) -> float:
    """$random([seed]): 0 <= n < 1; the same seed always gives the same number."""
    if seed is Utils.NONE:
        return random.random()
    # Observed on AWS: a string, null or object seed fails.
    return java_next_double(_integer("random", 1, seed))


def uuid_() -> str:
    """$uuid(): a version 4 UUID."""
    return str(uuid.uuid4())


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


def parse(text: Any) -> Any:
    """$parse(jsonString): the JSON value the string holds (AWS's replacement for $eval)."""
    source = _string("parse", 1, text)
    try:
        # JSON.parse semantics: NaN and Infinity are not JSON.
        value = json.loads(source, parse_constant=_reject_constant)
    except ValueError as exc:
        raise FunctionError(f"Unable to parse the string given to $parse as JSON: {exc}") from None
    # A top-level null must stay null: None would read as "undefined" to the JSONata engine.
    return NULL if value is None else value


def eval_(*_args: Any) -> Any:
    # ASL: every JSONata 2.0.6 built-in is supported except $eval; use $parse instead.
    raise FunctionError("The $eval function is not supported by Step Functions; use $parse instead")


def clock_functions(millis: int) -> dict[str, Any]:
    """`$now()` and `$millis()` for one evaluation: every call within it returns the same instant."""

    def now(picture: Any = None, timezone: Any = None) -> Any:
        return Functions.datetime_from_millis(millis, picture, timezone)

    return {"now": _Builtin("now", now, 0, 2), "millis": _Builtin("millis", lambda: millis, 0, 0)}


def current_millis() -> int:
    return time.time_ns() // 1_000_000


# --- the library's built-ins, with faster argument checks ---------------------------------------------------


class FastSignature(Signature):
    """The library's signature check, with a type table for the symbols of JSON values and the regex
    match of each argument pattern remembered.

    The library's `get_symbol` imports a module and runs three function-likeness tests (the last through
    `inspect`) for every argument and, for typed arrays like `$sum`'s `a<n>`, every item. Plain JSON types
    can never be functions or regexes, so their symbol follows from the type alone; anything else goes
    through the library's own code. `validate` is the library's, step for step.
    """

    _matches: dict[str, tuple]

    @classmethod
    def of(cls, signature: Signature) -> FastSignature:
        fast = copy.copy(signature)
        fast.__class__ = cls
        fast._matches = {}
        return fast

    def get_symbol(self, value: Any) -> str:
        if value is None:
            return "m"
        symbol = _SYMBOLS.get(type(value))
        return symbol if symbol is not None else Signature.get_symbol(self, value)

    def validate(self, args: Any, context: Any) -> Any:
        get_symbol = self.get_symbol
        supplied_sig = "".join([get_symbol(arg) for arg in args])
        groups = self._matches.get(supplied_sig)
        if groups is None:
            is_valid = self._regex.fullmatch(supplied_sig)
            if is_valid is None:
                self.throw_validation_error(args, supplied_sig, self.function_name)
            groups = self._matches[supplied_sig] = is_valid.groups()
        validated_args = []
        arg_index = 0
        count = len(args)
        for index, param in enumerate(self._params):
            match_ = groups[index]
            if match_ == "":
                if param.context and param.regex is not None:
                    # substitute context value for missing arg, if it has the right type
                    if re.fullmatch(param.regex, get_symbol(context)):
                        validated_args.append(context)
                    else:
                        raise JException("T0411", -1, context, arg_index + 1)
                else:
                    validated_args.append(args[arg_index] if arg_index < count else None)
                    arg_index += 1
                continue
            for single in match_:  # may have matched several args (a pattern ending with '+')
                arg = args[arg_index] if arg_index < count else None
                if param.type == "a":
                    if single == "m":
                        arg = None
                    else:
                        if param.subtype is not None and not self._items_match(param, single, match_, arg):
                            raise JException("T0412", -1, arg_index + 1, self.function_name, param.subtype)
                        if single != "a":
                            arg = [arg]  # the function expects an array: make it one
                validated_args.append(arg)
                arg_index += 1
        return validated_args

    def _items_match(self, param: Signature.Param, single: str, match_: str, arg: Any) -> bool:
        # The array part of Signature.validate: every item has the type the signature names (`a<n>`).
        if single != "a":
            return match_ == param.subtype
        if not arg:
            return True
        item_type = self.get_symbol(arg[0])
        if item_type != str(param.subtype[0]):
            return False
        for item in arg:
            symbol = "m" if item is None else _SYMBOLS.get(type(item)) or Signature.get_symbol(self, item)
            if symbol != item_type:
                return False
        return True


_SYMBOLS = {str: "s", bool: "b", int: "n", float: "n", list: "a", Utils.JList: "a", Sequence: "a", dict: "o"}
_EXACT_INTEGERS = 10**15  # below this, the library's $string writes an integer as Python's str() does


def fast_string(arg: Any, prettify: Any) -> Any:
    # Functions.string for the two kinds of value whose text needs none of its JSON encoder and decimal
    # rounding (to 15 significant digits): strings are returned as they are, small integers in decimal.
    kind = type(arg)
    if kind is str:
        return arg
    if kind is int and -_EXACT_INTEGERS < arg < _EXACT_INTEGERS:
        return str(arg)
    return Functions.string(arg, prettify)


def fast_builtins() -> dict[str, Jsonata.JNativeFunction]:
    """Copies of the library's built-in functions whose signatures check arguments with `FastSignature`
    (and whose `$string` skips the JSON encoder for strings and integers)."""
    copies = {}
    for name, function in Jsonata.static_frame.bindings.items():
        if type(function) is not Jsonata.JNativeFunction or type(function.signature) is not Signature:
            continue
        fast = copy.copy(function)
        fast.signature = FastSignature.of(function.signature)
        if name == "string" and function.method is Functions.string:
            fast.method = fast_string
        copies[name] = fast
    return copies


def make_base_frame(*, fast: bool = True) -> Jsonata.Frame:
    """A frame with Step Functions' functions over the library's built-ins.

    With `fast` (the default, and `BASE_FRAME`) it also holds copies of the built-ins with faster checks
    of their arguments (see `fast_builtins`); without, the library's own are used (tests compare the two).
    """
    frame = Jsonata.Frame(Jsonata.static_frame)
    if fast:
        frame.bindings.update(fast_builtins())
    for name, function, minimum, maximum in (
        ("partition", partition, 1, 2),
        ("range", range_, 3, 3),
        ("hash", hash_, 2, 2),
        ("random", random_, 0, 1),
        ("uuid", uuid_, 0, 0),
        ("parse", parse, 1, 1),
        ("eval", eval_, 0, 2),
    ):
        frame.bindings[name] = _Builtin(name, function, minimum, maximum)
    # Expressions that use the clock get one instant bound per evaluation; this fallback reads the wall clock.
    def wall_clock_now(picture: Any = None, timezone: Any = None) -> Any:
        return Functions.datetime_from_millis(current_millis(), picture, timezone)

    frame.bindings["now"] = _Builtin("now", wall_clock_now, 0, 2)
    frame.bindings["millis"] = _Builtin("millis", current_millis, 0, 0)
    return frame


BASE_FRAME = make_base_frame()
