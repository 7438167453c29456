"""Mocked Task results in the format of AWS Step Functions Local's MockConfigFile.

A mock file names, per state machine and test case, which Task states are mocked and by which mocked
response; a mocked response lists, per invocation number, a `Return` value or a `Throw` error:

    {"StateMachines": {"Orders": {"TestCases": {"HappyPath": {"Charge": "ChargeOk"}}}},
     "MockedResponses": {"ChargeOk": {"0": {"Throw": {"Error": "E", "Cause": "c"}},
                                      "1-2": {"Return": {"charged": true}}}}}

`MockConfig.resolver()` turns one test case into a `Resolver` for `LocalRunner`; `MockConfig.for_states()`
does the same for a bare `{state name: mocked response}` mapping, for tests that need no file wrapper.
The rules follow the Step Functions Local guide (sfn-local-mock-cfg-file, sfn-local-test-sm-exec) and
what Step Functions Local 2.0 does where the guide is silent (noted where it matters).
"""
from __future__ import annotations

import bisect
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from designer.asl import errors
from designer.asl.errors import StatesError
from designer.asl.validation.values import json_kind
from executions.engine import signals as sig
from executions.engine.runner import Resolver, UnresolvedResource

__all__ = ["MockConfig", "MockConfigError", "MockedResponse", "MockResolver", "Outcome"]

# SFN Local guide: invocation numbers are integer strings ("0", "3") or inclusive ranges ("0-1", "2-3").
_KEY = re.compile(r"([0-9]+)(?:-([0-9]+))?")
_TOP_LEVEL = ("StateMachines", "MockedResponses")


class MockConfigError(ValueError):
    """The mock configuration is malformed, or lacks the state machine or test case asked for.

    The message names the place in the file as a JSON pointer, e.g. `/MockedResponses/Retry/1-2/Throw`."""


def _problem(path: str, message: str) -> MockConfigError:
    return MockConfigError(f"mock config {path or '/'}: {message}")


def _pointer(path: str, key: str) -> str:
    return f"{path}/{key.replace('~', '~0').replace('/', '~1')}"


def _require_object(value: Any, path: str, what: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise _problem(path, f"{what} must be a JSON object, not {json_kind(value)}")
    return value


@dataclass(frozen=True, slots=True)
class Outcome:
    """One mocked invocation: a `Return` value, or (when `error` is set) a `Throw`."""

    value: Any = None
    error: str | None = None
    cause: str | None = None

    @property
    def throws(self) -> bool:
        return self.error is not None


class MockedResponse:
    """A named mocked response: which outcome answers the n-th invocation (0-based) of a state."""

    __slots__ = ("name", "_starts", "_spans")

    def __init__(self, name: str, spans: list[tuple[int, int, Outcome]]):
        self.name = name
        self._spans = sorted(spans, key=lambda span: span[0])
        self._starts = [start for start, _, _ in self._spans]

    @classmethod
    def parse(cls, name: str, data: Any, path: str) -> MockedResponse:
        """Read `{"0": {"Return": ...}, "1-2": {"Throw": {...}}}`, raising MockConfigError on a bad entry."""
        data = _require_object(data, path, f"mocked response '{name}'")
        spans: list[tuple[int, int, Outcome]] = []
        for key, entry in data.items():
            where = _pointer(path, key)
            match = _KEY.fullmatch(key) if isinstance(key, str) else None
            if match is None:
                raise _problem(where, f"'{key}' is not an invocation number: use an integer such as \"0\" "
                                      f"or an inclusive range such as \"1-2\"")
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) is not None else start
            if end < start:
                raise _problem(where, f"the range '{key}' ends before it starts")
            spans.append((start, end, _outcome(entry, where)))
        spans.sort(key=lambda span: span[0])
        for (start_a, end_a, _), (start_b, _, _) in zip(spans, spans[1:]):
            if start_b <= end_a:
                raise _problem(path, f"invocation {start_b} of mocked response '{name}' is defined twice "
                                     f"(ranges starting at {start_a} and {start_b} overlap)")
        # A gap ("0" then "2") or an empty response is not an error here: as in Step Functions Local, the
        # execution fails only if it reaches an invocation with no mocked response.
        return cls(name, spans)

    def at(self, invocation: int) -> Outcome | None:
        """The outcome for the 0-based `invocation`, or None when the response does not define it."""
        index = bisect.bisect_right(self._starts, invocation) - 1
        if index >= 0:
            start, end, outcome = self._spans[index]
            if start <= invocation <= end:
                return outcome
        return None

    def describe(self) -> str:
        """The invocation numbers defined, as written in a file: "0, 1-2, 3" (or "none")."""
        parts = [str(start) if start == end else f"{start}-{end}" for start, end, _ in self._spans]
        return ", ".join(parts) or "none"


def _outcome(entry: Any, path: str) -> Outcome:
    entry = _require_object(entry, path, "a mocked invocation")
    # SFN Local guide: "A response must contain a single field named Return or Throw".
    keys = set(entry)
    if keys == {"Return"}:
        # Any JSON value may be returned, not only an object (as Step Functions Local allows).
        return Outcome(value=entry["Return"])
    if keys == {"Throw"}:
        throw = _require_object(entry["Throw"], _pointer(path, "Throw"), "Throw")
        # SFN Local guide: Throw is "an object containing an Error and Cause fields with string values".
        for field in ("Error", "Cause"):
            if field not in throw:
                raise _problem(_pointer(path, "Throw"), f"Throw must have the field '{field}' (a string)")
            if not isinstance(throw[field], str):
                raise _problem(_pointer(_pointer(path, "Throw"), field),
                               f"{field} must be a string, not {json_kind(throw[field])}")
        extra = sorted(set(throw) - {"Error", "Cause"})
        if extra:
            raise _problem(_pointer(path, "Throw"), f"unknown field '{extra[0]}' (Throw has only Error and Cause)")
        return Outcome(error=throw["Error"], cause=throw["Cause"])
    if {"Return", "Throw"} <= keys:
        raise _problem(path, "a mocked invocation has either Return or Throw, not both")
    extra = sorted(keys - {"Return", "Throw"})
    if extra:
        raise _problem(path, f"unknown field '{extra[0]}' (a mocked invocation has a single field, Return or Throw)")
    raise _problem(path, "a mocked invocation needs a Return or a Throw field")


class MockResolver:
    """A `Resolver` for one execution: mocked states answer from their mocked response, others go to
    `fallback` (or raise UnresolvedResource).

    SFN Local counts invocations per state across the whole execution: every attempt, retries included,
    and every Map iteration or loop pass takes the next invocation number. So use one resolver per run.
    """

    def __init__(self, mocks: Mapping[str, MockedResponse], fallback: Resolver | None = None, *, label: str = ""):
        self.mocks = dict(mocks)
        self.fallback = fallback
        self.label = label
        self.invocations: dict[str, int] = {}
        self._lock = threading.Lock()  # a host may answer tasks of parallel branches from several threads

    def __call__(self, command: sig.InvokeTask) -> Any:
        response = self.mocks.get(command.state_name)
        if response is None:
            if self.fallback is not None:
                return self.fallback(command)
            raise UnresolvedResource(command.resource, command.state_name)
        with self._lock:
            number = self.invocations.get(command.state_name, 0)
            self.invocations[command.state_name] = number + 1
        outcome = response.at(number)
        if outcome is None:
            # SFN Local guide: "If you do not specify a mocked response for a specific retry attempt ...
            # the state machine execution will fail." States.Runtime is what Step Functions Local reports,
            # and no Retrier or Catcher handles it.
            where = f" in {self.label}" if self.label else ""
            raise StatesError(
                errors.RUNTIME,
                f"No mocked response for invocation {number} of state '{command.state_name}'{where}: mocked "
                f"response '{response.name}' defines invocations {response.describe()}",
            )
        if outcome.throws:
            raise StatesError(outcome.error, outcome.cause)
        return outcome.value


class MockConfig:
    """A parsed and validated MockConfigFile: test cases per state machine, and the mocked responses."""

    def __init__(self, state_machines: dict[str, dict[str, dict[str, str]]], responses: dict[str, MockedResponse]):
        self.state_machines = state_machines
        self.responses = responses

    @classmethod
    def from_dict(cls, data: Any) -> MockConfig:
        """Validate a MockConfigFile already parsed from JSON; raise MockConfigError naming the bad place."""
        data = _require_object(data, "", "the mock configuration")
        for key in data:
            if key not in _TOP_LEVEL:
                hint = " (did you mean 'MockedResponses'?)" if key == "MockedResponse" else ""
                raise _problem(_pointer("", key), f"unknown field '{key}'{hint}; a mock configuration has "
                                                  f"the fields StateMachines and MockedResponses")
        for key in _TOP_LEVEL:
            if key not in data:
                raise _problem("", f"missing the field '{key}'")
        machines: dict[str, dict[str, dict[str, str]]] = {}
        for machine, body in _require_object(data["StateMachines"], "/StateMachines", "StateMachines").items():
            path = _pointer("/StateMachines", machine)
            body = _require_object(body, path, f"state machine '{machine}'")
            if set(body) != {"TestCases"}:
                extra = sorted(set(body) - {"TestCases"})
                message = f"unknown field '{extra[0]}'; " if extra else ""
                raise _problem(path, message + "a state machine has a single field, TestCases")
            cases = {}
            path = _pointer(path, "TestCases")
            for case, states in _require_object(body["TestCases"], path, "TestCases").items():
                case_path = _pointer(path, case)
                states = _require_object(states, case_path, f"test case '{case}'")
                for state, response in states.items():
                    if not isinstance(response, str):
                        raise _problem(_pointer(case_path, state), f"the mocked response for state '{state}' must "
                                                                   f"be the name of a mocked response (a string), "
                                                                   f"not {json_kind(response)}")
                cases[case] = dict(states)
            machines[machine] = cases
        responses = {
            name: MockedResponse.parse(name, body, _pointer("/MockedResponses", name))
            for name, body in _require_object(data["MockedResponses"], "/MockedResponses", "MockedResponses").items()
        }
        return cls(machines, responses)

    @classmethod
    def from_file(cls, path: str | Path) -> MockConfig:
        """Read and validate a MockConfigFile; unreadable files and bad JSON raise MockConfigError too."""
        from designer.asl.parse import DefinitionSyntaxError, parse_definition

        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise MockConfigError(f"cannot read mock config {path}: not UTF-8 text") from None
        except OSError as exc:
            raise MockConfigError(f"cannot read mock config {path}: {exc.strerror or exc}") from None
        try:
            # Strict JSON with line/column on errors and duplicate keys refused (json.loads keeps the last).
            data = parse_definition(text)
        except DefinitionSyntaxError as exc:
            try:
                value = json.loads(text)
            except ValueError:
                value = {}
            if not isinstance(value, dict):
                return cls.from_dict(value)  # valid JSON but not an object: say so in the mock file's terms
            raise MockConfigError(f"mock config {path} is not valid JSON: {exc}") from None
        return cls.from_dict(data)

    def test_cases(self, state_machine_name: str) -> list[str]:
        return list(self.state_machines.get(state_machine_name, {}))

    def resolver(self, state_machine_name: str, test_case: str, fallback: Resolver | None = None) -> MockResolver:
        """A fresh resolver for one execution of `state_machine_name` under `test_case`.

        Raises MockConfigError when the machine or the test case is missing, or when the test case names a
        mocked response that MockedResponses does not define."""
        cases = self.state_machines.get(state_machine_name)
        if cases is None:
            known = ", ".join(f"'{name}'" for name in self.state_machines) or "none"
            raise MockConfigError(f"mock config has no state machine '{state_machine_name}' (it defines {known})")
        states = cases.get(test_case)
        if states is None:
            known = ", ".join(f"'{name}'" for name in cases) or "none"
            raise MockConfigError(f"mock config has no test case '{test_case}' for state machine "
                                  f"'{state_machine_name}' (it defines {known})")
        mocks = {}
        for state, response_name in states.items():
            response = self.responses.get(response_name)
            if response is None:
                path = _pointer(_pointer(_pointer(_pointer("/StateMachines", state_machine_name), "TestCases"),
                                         test_case), state)
                raise _problem(path, f"state '{state}' uses the mocked response '{response_name}', which "
                                     f"MockedResponses does not define")
            mocks[state] = response
        return MockResolver(mocks, fallback, label=f"test case '{test_case}' of '{state_machine_name}'")

    @staticmethod
    def for_states(states: Mapping[str, Any], fallback: Resolver | None = None) -> MockResolver:
        """A resolver straight from `{state name: {"0": {"Return": ...}, ...}}`, without the file wrapper."""
        mocks = {
            state: MockedResponse.parse(state, body, _pointer("", state))
            for state, body in _require_object(states, "", "the mocked states").items()
        }
        return MockResolver(mocks, fallback)
