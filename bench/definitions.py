"""The benchmark's workloads: one ASL definition and one input per row, identical for both interpreters.

Sizes live in the input wherever ASL allows it (the Choice loop's limit, the Map's items), so a smaller
size for the slow peer runs the very same definition. Where the size is the shape of the definition
itself (Parallel branches, chain length) the builder takes it as an argument.
"""
from __future__ import annotations

from typing import Any

CUSTOMERS = ["ada", "grace", "alan", "edsger", "barbara"]


def pass_chain(length: int = 10) -> dict:
    """(a) `length` Pass states in a row, each handing its input on unchanged."""
    states: dict[str, Any] = {}
    for index in range(length):
        state: dict[str, Any] = {"Type": "Pass"}
        if index == length - 1:
            state["End"] = True
        else:
            state["Next"] = f"Step{index + 1}"
        states[f"Step{index}"] = state
    return {"Comment": "Pass chain", "StartAt": "Step0", "States": states}


def pass_chain_input() -> dict:
    return {"order": {"id": "o-1", "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}]}}


def choice_loop() -> dict:
    """(b) A counter raised by a Pass with States.MathAdd until a Choice sees it reach `$.limit`.

    Transitions per run: Init + limit x (Increment + Loop) + Done = 2 * limit + 2.
    """
    return {
        "Comment": "Choice loop",
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Parameters": {"i": 0, "limit.$": "$.limit"}, "Next": "Increment"},
            "Increment": {
                "Type": "Pass",
                "Parameters": {"i.$": "States.MathAdd($.i, 1)", "limit.$": "$.limit"},
                "Next": "Loop",
            },
            "Loop": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.limit", "Next": "Increment"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }


def choice_loop_input(iterations: int) -> dict:
    return {"limit": iterations}


def inline_map() -> dict:
    """(c) An inline Map over `$.items` whose ItemProcessor is two Pass states.

    A ResultSelector sums the results up: 10,000 result objects would exceed the 256 KiB payload
    limit of the state's output (States.DataLimitExceeded), as they would on AWS.
    Transitions per run: Map + 2 per item.
    """
    return {
        "Comment": "Inline Map",
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Double",
                    "States": {
                        "Double": {
                            "Type": "Pass",
                            "Parameters": {"v.$": "$.v", "double.$": "States.MathAdd($.v, $.v)"},
                            "Next": "Tag",
                        },
                        "Tag": {"Type": "Pass", "Result": "ok", "ResultPath": "$.tag", "End": True},
                    },
                },
                "ResultSelector": {"count.$": "States.ArrayLength($)", "first.$": "$[0]", "last.$": "$[-1:]"},
                "End": True,
            }
        },
    }


def inline_map_input(items: int) -> dict:
    # About 10 bytes of JSON per item: 10,000 items stay under the 256 KiB input limit.
    return {"items": [{"v": k % 100} for k in range(items)]}


def parallel_chains(branches: int = 10, length: int = 100) -> dict:
    """(d) A Parallel of `branches` branches, each a chain of `length` Pass states.

    The first state of each branch tags its output with the branch number so the results differ.
    Transitions per run: Parallel + branches x length.
    """
    branch_list = []
    for b in range(branches):
        states: dict[str, Any] = {}
        for index in range(length):
            name = f"B{b}S{index}"
            state: dict[str, Any] = {"Type": "Pass"}
            if index == 0:
                state["Parameters"] = {"branch": b, "id.$": "$.id"}
            if index == length - 1:
                state["End"] = True
            else:
                state["Next"] = f"B{b}S{index + 1}"
            states[name] = state
        branch_list.append({"StartAt": f"B{b}S0", "States": states})
    return {
        "Comment": "Parallel chains",
        "StartAt": "Fan",
        "States": {"Fan": {"Type": "Parallel", "Branches": branch_list, "End": True}},
    }


def parallel_input() -> dict:
    return {"id": "p-1"}


def orders_input(count: int = 20) -> dict:
    """Input of rows (e) and (e'): `count` orders with three lines each and a precomputed total."""
    orders = []
    for k in range(count):
        lines = [{"sku": f"SKU-{(k * 3 + j) % 7}", "qty": 1 + (k + j) % 4, "price": 5 + (k * 7 + j * 11) % 40}
                 for j in range(3)]
        orders.append({
            "id": f"o-{k}",
            "customer": CUSTOMERS[k % len(CUSTOMERS)],
            "lines": lines,
            "total": sum(line["qty"] * line["price"] for line in lines),
        })
    return {"orders": orders}


def _jsonata_chain_states() -> list[tuple[str, str]]:
    # Each step keeps the orders and adds one derived field, so every step reads the whole input.
    keep = '"orders": $states.input.orders'
    return [
        ("Totals", '{% $merge([$states.input, {"totals": [$states.input.orders.{"id": id, '
                   '"total": $sum(lines.(qty * price))}]}]) %}'),
        ("Customers", '{% $merge([$states.input, {"customers": [$distinct($states.input.orders.'
                      '$uppercase(customer))]}]) %}'),
        ("Big", '{% $merge([$states.input, {"big": [$filter($states.input.totals, '
                'function($t) { $t.total > 180 }).id]}]) %}'),
        ("Skus", '{% $merge([$states.input, {"skus": $join($sort($distinct($states.input.orders.lines.sku)), '
                 '",")}]) %}'),
        ("Counts", '{% $merge([$states.input, {"count": $count($states.input.orders), '
                   '"quantity": $sum($states.input.orders.lines.qty)}]) %}'),
        ("Average", '{% $merge([$states.input, {"average": $round($average($states.input.totals.total), 2)}]) %}'),
        ("Labels", '{% $merge([$states.input, {"labels": $map($states.input.totals, '
                   'function($t, $i) { $string($i) & ":" & $t.id & "=" & $string($t.total) })}]) %}'),
        ("Best", '{% $merge([$states.input, {"best": $states.input.totals[total = $max($states.input.totals.total)]'
                 '[0].id}]) %}'),
        ("Shape", '{% {' + keep + ', "summary": {"customers": $states.input.customers, '
                  '"big": $states.input.big, "skus": $split($states.input.skus, ","), '
                  '"count": $states.input.count, "quantity": $states.input.quantity, '
                  '"average": $states.input.average, "best": $states.input.best, '
                  '"firstLabels": $states.input.labels[[0..2]]}} %}'),
        ("Report", '{% {"report": $uppercase($states.input.summary.best) & " of " & '
                   '$string($states.input.summary.count), "summary": $states.input.summary, '
                   '"lines": $count($states.input.orders.lines)} %}'),
    ]


def jsonata_chain() -> dict:
    """(e) Ten JSONata Pass states: string functions, $map/$filter/$sum over arrays, object construction."""
    steps = _jsonata_chain_states()
    states: dict[str, Any] = {}
    for index, (name, expression) in enumerate(steps):
        state: dict[str, Any] = {"Type": "Pass", "Output": expression}
        if index == len(steps) - 1:
            state["End"] = True
        else:
            state["Next"] = steps[index + 1][0]
        states[name] = state
    return {"Comment": "JSONata chain", "QueryLanguage": "JSONata", "StartAt": steps[0][0], "States": states}


def jsonpath_chain() -> dict:
    """(e') The JSONPath + intrinsic functions counterpart of (e): ten Pass states over the same orders.

    JSONPath has no arithmetic over arrays, so it filters on the precomputed totals instead; each step
    does a comparable amount of selecting, filtering and building.
    """
    steps: list[tuple[str, dict]] = [
        ("Ids", {"Parameters": {"ids.$": "$.orders[*].id", "count.$": "States.ArrayLength($.orders)"},
                 "ResultPath": "$.stats"}),
        ("Big", {"Parameters": {"ids.$": "$.orders[?(@.total > 180)].id"}, "ResultPath": "$.big"}),
        ("Customers", {"Parameters": {"names.$": "States.ArrayUnique($.orders[*].customer)"},
                       "ResultPath": "$.customers"}),
        ("Skus", {"Parameters": {"skus.$": "States.ArrayUnique($.orders[*].lines[*].sku)"},
                  "ResultPath": "$.skus"}),
        ("Label", {"Parameters": {"text.$": "States.Format('{} orders, last {}, {} big', $.stats.count, "
                                            "States.ArrayGetItem($.stats.ids, States.MathAdd($.stats.count, -1)), "
                                            "States.ArrayLength($.big.ids))"},
                   "ResultPath": "$.label"}),
        ("Merge", {"Parameters": {"merged.$": "States.JsonMerge($.stats, $.customers, false)"},
                   "ResultPath": "$.merged"}),
        ("Contains", {"Parameters": {"hasFirst.$": "States.ArrayContains($.big.ids, 'o-1')",
                                     "words.$": "States.StringSplit($.label.text, ' ')"},
                      "ResultPath": "$.checks"}),
        ("Pages", {"Parameters": {"pages.$": "States.ArrayPartition($.stats.ids, 4)",
                                  "range.$": "States.ArrayRange(1, $.stats.count, 3)"},
                   "ResultPath": "$.pages"}),
        ("Shape", {"Parameters": {"orders.$": "$.orders", "summary": {
            "count.$": "$.stats.count", "big.$": "$.big.ids", "customers.$": "$.merged.merged.names",
            "skus.$": "States.ArrayLength($.skus.skus)", "label.$": "$.label.text",
            "words.$": "$.checks.words", "pages.$": "States.ArrayLength($.pages.pages)",
            "third.$": "States.ArrayGetItem($.pages.range, 2)"}}}),
        ("Report", {"Parameters": {"report.$": "States.Format('{} of {}', $.summary.label, "
                                               "States.ArrayLength($.orders))",
                                   "summary.$": "$.summary",
                                   "lines.$": "States.ArrayLength($.orders[*].lines[*])"}}),
    ]
    states: dict[str, Any] = {}
    for index, (name, body) in enumerate(steps):
        state: dict[str, Any] = {"Type": "Pass", **body}
        if index == len(steps) - 1:
            state["End"] = True
        else:
            state["Next"] = steps[index + 1][0]
        states[name] = state
    return {"Comment": "JSONPath chain", "StartAt": steps[0][0], "States": states}
