"""States.Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique."""

from __future__ import annotations

from typing import Any

from designer.asl.intrinsic.arguments import array, describe, fail, identity, integer, is_number

# AWS: "The newly generated array can't contain more than 1000 items."
MAX_RANGE_ITEMS = 1000


def array_of(args: list) -> list:
    # AWS: "returns a JSON array containing the values of the arguments in the order provided".
    return list(args)


def array_partition(args: list) -> list:
    items = array("ArrayPartition", args[0])
    size = integer("ArrayPartition", args[1], "chunk size")
    if size <= 0:
        fail("ArrayPartition", f"the chunk size must be a positive, non-zero integer, got {describe(args[1])}")
    return [items[i : i + size] for i in range(0, len(items), size)]


def array_contains(args: list) -> bool:
    items = array("ArrayContains", args[0])
    wanted = identity(args[1])
    return any(identity(item) == wanted for item in items)


def array_range(args: list) -> list:
    start = integer("ArrayRange", args[0], "first argument")
    end = integer("ArrayRange", args[1], "second argument")
    step = integer("ArrayRange", args[2], "step")
    if step == 0:
        fail("ArrayRange", "the step must be a non-zero integer")
    # AWS: both ends inclusive, e.g. States.ArrayRange(1, 9, 2) -> [1,3,5,7,9].
    count = max(0, (end - start) // step + 1)
    if count > MAX_RANGE_ITEMS:
        fail("ArrayRange", f"the range would hold {count} items, more than the limit of {MAX_RANGE_ITEMS}")
    return list(range(start, end + (1 if step > 0 else -1), step))


def array_get_item(args: list) -> Any:
    items = array("ArrayGetItem", args[0])
    index = args[1]
    if not is_number(index) or index != int(index) or index < 0:
        fail("ArrayGetItem", f"the index must be a non-negative integer, got {describe(index)}")
    index = int(index)
    if index >= len(items):
        fail("ArrayGetItem", f"the index {index} is out of bounds for an array of length {len(items)}")
    return items[index]


def array_length(args: list) -> int:
    return len(array("ArrayLength", args[0], "argument"))


def array_unique(args: list) -> list:
    items = array("ArrayUnique", args[0], "argument")
    seen: set[str] = set()
    unique = []
    for item in items:  # first occurrence wins, order kept
        key = identity(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique
