"""Input and output processing of one state, compiled once into closures.

JSONPath (ASL "Input and Output Processing"):
    raw input -> InputPath -> Parameters (effective input) -> task -> ResultSelector -> ResultPath -> OutputPath
JSONata (ASL "JSONata Concepts"):
    raw input -> Arguments (effective input) -> task -> Output, with $states = {input, result, context, errorOutput}

Both languages compile to the same `StateIO` shape so the interpreter never asks which one it runs. Every
function reads values as they were at state entry (`variables` is the scope before Assign), which gives
ASL's rule that all Assign and Output expressions see the old values.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from designer.asl import errors
from designer.asl.errors import StatesError

JSONPATH = "JSONPath"
JSONATA = "JSONata"

# (raw_input, value, context, variables) -> (output, assigned variables or None)
Finish = Callable[[Any, Any, dict, Mapping], tuple[Any, dict | None]]
Prepare = Callable[[Any, dict, Mapping], Any]


def compact(value: Any) -> str:
    """JSON text as AWS writes it in causes and history: no spaces."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _no_results(path_text: str, value: Any) -> StatesError:
    # AWS's wording for an InputPath/OutputPath that selects nothing; States.Runtime is uncatchable.
    return StatesError(
        errors.RUNTIME,
        f"An error occurred while executing the state. Invalid path '{path_text}' : "
        f"No results for path: {path_text} in input '{compact(value)}'",
    )


def compile_input_path(definition: dict, field: str = "InputPath") -> Prepare | None:
    """InputPath/OutputPath: absent or "$" -> identity (None); JSON null -> {}; otherwise a Path."""
    if field not in definition:
        return None
    text = definition[field]
    if text is None:
        return lambda value, context, variables: {}
    if text == "$":
        return None
    from designer.asl.paths import PathNotFound, compile_path

    path = compile_path(text)

    def select(value: Any, context: dict, variables: Mapping) -> Any:
        try:
            return path.get(value, context, variables)
        except PathNotFound:
            raise _no_results(text, value) from None

    return select


def compile_template(definition: dict, field: str) -> Prepare | None:
    if field not in definition:
        return None
    from designer.asl.templates import compile_payload_template

    return compile_payload_template(definition[field], field=field)


def compile_result_path(definition: dict) -> Callable[[Any, Any], Any]:
    """ResultPath: absent or "$" -> the result replaces the input; null -> result discarded."""
    text = definition.get("ResultPath", "$")
    if text == "$":
        return lambda raw, result: result
    if text is None:
        return lambda raw, result: raw
    from designer.asl.paths import apply_result_path, compile_reference_path

    path = compile_reference_path(text)
    return lambda raw, result: apply_result_path(raw, path, result)


def compile_jsonata_field(definition: dict, field: str):
    if field not in definition:
        return None
    from designer.asl.jsonata import compile_jsonata_template

    return compile_jsonata_template(definition[field], field=field)


class StateIO:
    """The compiled data flow of one state (or one Catcher, or one Choice rule).

    select(raw, context, variables) -> input after InputPath (JSONata: the raw input); *Path fields read it
    prepare(selected, context, variables) -> effective input (after Parameters / Arguments)
    finish_result(raw, result, context, variables) -> (output, assigned): Task, Map, Parallel, Pass
    finish_input(raw, effective, context, variables) -> (output, assigned): Choice, Wait, Succeed
    """

    __slots__ = ("language", "select", "prepare", "finish_result", "finish_input")

    def __init__(self, language: str, select: Prepare, prepare: Prepare, finish_result: Finish, finish_input: Finish):
        self.language = language
        self.select = select
        self.prepare = prepare
        self.finish_result = finish_result
        self.finish_input = finish_input


def _identity(value: Any, context: dict, variables: Mapping) -> Any:
    return value


def jsonpath_io(definition: dict, *, parameters_field: str | None = "Parameters") -> StateIO:
    """Compile InputPath, Parameters, ResultSelector, ResultPath, OutputPath and Assign."""
    select = compile_input_path(definition, "InputPath") or _identity
    prepare = (compile_template(definition, parameters_field) if parameters_field else None) or _identity
    selector = compile_template(definition, "ResultSelector")
    result_path = compile_result_path(definition)
    output_path = compile_input_path(definition, "OutputPath")
    assign = compile_template(definition, "Assign")

    def finish_result(raw: Any, result: Any, context: dict, variables: Mapping) -> tuple[Any, dict | None]:
        if selector is not None:
            result = selector(result, context, variables)
        # ASL: JSONPath Assign sees the (selected) result as "$" on Task, Map, Parallel and Pass.
        assigned = assign(result, context, variables) if assign is not None else None
        output = result_path(raw, result)
        if output_path is not None:
            output = output_path(output, context, variables)
        return output, assigned

    def finish_input(raw: Any, effective: Any, context: dict, variables: Mapping) -> tuple[Any, dict | None]:
        # ASL: on Choice and Wait, Assign's "$" is the effective input (after InputPath).
        assigned = assign(effective, context, variables) if assign is not None else None
        output = output_path(effective, context, variables) if output_path is not None else effective
        return output, assigned

    return StateIO(JSONPATH, select, prepare, finish_result, finish_input)


def jsonata_io(definition: dict, *, arguments_field: str | None = "Arguments") -> StateIO:
    """Compile Arguments, Output and Assign; $states.result is visible to Output and Assign only."""
    arguments = compile_jsonata_field(definition, arguments_field) if arguments_field else None
    output_expr = compile_jsonata_field(definition, "Output")
    assign = compile_jsonata_field(definition, "Assign")

    def prepare(raw: Any, context: dict, variables: Mapping) -> Any:
        if arguments is None:
            return raw
        return arguments({"input": raw, "context": context}, variables)

    def finish_result(raw: Any, result: Any, context: dict, variables: Mapping) -> tuple[Any, dict | None]:
        if assign is None and output_expr is None:
            return result, None
        states = {"input": raw, "result": result, "context": context}
        assigned = assign(states, variables) if assign is not None else None
        output = output_expr(states, variables) if output_expr is not None else result
        return output, assigned

    def finish_input(raw: Any, effective: Any, context: dict, variables: Mapping) -> tuple[Any, dict | None]:
        if assign is None and output_expr is None:
            return raw, None
        states = {"input": raw, "context": context}
        assigned = assign(states, variables) if assign is not None else None
        output = output_expr(states, variables) if output_expr is not None else raw
        return output, assigned

    return StateIO(JSONATA, _identity, prepare, finish_result, finish_input)


def catcher_io(definition: dict, language: str) -> Finish:
    """A Catcher's output: JSONPath merges the Error Output into the raw input at ResultPath;
    JSONata's Output (default: the Error Output) sees $states.errorOutput."""
    if language == JSONATA:
        output_expr = compile_jsonata_field(definition, "Output")
        assign = compile_jsonata_field(definition, "Assign")

        def finish(raw: Any, error_output: Any, context: dict, variables: Mapping) -> tuple[Any, dict | None]:
            states = {"input": raw, "errorOutput": error_output, "context": context}
            assigned = assign(states, variables) if assign is not None else None
            output = output_expr(states, variables) if output_expr is not None else error_output
            return output, assigned

        return finish

    result_path = compile_result_path(definition)
    assign = compile_template(definition, "Assign")

    def finish_jsonpath(raw: Any, error_output: Any, context: dict, variables: Mapping) -> tuple[Any, dict | None]:
        # ASL: a Catcher's Assign sees the Error Output as "$".
        assigned = assign(error_output, context, variables) if assign is not None else None
        return result_path(raw, error_output), assigned

    return finish_jsonpath
