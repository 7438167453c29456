"""The designer's round-trip corpus (frontend/corpus) is valid ASL and as varied as it claims.

The front-end tests import and export every corpus file and demand the same JSON back; that proof
is only worth something if the files are definitions AWS would accept and cover what users write.
So each file must parse, pass `designer.asl.validate` without errors and have a unique, numbered
name, and the corpus as a whole must reach every state type, both Map modes, both query languages,
every Choice operator, Retry/Catch with jitter, the integrations Flowdeck runs and nesting three
deep. The coverage is computed from the files, so a new file can only add to it.
"""

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from designer.asl.validate import validate

CORPUS = Path(__file__).resolve().parents[2] / "frontend" / "corpus"
FILES = sorted(CORPUS.glob("*.asl.json"))
NAME = re.compile(r"(\d{3})-[a-z0-9]+(?:-[a-z0-9]+)*\.asl\.json\Z")

STATE_TYPES = {"Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}
COMPARISONS = {
    f"{kind}{relation}"
    for kind in ("String", "Numeric", "Timestamp")
    for relation in ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
} | {"BooleanEquals"}
CHOICE_OPERATORS = (
    COMPARISONS
    | {f"{name}Path" for name in COMPARISONS}
    | {"StringMatches", "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"}
)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _rules(rules: list):
    for rule in rules:
        yield rule
        yield from _rules(rule.get("And", []) + rule.get("Or", []) + ([rule["Not"]] if "Not" in rule else []))


def _states(states: dict, depth: int, inherited: str):
    """(name, state, depth, query language) for every state, nested ones included; depth 1 is top level."""
    for name, state in states.items():
        language = state.get("QueryLanguage", inherited)
        yield name, state, depth, language
        for branch in state.get("Branches", []):
            yield from _states(branch["States"], depth + 1, inherited)
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            yield from _states(processor["States"], depth + 1, inherited)


def coverage_summary(definitions: dict[str, dict]) -> dict:
    """What the corpus exercises, counted per file (a feature used twice in one file counts once)."""
    seen: dict[str, Counter] = {key: Counter() for key in (
        "state_types", "map_modes", "query_languages", "choice_operators", "wait_fields", "error_handling",
        "distributed_map", "data_flow", "resources",
    )}
    depths = []
    for definition in definitions.values():
        found: dict[str, set] = {key: set() for key in seen}
        top = definition.get("QueryLanguage", "JSONPath")
        found["query_languages"].add(f"top-level {top}")
        deepest = 0
        for _name, state, depth, language in _states(definition["States"], 1, top):
            deepest = max(deepest, depth)
            kind = state["Type"]
            found["state_types"].add(kind)
            found["query_languages"].add(language)
            if "QueryLanguage" in state:
                found["query_languages"].add(f"per-state {state['QueryLanguage']}")
            found["data_flow"].update(key for key in state if key in (
                "InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath", "Result",
                "Arguments", "Output", "Assign", "ItemSelector", "Items", "ItemsPath",
            ))
            if kind == "Map":
                if "Iterator" in state:
                    found["map_modes"].add("legacy Iterator")
                processor = state.get("ItemProcessor") or state.get("Iterator")
                found["map_modes"].add(processor.get("ProcessorConfig", {}).get("Mode", "INLINE"))
                found["distributed_map"].update(key for key in state if key.startswith((
                    "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailure", "Label", "MaxConcurrency")))
                for part in ("ItemReader", "ResultWriter"):
                    for config in ("ReaderConfig", "WriterConfig"):
                        found["distributed_map"].update(
                            f"{config}.{value}" for key, value in state.get(part, {}).get(config, {}).items()
                            if key in ("InputType", "OutputType"))
            if kind == "Choice":
                for rule in _rules(state["Choices"]):
                    found["choice_operators"].update(key for key in rule if key in CHOICE_OPERATORS)
                    found["choice_operators"].update(key for key in rule if key in ("And", "Or", "Not", "Condition"))
                    if "Assign" in rule:
                        found["data_flow"].add("Choice rule Assign")
            if kind == "Wait":
                found["wait_fields"].update(key for key in state if key in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"))
            for retrier in state.get("Retry", []):
                found["error_handling"].add("Retry")
                found["error_handling"].update(key for key in retrier if key in ("JitterStrategy", "MaxDelaySeconds", "BackoffRate"))
            if state.get("Catch"):
                found["error_handling"].add("Catch")
            resource = state.get("Resource", "")
            for label, marker in (
                ("http", ":::http:invoke"), ("xmlrpc", "arn:flowdeck:states:::xmlrpc:"), ("activity", ":activity:"),
                ("waitForTaskToken", ".waitForTaskToken"), ("startExecution", ":::states:startExecution"),
                ("lambda", "lambda"), ("aws-sdk", ":::aws-sdk:"),
            ):
                if marker in resource:
                    found["resources"].add(label)
        depths.append(deepest)
        for key, values in found.items():
            seen[key].update(values)
    return {
        "files": len(definitions),
        "states": sum(1 for d in definitions.values() for _ in _states(d["States"], 1, "JSONPath")),
        "max_depth": max(depths),
        "files_nested_3_deep": sum(1 for depth in depths if depth >= 3),
        **{key: dict(sorted(counter.items())) for key, counter in seen.items()},
    }


@pytest.fixture(scope="module")
def definitions() -> dict[str, dict]:
    return {path.name: _load(path) for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_file_is_valid_asl(path):
    text = path.read_text(encoding="utf-8")
    assert isinstance(json.loads(text), dict)
    errors = validate(text)
    assert errors == [], "\n".join(f"{d.code} at {d.location}: {d.message}" for d in errors)


def test_corpus_size_and_names():
    assert len(FILES) >= 120
    numbers = []
    for path in FILES:
        match = NAME.match(path.name)
        assert match, f"{path.name}: expected NNN-short-name.asl.json (lowercase, digits and dashes)"
        numbers.append(match.group(1))
    assert len(set(numbers)) == len(numbers), [n for n, count in Counter(numbers).items() if count > 1]
    assert len({path.name.lower() for path in FILES}) == len(FILES)


def test_coverage(definitions):
    summary = coverage_summary(definitions)
    print(json.dumps(summary, indent=1))  # visible with -s: the numbers the closing note quotes
    assert set(summary["state_types"]) == STATE_TYPES
    assert set(summary["map_modes"]) == {"INLINE", "DISTRIBUTED", "legacy Iterator"}
    assert {"top-level JSONPath", "top-level JSONata", "per-state JSONata", "JSONPath", "JSONata"} <= set(
        summary["query_languages"])
    assert CHOICE_OPERATORS | {"And", "Or", "Not", "Condition"} <= set(summary["choice_operators"])
    assert set(summary["wait_fields"]) == {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"}
    assert {"Retry", "Catch", "JitterStrategy", "MaxDelaySeconds", "BackoffRate"} <= set(summary["error_handling"])
    assert {"ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailurePercentage", "ToleratedFailureCount",
            "ToleratedFailurePercentagePath", "ToleratedFailureCountPath", "Label", "MaxConcurrencyPath",
            "ReaderConfig.CSV", "ReaderConfig.JSON", "ReaderConfig.JSONL", "ReaderConfig.MANIFEST",
            "WriterConfig.JSONL"} <= set(summary["distributed_map"])
    assert {"Parameters", "ResultSelector", "InputPath", "OutputPath", "Result", "Arguments", "Output", "Assign",
            "ItemSelector", "Items", "Choice rule Assign"} <= set(summary["data_flow"])
    assert {"http", "xmlrpc", "activity", "waitForTaskToken", "startExecution"} <= set(summary["resources"])
    assert summary["max_depth"] >= 3 and summary["files_nested_3_deep"] >= 3
    assert summary["states"] >= 800


def test_key_order_varies(definitions):
    # The designer must keep key order, so the corpus has states whose first key is not "Type"
    # and machines whose "States" come before "StartAt".
    assert any(list(d).index("States") < list(d).index("StartAt") for d in definitions.values())
    assert sum(1 for d in definitions.values() for _n, s, _d, _l in _states(d["States"], 1, "JSONPath")
               if next(iter(s)) != "Type") >= 20


def test_generated_files_are_up_to_date():
    spec = importlib.util.spec_from_file_location("corpus_generate", CORPUS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, text in module.build().items():
        assert (CORPUS / name).read_text(encoding="utf-8") == text, f"{name} is stale: run frontend/corpus/generate.py"
