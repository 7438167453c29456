"""States.MathRandom and States.MathAdd."""

from __future__ import annotations

import random

from designer.asl.intrinsic.arguments import INT32_MAX, INT32_MIN, describe, fail, integer


def math_random(args: list) -> int:
    start = integer("MathRandom", args[0], "start")
    end = integer("MathRandom", args[1], "end")
    if start > end:
        fail("MathRandom", f"the start {start} must not be greater than the end {end}")
    if len(args) == 3:
        # Same seed, same number; not cryptographically secure (neither is AWS's).
        seed = integer("MathRandom", args[2], "seed")
        return random.Random(seed).randint(start, end)
    return random.randint(start, end)


def math_add(args: list) -> int:
    total = 0
    for value, what in zip(args, ("first argument", "second argument")):
        number = integer("MathAdd", value, what)
        # AWS: "You must specify integer values in the range of -2147483648 and 2147483647."
        if not INT32_MIN <= number <= INT32_MAX:
            fail("MathAdd", f"the {what} must be between {INT32_MIN} and {INT32_MAX}, got {describe(value)}")
        total += number
    return total
