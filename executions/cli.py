"""What `manage.py asl` does, without Django: read files, validate definitions, run executions.

The management command only parses arguments and prints; everything here returns plain data or raises
`CliError`, whose message is the one line the command prints (after "error: ") before exiting 2.
"""
from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.asl.errors import AslSyntaxError
from designer.asl.model import Machine
from executions.engine.mocks import MockConfig, MockConfigError, MockResolver
from executions.engine.runner import LocalRunner, Resolver, RunResult, Stalled, UnresolvedResource

UNREADABLE_FILE = "UNREADABLE_FILE"  # our own diagnostic code: the file could not be read at all
_MACHINE_CACHE_SIZE = 1024


class CliError(Exception):
    """Bad input (unreadable file, invalid JSON or definition, bad mocks, unresolved task, stall)."""


# --- reading files --------------------------------------------------------------------------------


def read_text(path: str | Path, what: str = "file") -> str:
    """The file's text as UTF-8; CliError (naming `what` and the path) when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CliError(f"cannot read {what} {path}: not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def parse_json(text: str, source: str) -> Any:
    """Parse JSON text; CliError saying where (line and column) it goes wrong."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise CliError(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except ValueError as exc:
        raise CliError(f"{source} is not valid JSON: {exc}") from None


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON (and AWS) do not.
    raise ValueError(f"{name} is not a JSON value")


def read_json(path: str | Path, what: str) -> Any:
    return parse_json(read_text(path, what), f"{what} {path}")


def default_machine_name(path: str | Path) -> str:
    """The state machine's name from its file: `orders.json` and `orders.asl.json` both give `orders`."""
    name = Path(path).name
    for suffix in (".json", ".asl"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


# --- validate -------------------------------------------------------------------------------------


@dataclass
class FileReport:
    """The outcome of validating one file: FAIL iff some diagnostic is an ERROR."""

    file: str
    diagnostics: list = field(default_factory=list)

    @property
    def result(self) -> str:
        return "FAIL" if any(d.severity == "ERROR" for d in self.diagnostics) else "OK"

    def to_dict(self) -> dict:
        return {"file": self.file, "result": self.result, "diagnostics": [d.to_dict() for d in self.diagnostics]}


def validate_file(path: str) -> FileReport:
    """Validate one definition file as ValidateStateMachineDefinition does, warnings included."""
    from designer.asl.validate import Diagnostic, validate

    try:
        text = read_text(path, "definition")
    except CliError as exc:
        return FileReport(path, [Diagnostic("ERROR", UNREADABLE_FILE, str(exc), "")])
    return FileReport(path, list(validate(text, severity="WARNING")))


# --- compile and run ------------------------------------------------------------------------------


def compile_definition(definition: str | dict, source: str) -> Machine:
    """Compile definition text or an already parsed object; CliError listing every diagnostic."""
    from designer.asl.compile import InvalidDefinition, compile_machine

    try:
        return compile_machine(definition)
    except InvalidDefinition as exc:
        problems = "; ".join(f"{d.code} at {d.location or '/'}: {d.message}" for d in exc.diagnostics)
        raise CliError(f"{source} is not a valid state machine definition: {problems or exc}") from None
    except AslSyntaxError as exc:
        raise CliError(f"{source} is not a valid state machine definition: {exc}") from None


@dataclass(frozen=True)
class Flags:
    """How the user spells the options, for hints in messages (`asl run` flags or run-batch fields)."""

    name: str = "--name"
    mock_config: str = "--mock-config"
    test_case: str = "--test-case"


RUN_FLAGS = Flags()
BATCH_FLAGS = Flags("name", "mock_config", "test_case")


def mock_resolver(config: MockConfig | None, machine_name: str, test_case: str | None,
                  flags: Flags = RUN_FLAGS) -> Resolver | None:
    """The resolver for a test case (None without mocks); CliError for a missing machine or test case."""
    if config is None and test_case is None:
        return None
    if config is None:
        raise CliError(f"{flags.test_case} needs {flags.mock_config} (the mock config the test case comes from)")
    if test_case is None:
        cases = ", ".join(f"'{case}'" for case in config.test_cases(machine_name)) or "none"
        raise CliError(f"{flags.mock_config} needs {flags.test_case} (which test case to run); test cases "
                       f"for '{machine_name}': {cases}")
    try:
        return config.resolver(machine_name, test_case)
    except MockConfigError as exc:
        hint = f"; name the state machine with {flags.name}" if machine_name not in config.state_machines else ""
        raise CliError(f"{exc}{hint}") from None


def load_mock_config(path: str) -> MockConfig:
    try:
        return MockConfig.from_file(path)
    except MockConfigError as exc:
        raise CliError(str(exc)) from None


def run_machine(machine: Machine, input: Any, *, machine_name: str, resolver: Resolver | None,
                real_time: bool = False, history: bool = False, flags: Flags = RUN_FLAGS) -> RunResult:
    """Run one execution to completion (virtual clock unless `real_time`).

    An execution that ends (SUCCEEDED, FAILED, TIMED_OUT, ABORTED) is a result, not an error; a Task
    nothing answers and an execution that waits forever are CliErrors."""
    runner = LocalRunner(machine, resolver, real_time=real_time, keep_history=history)
    try:
        return runner.run(input, name=str(uuid.uuid4()), state_machine_name=machine_name)
    except UnresolvedResource as exc:
        if isinstance(resolver, MockResolver):
            hint = f"the test case does not mock state '{exc.state_name}'"
        else:
            hint = f"mock it with {flags.mock_config} and {flags.test_case}"
        raise CliError(f"{exc}: {hint}") from None
    except Stalled as exc:
        raise CliError(f"the execution stalled: {exc}") from None


def result_dict(result: RunResult, *, history: bool = False) -> dict:
    """{"status", "output", "error", "cause"} (+ "events" when asked), as `asl run --json` prints it."""
    data = result.to_dict()
    if history:
        data["events"] = result.events
    return data


def dumps_line(value: Any) -> str:
    """One JSON line (history events and outputs may hold anything JSON can carry)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


# --- run-batch ------------------------------------------------------------------------------------


class BatchRunner:
    """Runs JSON Lines cases one by one, compiling each distinct definition (and mock config) once."""

    def __init__(self) -> None:
        self._machines: OrderedDict[str, Machine | CliError] = OrderedDict()
        self._mocks: dict[str, MockConfig | CliError] = {}

    def run_lines(self, lines: Iterable[bytes]) -> Iterator[dict]:
        """One result per non-blank line, in order: {"id", "status", "output", "error", "cause"}, or
        {"id", "status": "ERROR", "error": message} for a case that cannot run."""
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            yield self.run_line(raw, number)

    def run_line(self, raw: bytes | str, number: int) -> dict:
        case_id = None
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            case = parse_json(text, f"line {number}")
            if not isinstance(case, dict):
                raise CliError(f"line {number}: a case must be a JSON object")
            case_id = case.get("id")
            return {"id": case_id, **self.run_case(case, number)}
        except UnicodeDecodeError:
            message = f"line {number} is not UTF-8 text"
        except (CliError, MockConfigError) as exc:
            message = str(exc)
        except Exception as exc:  # one broken case must not stop a large batch
            message = f"line {number}: internal error: {type(exc).__name__}: {exc}"
        return {"id": case_id, "status": "ERROR", "error": message}

    def run_case(self, case: dict, number: int) -> dict:
        if "definition" not in case:
            raise CliError(f"line {number}: the case has no definition")
        machine = self._machine(case["definition"], number)
        config = self._mock_config(case.get("mock_config"), number) if case.get("mock_config") is not None else None
        name = case.get("name")
        if name is None:
            # Without a name, a mock config for a single state machine names it.
            machines = list(config.state_machines) if config is not None else []
            name = machines[0] if len(machines) == 1 else "batch"
        if not isinstance(name, str) or not name:
            raise CliError(f"line {number}: name must be a non-empty string")
        test_case = case.get("test_case")
        if test_case is not None and not isinstance(test_case, str):
            raise CliError(f"line {number}: test_case must be a string")
        resolver = mock_resolver(config, name, test_case, BATCH_FLAGS)
        result = run_machine(machine, case.get("input", {}), machine_name=name, resolver=resolver,
                             flags=BATCH_FLAGS)
        return result.to_dict()

    def _machine(self, definition: Any, number: int) -> Machine:
        if isinstance(definition, str):
            key = definition
        elif isinstance(definition, dict):
            key = json.dumps(definition, separators=(",", ":"), ensure_ascii=False)
        else:
            raise CliError(f"line {number}: definition must be an object or a JSON string")
        cached = self._machines.get(key)
        if cached is None:
            try:
                cached = compile_definition(definition, "the definition")
            except CliError as exc:
                cached = exc
            self._machines[key] = cached
            if len(self._machines) > _MACHINE_CACHE_SIZE:
                self._machines.popitem(last=False)
        else:
            self._machines.move_to_end(key)
        if isinstance(cached, CliError):
            raise CliError(f"line {number}: {cached}")
        return cached

    def _mock_config(self, data: Any, number: int) -> MockConfig:
        if isinstance(data, str):
            data = parse_json(data, f"line {number}: mock_config")
        key = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        cached = self._mocks.get(key)
        if cached is None:
            try:
                cached = MockConfig.from_dict(data)
            except MockConfigError as exc:
                cached = CliError(str(exc))
            if len(self._mocks) < _MACHINE_CACHE_SIZE:
                self._mocks[key] = cached
        if isinstance(cached, CliError):
            raise CliError(f"line {number}: {cached}")
        return cached
