"""Map: run the ItemProcessor once per item (or batch), at most MaxConcurrency at a time.

Inline history: MapStateEntered -> MapStateStarted{length} -> MapIterationStarted{index} ... (iteration
events) ... MapIterationSucceeded|Failed -> MapStateSucceeded|Failed -> MapStateExited. Distributed mode runs
each item as a child execution with its own history and writes MapRunStarted/MapRunSucceeded|Failed in the
parent instead; failures up to ToleratedFailureCount/Percentage are tolerated.
"""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from designer.asl import errors
from designer.asl.dataflow import JSONATA
from designer.asl.errors import StatesError
from executions.engine.interpreter import dumps, payload_size
from executions.engine.retry import fail_state
from executions.engine.runstate import Frame
from executions.engine.states.base import CompositeHandler

if TYPE_CHECKING:
    from designer.asl.model import MapState
    from executions.engine.interpreter import _Run

INLINE_MAX_CONCURRENCY = 40  # AWS quota: an Inline Map runs at most 40 iterations at once
DISTRIBUTED_MAX_CONCURRENCY = 10_000


class MapHandler(CompositeHandler):
    type = "Map"

    def phase_start(self, run: _Run, frame: Frame, state: MapState) -> bool:
        context = run.context(frame)
        variables = run.variables(frame)
        try:
            selected = state.io.select(frame.input, context, variables)
            inputs = self._inputs(run, frame, state, selected, context, variables)
            limit = _count(state.max_concurrency, "MaxConcurrency", state, selected, context, variables)
            tolerated = _tolerance(state, selected, context, variables)
        except StatesError as exc:
            return fail_state(run, frame, state, exc, "start")
        cap = DISTRIBUTED_MAX_CONCURRENCY if state.distributed else INLINE_MAX_CONCURRENCY
        limit = cap if not limit or limit > cap else limit
        count = len(inputs)
        retained = frame.data.get("retained") if frame.data else None
        frame.data = {
            "inputs": inputs, "next": 0, "active": 0, "results": [None] * count, "failed": 0,
            "limit": limit, "tolerated": tolerated, "completed": [],
        }
        if retained is not None and len(retained["results"]) == count:
            # Redrive: the iterations that completed keep their results; only the others run again.
            done = set(retained["completed"])
            frame.data.update(results=retained["results"], completed=sorted(done),
                              order=[index for index in range(count) if index not in done])
        if state.item_selector is not None and state.batcher is None:
            # ItemSelector runs per iteration, after MapIterationStarted (so its failure is the
            # iteration's); it reads the Map's effective input, kept here until the Map ends.
            frame.data["selected"] = selected
        run.emit(frame, "MapStateStarted", "mapStateStartedEventDetails", {"length": count})
        if state.distributed:
            label = state.label or frame.state
            run_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{run.state.execution['Id']}/{frame.id}/{run.state.counter}")
            machine_arn = run.state.state_machine["Id"]
            frame.data["map_run"] = f"{machine_arn.replace(':stateMachine:', ':mapRun:')}/{label}:{run_id}"
            run.emit(frame, "MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": frame.data["map_run"]})
        frame.phase = "running"
        return True

    def _inputs(self, run: _Run, frame: Frame, state: MapState, selected: Any, context: dict,
                variables: Any) -> list:
        """The items, each as [key, value] (key None for arrays); batches when there is an ItemBatcher."""
        jsonata = state.language == JSONATA
        source = selected if state.items is None else state.items(selected, context, variables)
        if isinstance(source, dict):
            entries = list(source.items())  # ASL 2025-09: a Map may iterate an object's values, with keys
        elif isinstance(source, list):
            entries = [(None, item) for item in source]
        else:
            kind = errors.QUERY_EVALUATION_ERROR if jsonata else errors.RUNTIME
            raise StatesError(kind, f"The items of Map state '{frame.state}' must be a JSON array, "
                                    f"but were: {dumps(source)[:200]}")
        if state.batcher is None:
            return [[key, value] for key, value in entries]
        # ASL: with an ItemBatcher, ItemSelector shapes each item before the items are batched.
        if state.item_selector is not None:
            items = [self._select(state, selected, index, key, value, context, variables)
                     for index, (key, value) in enumerate(entries)]
        else:
            items = [value for _, value in entries]
        return [[None, batch] for batch in self._batches(state, items, selected, context, variables)]

    def _select(self, state: MapState, selected: Any, index: int, key: str | None, value: Any, context: dict,
                variables: Any) -> Any:
        item = {"Index": index, "Value": value}
        if key is not None:
            item["Key"] = key
        if state.distributed:
            item["Source"] = "STATE_DATA"
        return state.item_selector(selected, dict(context, Map={"Item": item}), variables)

    def _batches(self, state: MapState, inputs: list, selected: Any, context: dict, variables: Any) -> list:
        batcher = state.batcher
        max_items = _count(batcher.get("MaxItemsPerBatch"), "MaxItemsPerBatch", state, selected, context, variables)
        max_bytes = _count(batcher.get("MaxInputBytesPerBatch"), "MaxInputBytesPerBatch", state, selected,
                           context, variables)
        batch_input = batcher["BatchInput"](selected, context, variables) if "BatchInput" in batcher else None
        batches: list[list] = []
        size = 0
        for item in inputs:
            item_size = payload_size(dumps(item)) + 1
            current = batches[-1] if batches else None
            if current is None or (max_items and len(current) >= max_items) or \
                    (max_bytes and current and size + item_size > max_bytes):
                batches.append([item])
                size = item_size
            else:
                current.append(item)
                size += item_size
        if batch_input is None:
            return [{"Items": batch} for batch in batches]
        return [{"BatchInput": batch_input, "Items": batch} for batch in batches]

    def phase_running(self, run: _Run, frame: Frame, state: MapState) -> bool:
        data = frame.data
        order = data.get("order")  # after a redrive: the iterations still to run
        if data["next"] < len(data["inputs"] if order is None else order) and data["active"] < data["limit"]:
            # AWS starts iterations together: every MapIterationStarted (up to MaxConcurrency) comes
            # before the iterations run, so new children wait in "starting" until the round is spawned.
            self._spawn(run, frame, state, data["next"] if order is None else order[data["next"]])
            return True
        starting = data.pop("starting", None)
        if starting:
            for child_id in reversed(starting):  # pushed last-first: iteration order when popped
                run.push(run.state.frames[child_id])
            return False
        if data["active"]:
            return False
        if state.distributed:
            run.emit(frame, "MapRunSucceeded", advance_source=False)
        run.emit(frame, "MapStateSucceeded", advance_source=False)
        frame.phase = "result"
        return True

    def _spawn(self, run: _Run, frame: Frame, state: MapState, index: int) -> None:
        data = frame.data
        data["next"] += 1
        key, item = data["inputs"][index]
        data["inputs"][index] = None  # the child owns it now; keeps a finished Map's state small
        source = frame.last_event
        if not state.distributed:
            # AWS: iterations started together all point at the same event; each iteration's first
            # event points at its own MapIterationStarted.
            source = run.emit(frame, "MapIterationStarted", "mapIterationStartedEventDetails",
                              {"name": frame.state, "index": index}, advance_source=False)
        if "selected" in data:
            try:
                item = self._select(state, data["selected"], index, key, item, run.context(frame),
                                    run.variables(frame))
            except StatesError as exc:
                exc = run.located(frame, exc)
                run.evaluation_failed(frame, exc)
                self._iteration_failed(run, frame, state, index, exc.error, exc.cause)
                return
        data["active"] += 1
        scope = run.machine.scopes[state.processor]
        execution = None
        if state.distributed:
            name = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{data['map_run']}/{index}"))
            parent_execution = frame.execution or run.state.execution
            # AWS child ARN: arn:...:execution:<machine>/<label>:<uuid> (the Map Run ARN's prefix, its id replaced).
            prefix = data["map_run"].replace(":mapRun:", ":execution:").rsplit(":", 1)[0]
            execution = dict(parent_execution, Id=f"{prefix}:{name}",
                             Name=name, Input=item, StartTime=run.now_iso, RedriveCount=0)
        child = Frame(run.state.new_id(), frame.id, scope.id, scope.start_at, item, index=index,
                      silent=frame.silent or state.distributed, execution=execution)
        child.last_event = source
        run.state.frames[child.id] = child
        data.setdefault("starting", []).append(child.id)

    def child_done(self, run: _Run, parent: Frame, child: Frame, output: Any,
                   failure: tuple[str | None, str | None] | None) -> None:
        state = run.machine.states[parent.state]
        data = parent.data
        details = {"name": parent.state, "index": child.index}
        run.drop_frame(child)
        data["active"] -= 1
        # AWS: what follows an iteration points at the iteration's last event, not at MapIteration*.
        parent.last_event = max(parent.last_event, child.last_event)
        if failure is None:
            data["results"][child.index] = output
            data["completed"].append(child.index)
            if not state.distributed:
                run.emit(parent, "MapIterationSucceeded", "mapIterationSucceededEventDetails", details,
                         advance_source=False)
            run.push(parent)
            return
        self._iteration_failed(run, parent, state, child.index, *failure)

    def _iteration_failed(self, run: _Run, parent: Frame, state: MapState, index: int, error: str | None,
                          cause: str | None) -> None:
        data = parent.data
        details = {"name": parent.state, "index": index}
        if state.distributed:
            data["failed"] += 1
            data["results"][index] = {"Error": error, "Cause": cause}
            if not _breached(data):
                run.push(parent)
                return
            error, cause = (errors.EXCEED_TOLERATED_FAILURE_THRESHOLD,
                            "The specified tolerated failure threshold was exceeded")
            run.abort_children(parent)
            run.emit(parent, "MapRunFailed", "mapRunFailedEventDetails", {"error": error, "cause": cause})
        else:
            run.emit(parent, "MapIterationFailed", "mapIterationFailedEventDetails", details, advance_source=False)
            run.abort_children(parent, lambda aborted: run.emit(
                parent, "MapIterationAborted", "mapIterationAbortedEventDetails",
                {"name": parent.state, "index": aborted.index}, advance_source=False))
        parent.data = {"error": error, "cause": cause,
                       "retained": {"results": data["results"], "completed": data["completed"]}}
        parent.phase = "failed"
        run.push(parent)


def _breached(data: dict) -> bool:
    count, percentage = data["tolerated"]
    failed, total = data["failed"], len(data["results"])
    if count is not None and failed > count:
        return True
    if percentage is not None and total and failed * 100.0 / total > percentage:
        return True
    return count is None and percentage is None and failed > 0


def _count(field, name: str, state: MapState, selected, context, variables) -> int | None:
    if field is None:
        return None
    value = field(selected, context, variables)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
        kind = errors.QUERY_EVALUATION_ERROR if state.language == JSONATA else errors.RUNTIME
        raise StatesError(kind, f"The value of {name} must be a non-negative integer, but was '{value}'")
    return int(value)


def _tolerance(state: MapState, selected, context, variables) -> tuple[int | None, float | None]:
    count = _count(state.tolerated_count, "ToleratedFailureCount", state, selected, context, variables)
    percentage = None
    if state.tolerated_percentage is not None:
        percentage = state.tolerated_percentage(selected, context, variables)
        if isinstance(percentage, bool) or not isinstance(percentage, (int, float)) or not 0 <= percentage <= 100:
            kind = errors.QUERY_EVALUATION_ERROR if state.language == JSONATA else errors.RUNTIME
            raise StatesError(kind, f"ToleratedFailurePercentage must be a number from 0 to 100, not '{percentage}'")
    return count, percentage
