"""Map: run the ItemProcessor once per item (or batch), at most MaxConcurrency at a time.

Inline history: MapStateEntered -> MapStateStarted{length} -> MapIterationStarted{index} ... (iteration
events) ... MapIterationSucceeded|Failed -> MapStateSucceeded|Failed -> MapStateExited. Distributed mode runs
each item (or batch) as a child execution with its own history (children.py) and writes MapRunStarted ->
MapRunSucceeded|Failed|Aborted in the parent instead; failed items up to ToleratedFailureCount/Percentage are
tolerated. UpdateMapRun changes the limits of a running Map Run; a redrive of the parent redrives a failed
Map Run (MapRunRedriven): the same Map Run, where only the unsuccessful children run again.
"""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from designer.asl import errors
from designer.asl.dataflow import JSONATA
from designer.asl.errors import StatesError
from executions.engine import children
from executions.engine import signals as sig
from executions.engine.interpreter import dumps, payload_size
from executions.engine.retry import fail_state
from executions.engine.runstate import ABORTED, FAILED, SUCCEEDED, Frame
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
        configured = limit
        limit = _capped(limit, state)
        count = len(inputs)
        retained = frame.data.get("retained") if frame.data else None
        frame.data = {
            "inputs": inputs, "next": 0, "active": 0, "results": [None] * count, "failed": 0,
            "limit": limit, "tolerated": tolerated, "completed": [],
        }
        if state.distributed and state.batcher is not None:
            # Tolerated failures count items, not child executions: a failed batch fails all its items.
            frame.data["sizes"] = [len(value["Items"]) for _, value in inputs]
        redriven = retained is not None and len(retained["results"]) == count
        if redriven:
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
            if redriven and retained.get("map_run"):
                self._redrive_map_run(run, frame, retained)
            else:
                self._start_map_run(run, frame, state, configured)
        frame.phase = "running"
        return True

    def _start_map_run(self, run: _Run, frame: Frame, state: MapState, configured: int | None) -> None:
        machine_arn = run.state.state_machine["Id"]
        # AWS: the Map Run's label is the Map's Label, or else a generated one (a UUID) naming the Map state.
        label = state.label or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{machine_arn}#{frame.state}"))
        run_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{run.state.execution['Id']}/{frame.id}/{run.state.counter}")
        data = frame.data
        arn = data["map_run"] = f"{machine_arn.replace(':stateMachine:', ':mapRun:')}/{label}:{run_id}"
        run.emit(frame, "MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": arn})
        count, percentage = data["tolerated"]
        sizes = data.get("sizes")
        children.record(run, "map_run_started", arn=arn, label=label, state=frame.state,
                        state_machine=f"{machine_arn}/{label}", max_concurrency=configured or 0,
                        tolerated_count=count or 0, tolerated_percentage=percentage or 0,
                        executions=len(data["inputs"]), items=sum(sizes) if sizes else len(data["inputs"]))

    def _redrive_map_run(self, run: _Run, frame: Frame, retained: dict) -> None:
        """The parent was redriven: the same Map Run goes on (MapRunRedriven); the unsuccessful Standard
        children it kept run again as the same executions (PENDING_REDRIVE until their turn comes)."""
        data = frame.data
        arn = data["map_run"] = retained["map_run"]
        count = data["redrives"] = retained.get("redrives", 0) + 1
        data["redrivable"] = retained.get("redrivable") or {}
        data["limit"], data["tolerated"] = retained["limit"], retained["tolerated"]
        run.emit(frame, "MapRunRedriven", "mapRunRedrivenEventDetails", {"mapRunArn": arn, "redriveCount": count})
        pending = [kept["frames"][0]["execution"]["Id"] for kept in data["redrivable"].values()]
        children.record(run, "map_run_redriven", arn=arn, redrive_count=count, pending=pending)

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
                if child_id in run.state.frames:  # (a child stopped before it ran is gone)
                    run.push(run.state.frames[child_id])
            return False
        if data["active"]:
            return False
        if state.distributed:
            run.emit(frame, "MapRunSucceeded", advance_source=False)
            children.record(run, "map_run_ended", arn=data["map_run"], status=SUCCEEDED)
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
        kept = data.get("redrivable", {}).pop(str(index), None) if state.distributed else None
        if kept is not None:
            self._redrive_child(run, frame, kept)
            return
        scope = run.machine.scopes[state.processor]
        execution = None
        if state.distributed:
            # Express children of a redriven Map Run start again as new executions (AWS: StartExecution).
            redrives = data.get("redrives", 0)
            seed = f"{data['map_run']}/{index}" + (f"/{redrives}" if redrives else "")
            name = str(uuid.uuid5(uuid.NAMESPACE_URL, seed))
            parent_execution = frame.execution or run.state.execution
            # AWS child ARN: arn:...:execution:<machine>/<label>:<uuid> (the Map Run ARN's prefix, its id replaced).
            prefix = data["map_run"].replace(":mapRun:", ":execution:").rsplit(":", 1)[0]
            execution = dict(parent_execution, Id=f"{prefix}:{name}",
                             Name=name, Input=item, StartTime=run.now_iso, RedriveCount=0)
            execution.pop("RedriveTime", None)
        child = Frame(run.state.new_id(), frame.id, scope.id, scope.start_at, item, index=index,
                      silent=frame.silent or state.distributed, execution=execution)
        child.last_event = source
        run.state.frames[child.id] = child
        if execution is not None:
            sizes = data.get("sizes")
            children.started(run, child, data["map_run"], sizes[index] if sizes else 1)
        data.setdefault("starting", []).append(child.id)

    def _redrive_child(self, run: _Run, frame: Frame, kept: dict) -> None:
        """An unsuccessful Standard child of a redriven Map Run continues where it stopped (as a redriven
        execution does), with the same ARN and its history going on from ExecutionRedriven."""
        from executions.engine.redrive import restart

        frames = {data["id"]: Frame.from_json(data) for data in kept["frames"]}
        top = frames[kept["frames"][0]["id"]]
        top.parent = frame.id
        run.state.frames.update(frames)
        run.state.children[top.execution["Id"]] = kept["events"]
        children.redrive_child(run, top)
        frame.data.setdefault("starting", []).extend(f.id for f in reversed(restart(frames)))

    def child_done(self, run: _Run, parent: Frame, child: Frame, output: Any,
                   failure: tuple[str | None, str | None] | None) -> None:
        state = run.machine.states[parent.state]
        data = parent.data
        details = {"name": parent.state, "index": child.index}
        if state.distributed:
            if failure is None:
                children.ended(run, child, SUCCEEDED, output=output)
            else:
                children.ended(run, child, FAILED, error=failure[0], cause=failure[1])
                children.keep(run, child, children.subtree(run, child))
        else:
            # AWS: what follows an iteration points at the iteration's last event, not at MapIteration*. (A
            # Distributed Map child's events are in its own history.)
            parent.last_event = max(parent.last_event, child.last_event)
        run.drop_frame(child)
        data["active"] -= 1
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
            sizes = data.get("sizes")
            data["failed"] += sizes[index] if sizes else 1
            data["results"][index] = {"Error": error, "Cause": cause}
            if not _breached(data):
                run.push(parent)
                return
            self._fail_map_run(run, parent)
            return
        run.emit(parent, "MapIterationFailed", "mapIterationFailedEventDetails", details, advance_source=False)
        run.abort_children(parent, lambda aborted: run.emit(
            parent, "MapIterationAborted", "mapIterationAbortedEventDetails",
            {"name": parent.state, "index": aborted.index}, advance_source=False))
        parent.data = {"error": error, "cause": cause,
                       "retained": {"results": data["results"], "completed": data["completed"]}}
        parent.phase = "failed"
        run.push(parent)

    def _fail_map_run(self, run: _Run, parent: Frame) -> None:
        """More items failed than tolerated: the running children are stopped and the Map Run fails. What a
        redrive needs stays: the results so far, the Map Run, and the unsuccessful children (kept)."""
        error = errors.EXCEED_TOLERATED_FAILURE_THRESHOLD
        cause = "The specified tolerated failure threshold was exceeded"
        run.abort_children(parent)
        data = parent.data
        run.emit(parent, "MapRunFailed", "mapRunFailedEventDetails", {"error": error, "cause": cause})
        children.record(run, "map_run_ended", arn=data["map_run"], status=FAILED)
        retained = {"results": data["results"], "completed": data["completed"], "map_run": data["map_run"],
                    "redrives": data.get("redrives", 0), "redrivable": data.get("redrivable") or {},
                    "limit": data["limit"], "tolerated": data["tolerated"]}  # (as UpdateMapRun may have left them)
        parent.data = {"error": error, "cause": cause, "retained": retained}
        parent.phase = "failed"
        run.push(parent)

    def signal(self, run: _Run, signal: sig.UpdateMapRun | sig.StopChild) -> None:
        """UpdateMapRun for a running Map Run, or StopExecution of a running child (ignored once over)."""
        for frame in list(run.state.frames.values()):
            if isinstance(signal, sig.UpdateMapRun):
                if frame.phase == "running" and frame.data.get("map_run") == signal.map_run_arn:
                    self.update(run, frame, run.machine.states[frame.state], signal)
            elif frame.execution is not None and frame.execution["Id"] == signal.execution_arn:
                self._stop_child(run, frame, signal)

    def _stop_child(self, run: _Run, child: Frame, signal: sig.StopChild) -> None:
        parent = run.state.frames[child.parent]
        frames = children.subtree(run, child)
        children.ended(run, child, ABORTED, error=signal.error, cause=signal.cause)
        children.keep(run, child, frames)
        for frame in reversed(frames):
            run.drop_frame(frame)
        parent.data["active"] -= 1
        # AWS counts a child stopped by the user as aborted; its item did not succeed, so it is a failed item.
        self._iteration_failed(run, parent, run.machine.states[parent.state], child.index, signal.error,
                               signal.cause)

    def update(self, run: _Run, frame: Frame, state: MapState, signal: sig.UpdateMapRun) -> None:
        """UpdateMapRun: new MaxConcurrency and tolerated failures for the running Map Run, from now on."""
        data = frame.data
        if signal.max_concurrency is not None:
            data["limit"] = _capped(signal.max_concurrency, state)
        count, percentage = data["tolerated"]
        if signal.tolerated_failure_count is not None:
            count = signal.tolerated_failure_count
        if signal.tolerated_failure_percentage is not None:
            percentage = signal.tolerated_failure_percentage
        data["tolerated"] = [count, percentage]
        children.record(run, "map_run_updated", arn=data["map_run"], max_concurrency=signal.max_concurrency,
                        tolerated_count=signal.tolerated_failure_count,
                        tolerated_percentage=signal.tolerated_failure_percentage)
        if data["failed"] and _breached(data):
            self._fail_map_run(run, frame)
        else:
            run.push(frame)  # a higher limit starts more children at once


def _capped(limit: int | None, state: MapState) -> int:
    cap = DISTRIBUTED_MAX_CONCURRENCY if state.distributed else INLINE_MAX_CONCURRENCY
    return cap if not limit or limit > cap else limit


def _breached(data: dict) -> bool:
    count, percentage = data["tolerated"]
    sizes = data.get("sizes")
    failed, total = data["failed"], sum(sizes) if sizes else len(data["results"])
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
