"""The 18 States.* intrinsic functions: how many arguments each takes and what runs it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from designer.asl.intrinsic import arrays, encoding, json_values, numbers, strings

Impl = Callable[[list], Any]


@dataclass(frozen=True, slots=True)
class Spec:
    minimum: int
    maximum: int | None  # None: no upper bound
    build: Callable[[tuple], Impl]  # argument trees -> function of the evaluated argument values


def _plain(impl: Impl) -> Callable[[tuple], Impl]:
    return lambda nodes: impl


FUNCTIONS: dict[str, Spec] = {
    "Format": Spec(1, None, strings.build_format),
    "StringToJson": Spec(1, 1, _plain(json_values.string_to_json)),
    "JsonToString": Spec(1, 1, _plain(json_values.json_to_string)),
    "Array": Spec(0, None, _plain(arrays.array_of)),
    "ArrayPartition": Spec(2, 2, _plain(arrays.array_partition)),
    "ArrayContains": Spec(2, 2, _plain(arrays.array_contains)),
    "ArrayRange": Spec(3, 3, _plain(arrays.array_range)),
    "ArrayGetItem": Spec(2, 2, _plain(arrays.array_get_item)),
    "ArrayLength": Spec(1, 1, _plain(arrays.array_length)),
    "ArrayUnique": Spec(1, 1, _plain(arrays.array_unique)),
    "Base64Encode": Spec(1, 1, _plain(encoding.base64_encode)),
    "Base64Decode": Spec(1, 1, _plain(encoding.base64_decode)),
    "Hash": Spec(2, 2, _plain(encoding.hash_of)),
    "JsonMerge": Spec(3, 3, _plain(json_values.json_merge)),
    "MathRandom": Spec(2, 3, _plain(numbers.math_random)),
    "MathAdd": Spec(2, 2, _plain(numbers.math_add)),
    "StringSplit": Spec(2, 2, _plain(strings.string_split)),
    "UUID": Spec(0, 0, _plain(strings.new_uuid)),
}
