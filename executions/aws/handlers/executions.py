"""StartExecution, DescribeExecution, StopExecution, ListExecutions, GetExecutionHistory,
DescribeStateMachineForExecution, RedriveExecution."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from designer import errors
from designer import services as machines
from designer.models import StateMachine
from executions import maprun
from executions import services as runs
from executions.aws.authentication import Caller
from executions.aws.dispatch import action
from executions.aws.handlers.state_machines import METADATA_ONLY_DEFINITION
from executions.aws.pagination import page
from executions.models import Execution

REDRIVE_DAYS = 14  # AWS: an execution can be redriven within 14 days of its end
_UNSUCCESSFUL = (Execution.FAILED, Execution.TIMED_OUT, Execution.ABORTED)


@action("StartExecution")
def start_execution(params: dict, caller: Caller) -> dict:
    execution = runs.start_execution_at(params["stateMachineArn"], input=params.get("input"),
                                        name=params.get("name"), trace_header=params.get("traceHeader", ""),
                                        started_by=caller.user)
    caller.record("execution.start", execution.arn)
    return {"executionArn": execution.arn, "startDate": execution.start_date}


@action("DescribeExecution")
def describe_execution(params: dict, caller: Caller) -> dict:
    execution = runs.find_execution(params["executionArn"])
    data = params.get("includedData") != "METADATA_ONLY"
    redrivable = execution.status in _UNSUCCESSFUL and execution.stop_date is not None \
        and execution.stop_date > timezone.now() - timedelta(days=REDRIVE_DAYS) \
        and execution.state_machine.status == StateMachine.ACTIVE
    redrive_status = "REDRIVABLE" if redrivable else "NOT_REDRIVABLE"
    reason = None if redrivable else f"Execution is {execution.status} and cannot be redriven"
    child = execution.map_run
    if child is not None:  # a Distributed Map child: its Map Run redrives it
        redrive_status, reason = maprun.redrive_status(execution)
    return {
        "executionArn": execution.arn,
        "stateMachineArn": child.state_machine_arn if child is not None else execution.state_machine.arn,
        "name": execution.name,
        "status": execution.status,
        "startDate": execution.start_date,
        "stopDate": execution.stop_date,
        "input": execution.input if data else None,
        "inputDetails": {"included": data},
        "output": execution.output if data else None,
        "outputDetails": {"included": data} if execution.status == Execution.SUCCEEDED else None,
        "error": execution.error,
        "cause": execution.cause,
        "traceHeader": execution.trace_header or None,
        "stateMachineVersionArn": execution.version_arn or None,
        "stateMachineAliasArn": execution.alias_arn or None,
        "mapRunArn": child.arn if child is not None else None,
        "redriveCount": execution.redrive_count,
        "redriveDate": execution.redrive_date,
        "redriveStatus": redrive_status,
        "redriveStatusReason": reason,
    }


@action("StopExecution")
def stop_execution(params: dict, caller: Caller) -> dict:
    execution = runs.stop_execution(runs.find_execution(params["executionArn"]), error=params.get("error"),
                                    cause=params.get("cause"))
    caller.record("execution.stop", execution.arn)
    return {"stopDate": execution.stop_date or timezone.now()}


@action("ListExecutions")
def list_executions(params: dict, caller: Caller) -> dict:
    arn, map_run_arn = params.get("stateMachineArn"), params.get("mapRunArn")
    if arn is not None and map_run_arn is not None:
        raise errors.ValidationException("Must provide either a StateMachine ARN or a MapRun ARN, but not both")
    if arn is None and map_run_arn is None:
        raise errors.ValidationException("Must provide a StateMachine ARN or a MapRun ARN")
    status, redrive = params.get("statusFilter"), params.get("redriveFilter")
    redriven = None if redrive is None else redrive == "REDRIVEN"
    if map_run_arn is not None:
        run = maprun.find_map_run(map_run_arn)
        executions = maprun.child_executions(run, status=status, redriven=redriven)
        scope = f"ListExecutions:{map_run_arn}:{status}:{redrive}"
        rows, token = page(executions, params, scope=scope, descending=True)
        return {"executions": [dict(_summary(execution), stateMachineArn=run.state_machine_arn,
                                    mapRunArn=run.arn, itemCount=execution.item_count) for execution in rows],
                "nextToken": token}
    if status == Execution.PENDING_REDRIVE:
        # Only the children of a redriven Map Run wait for their redrive.
        raise errors.ValidationException("The PENDING_REDRIVE status filter can be used only with a MapRun ARN")
    executions = runs.list_executions(arn, status=status, redriven=redriven)
    scope = f"ListExecutions:{arn}:{status}:{redrive}"
    rows, token = page(executions.select_related("state_machine"), params, scope=scope, descending=True)
    return {"executions": [dict(_summary(execution), stateMachineArn=execution.state_machine.arn)
                           for execution in rows], "nextToken": token}


def _summary(execution: Execution) -> dict:
    return {"executionArn": execution.arn, "name": execution.name, "status": execution.status,
            "startDate": execution.start_date, "stopDate": execution.stop_date,
            "stateMachineVersionArn": execution.version_arn or None,
            "stateMachineAliasArn": execution.alias_arn or None, "redriveCount": execution.redrive_count,
            "redriveDate": execution.redrive_date}


@action("GetExecutionHistory")
def get_execution_history(params: dict, caller: Caller) -> dict:
    execution = runs.find_execution(params["executionArn"])
    reverse = params.get("reverseOrder", False)
    rows, token = page(runs.execution_history(execution, reverse=reverse), params, key="event_id",
                       scope=f"GetExecutionHistory:{execution.arn}:{reverse}", descending=reverse)
    events = [event.to_aws() for event in rows]
    if not params.get("includeExecutionData", True):
        events = [_without_data(event) for event in events]
    return {"events": events, "nextToken": token}


def _without_data(event: dict) -> dict:
    # includeExecutionData=false: the events keep their shape, without the inputs and outputs they carried.
    return {key: {k: v for k, v in value.items() if k not in ("input", "output")}
            if key.endswith("EventDetails") else value for key, value in event.items()}


@action("DescribeStateMachineForExecution")
def describe_state_machine_for_execution(params: dict, caller: Caller) -> dict:
    execution = runs.find_execution(params["executionArn"])
    machine, revision = execution.state_machine, execution.revision
    data = params.get("includedData") != "METADATA_ONLY"
    child = execution.map_run  # a Distributed Map child runs the machine of its Map Run, <machine>/<label>
    return {
        "stateMachineArn": child.state_machine_arn if child is not None else machine.arn,
        "name": machine.name,
        "definition": revision.definition if data else METADATA_ONLY_DEFINITION,
        "roleArn": revision.role_arn,
        "updateDate": revision.created_at,
        "loggingConfiguration": machines.logging_configuration(machine.logging_configuration),
        "tracingConfiguration": machines.tracing_configuration(machine.tracing_configuration),
        "encryptionConfiguration": machines.encryption_configuration(machine.encryption_configuration),
        "revisionId": machines.shown_revision_id(revision),
        "variableReferences": (machines.revision_variable_references(revision) or None) if data else None,
        "mapRunArn": child.arn if child is not None else None,
        "label": child.label if child is not None else None,
    }


@action("RedriveExecution")
def redrive_execution(params: dict, caller: Caller) -> dict:
    execution = runs.redrive_execution(runs.find_execution(params["executionArn"]),
                                       client_token=params.get("clientToken"))
    caller.record("execution.redrive", execution.arn)
    return {"redriveDate": execution.redrive_date}
