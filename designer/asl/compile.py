"""Compile a validated ASL definition into a `Machine` the interpreter can run many times."""
from __future__ import annotations

from typing import Any

from designer.asl import errors
from designer.asl.dataflow import JSONATA, JSONPATH, StateIO, catcher_io, compact, jsonata_io, jsonpath_io
from designer.asl.errors import StatesError
from designer.asl.model import (
    Catcher,
    ChoiceRule,
    ChoiceState,
    Dynamic,
    FailState,
    Machine,
    MapState,
    ParallelState,
    PassState,
    Retrier,
    Scope,
    State,
    SucceedState,
    TaskState,
    WaitState,
)


class InvalidDefinition(ValueError):
    """The definition does not compile: `diagnostics` holds the validator's errors."""

    def __init__(self, diagnostics: list):
        self.diagnostics = diagnostics
        first = diagnostics[0] if diagnostics else None
        text = f"{first.message} at {first.location or '/'}" if first else "invalid definition"
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(text + more)


def compile_machine(definition: str | dict, *, validate: bool = True) -> Machine:
    """Validate (unless told not to) and compile a definition, given as JSON text or an already parsed dict.

    Raises `InvalidDefinition` carrying every ERROR diagnostic when the definition is not valid ASL.
    """
    if isinstance(definition, str):
        from designer.asl.parse import DefinitionSyntaxError, parse_definition
        from designer.asl.validate import Diagnostic

        try:
            definition = parse_definition(definition)
        except DefinitionSyntaxError as exc:
            raise InvalidDefinition(
                [Diagnostic("ERROR", "INVALID_JSON_DESCRIPTION", str(exc), "")]
            ) from None
    if validate:
        from designer.asl.validate import validate as run_validator

        problems = run_validator(definition, severity="ERROR")
        if problems:
            raise InvalidDefinition(problems)
    compiler = _Compiler(definition)
    return compiler.machine()


class _Compiler:
    def __init__(self, definition: dict):
        self.definition = definition
        self.language = definition.get("QueryLanguage", JSONPATH)
        self.states: dict[str, State] = {}
        self.scopes: dict[str, Scope] = {}

    def machine(self) -> Machine:
        self._scope("", self.definition, None)
        return Machine(
            definition=self.definition,
            language=self.language,
            start_at=self.definition["StartAt"],
            timeout_seconds=self.definition.get("TimeoutSeconds"),
            states=self.states,
            scopes=self.scopes,
        )

    def _scope(self, scope_id: str, block: dict, owner: str | None) -> None:
        names = tuple(block["States"])
        self.scopes[scope_id] = Scope(scope_id, block["StartAt"], names, owner)
        for name, body in block["States"].items():
            self.states[name] = self._state(name, body, scope_id)

    def _state(self, name: str, body: dict, scope: str) -> State:
        # ASL: a state's QueryLanguage overrides the machine's; Map/Parallel children default to the machine's.
        language = body.get("QueryLanguage", self.language)
        kind = body["Type"]
        common = dict(
            name=name,
            type=kind,
            scope=scope,
            language=language,
            next=body.get("Next"),
            end=bool(body.get("End", False)),
            definition=body,
        )
        build = getattr(self, f"_{kind.lower()}")
        return build(body, language, common)

    # --- one builder per state type -------------------------------------------------------------

    def _pass(self, body: dict, language: str, common: dict) -> State:
        io = _io(body, language)
        return PassState(io=io, result=body.get("Result"), has_result="Result" in body, **common)

    def _task(self, body: dict, language: str, common: dict) -> State:
        return TaskState(
            io=_io(body, language),
            resource=body["Resource"],
            timeout=_dynamic(body, "TimeoutSeconds", language),
            heartbeat=_dynamic(body, "HeartbeatSeconds", language),
            credentials=_credentials(body, language),
            retriers=_retriers(body),
            catchers=_catchers(body, language),
            **common,
        )

    def _choice(self, body: dict, language: str, common: dict) -> State:
        from designer.asl.choice import compile_choice_rule

        rules = []
        for rule in body["Choices"]:
            has_io = "Assign" in rule or "Output" in rule
            rule_io = _io({k: rule[k] for k in ("Assign", "Output") if k in rule}, language) if has_io else None
            rules.append(ChoiceRule(compile_choice_rule(rule, language), rule["Next"], rule_io, "Output" in rule))
        # ASL: the state-level Assign runs only when the Default is taken, so it is compiled apart.
        default_io = _io({"Assign": body["Assign"]}, language) if "Assign" in body else None
        own = {k: v for k, v in body.items() if k != "Assign"}
        return ChoiceState(io=_io(own, language), rules=tuple(rules), default=body.get("Default"),
                           default_io=default_io, **common)

    def _wait(self, body: dict, language: str, common: dict) -> State:
        seconds = _dynamic(body, "Seconds", language)
        timestamp = _dynamic(body, "Timestamp", language)
        return WaitState(io=_io(body, language), seconds=seconds, timestamp=timestamp, **common)

    def _succeed(self, body: dict, language: str, common: dict) -> State:
        return SucceedState(io=_io(body, language), **common)

    def _fail(self, body: dict, language: str, common: dict) -> State:
        return FailState(
            io=_io({}, language),
            error=_dynamic(body, "Error", language, number=False),
            cause=_dynamic(body, "Cause", language, number=False),
            **common,
        )

    def _parallel(self, body: dict, language: str, common: dict) -> State:
        branches = []
        for index, branch in enumerate(body["Branches"]):
            scope_id = f"{common['name']}#{index}"
            self._scope(scope_id, branch, common["name"])
            branches.append(scope_id)
        return ParallelState(
            io=_io(body, language),
            branches=tuple(branches),
            retriers=_retriers(body),
            catchers=_catchers(body, language),
            **common,
        )

    def _map(self, body: dict, language: str, common: dict) -> State:
        processor = body.get("ItemProcessor") or body.get("Iterator")
        scope_id = f"{common['name']}#"
        self._scope(scope_id, processor, common["name"])
        config = processor.get("ProcessorConfig", {})
        distributed = config.get("Mode", "INLINE") == "DISTRIBUTED"
        if language == JSONATA:
            io = jsonata_io(body, arguments_field=None)
            items = _jsonata_dynamic(body["Items"], "Items") if "Items" in body else None
            selector = None
            if "ItemSelector" in body:
                from designer.asl.jsonata import compile_jsonata_template

                template = compile_jsonata_template(body["ItemSelector"], field="ItemSelector")
                selector = lambda value, context, variables: template(  # noqa: E731
                    {"input": value, "context": context}, variables
                )
        else:
            io = jsonpath_io(body, parameters_field=None)
            items = _reference(body["ItemsPath"], "ItemsPath") if "ItemsPath" in body else None
            selector_field = "ItemSelector" if "ItemSelector" in body else "Parameters"
            selector = None
            if selector_field in body:
                from designer.asl.templates import compile_payload_template

                selector = compile_payload_template(body[selector_field], field=selector_field)
        batcher = None
        if "ItemBatcher" in body:
            spec = body["ItemBatcher"]
            batcher = {
                key: _dynamic(spec, key, language)
                for key in ("MaxItemsPerBatch", "MaxInputBytesPerBatch")
                if key in spec or f"{key}Path" in spec
            }
            if "BatchInput" in spec:
                batcher["BatchInput"] = _template(spec["BatchInput"], "BatchInput", language)
        return MapState(
            io=io,
            processor=scope_id,
            distributed=distributed,
            execution_type=config.get("ExecutionType"),
            items=items,
            item_selector=selector,
            max_concurrency=_dynamic(body, "MaxConcurrency", language),
            tolerated_count=_dynamic(body, "ToleratedFailureCount", language),
            tolerated_percentage=_dynamic(body, "ToleratedFailurePercentage", language),
            batcher=batcher,
            label=body.get("Label"),
            retriers=_retriers(body),
            catchers=_catchers(body, language),
            **common,
        )


def _io(body: dict, language: str) -> StateIO:
    return jsonata_io(body) if language == JSONATA else jsonpath_io(body)


def _retriers(body: dict) -> tuple[Retrier, ...]:
    return tuple(
        Retrier(
            error_equals=tuple(r["ErrorEquals"]),
            interval_seconds=r.get("IntervalSeconds", 1),
            max_attempts=r.get("MaxAttempts", 3),
            backoff_rate=float(r.get("BackoffRate", 2.0)),
            max_delay_seconds=r.get("MaxDelaySeconds"),
            jitter=r.get("JitterStrategy", "NONE"),
        )
        for r in body.get("Retry", ())
    )


def _catchers(body: dict, language: str) -> tuple[Catcher, ...]:
    return tuple(
        Catcher(tuple(c["ErrorEquals"]), c["Next"], catcher_io(c, c.get("QueryLanguage", language)))
        for c in body.get("Catch", ())
    )


def _constant(value: Any) -> Dynamic:
    return lambda data, context, variables: value


def _reference(text: str, field: str) -> Dynamic:
    from designer.asl.paths import PathNotFound, compile_reference_path

    path = compile_reference_path(text)

    def read(data: Any, context: dict, variables: Any) -> Any:
        try:
            return path.get(data, context, variables)
        except PathNotFound:
            raise StatesError(
                errors.RUNTIME,
                f"The JSONPath '{text}' specified for the field '{field}' could not be found in the input "
                f"'{compact(data)}'",
            ) from None

    return read


def _jsonata_dynamic(value: Any, field: str) -> Dynamic:
    from designer.asl.jsonata import compile_jsonata_template

    template = compile_jsonata_template(value, field=field)
    return lambda data, context, variables: template({"input": data, "context": context}, variables)


def _template(value: Any, field: str, language: str) -> Dynamic:
    if language == JSONATA:
        return _jsonata_dynamic(value, field)
    from designer.asl.templates import compile_payload_template

    return compile_payload_template(value, field=field)


def _dynamic(body: dict, field: str, language: str, *, number: bool = True) -> Dynamic | None:
    """A field given as a constant, as `<field>Path` (JSONPath) or as a `{% %}` expression (JSONata).

    Fail's ErrorPath/CausePath may also hold an intrinsic function (ASL 2023-09).
    """
    path_field = f"{field}Path"
    if path_field in body:
        text = body[path_field]
        if not number:
            from designer.asl.intrinsics import compile_intrinsic, is_intrinsic

            if is_intrinsic(text):
                return compile_intrinsic(text)
        return _reference(text, path_field)
    if field not in body:
        return None
    value = body[field]
    if language == JSONATA and isinstance(value, str) and value.startswith("{%"):
        return _jsonata_dynamic(value, field)
    return _constant(value)


def _credentials(body: dict, language: str) -> Dynamic | None:
    if "Credentials" not in body:
        return None
    return _template(body["Credentials"], "Credentials", language)
