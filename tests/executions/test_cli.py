"""`manage.py asl validate|run|run-batch` (executions/management/commands/asl.py, executions/cli.py).

None of these tests may touch the database: pytest-django refuses database access to tests without the
django_db mark, so any query made by the command fails them.
"""
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from executions import cli
from executions.engine.runner import Stalled
from tests.engine.test_mocks import AWS_DEFINITION, AWS_MOCK_CONFIG, LAMBDA_RESULT, SQS_RESULT

ROOT = Path(__file__).resolve().parents[2]

PASS = {"StartAt": "Greet", "States": {"Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format("
                                                                               "'Hello, {}', $.who)"}, "End": True}}}
FAIL = {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Custom.Boom", "Cause": "it broke"}}}
WARNS = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x": "$.a"}, "End": True}}}
BROKEN = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
TASK = {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                               "End": True}}}
CONTEXT = {"StartAt": "Who", "States": {"Who": {"Type": "Pass", "End": True, "Parameters": {
    "machine.$": "$$.StateMachine.Name", "machineId.$": "$$.StateMachine.Id"}}}}


def asl(*args) -> tuple[int, str, str]:
    """Run the command in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("asl", *[str(a) for a in args], stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


def bad_input(*args) -> str:
    """Run a command that must refuse its input: exit 2, nothing on stdout, one 'error:' line on stderr."""
    status, out, err = asl(*args)
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
    return err[len("error: "):-1]


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


# --- validate -------------------------------------------------------------------------------------


def test_validate_ok(tmp_path):
    path = write(tmp_path, "pass.json", PASS)
    assert asl("validate", path) == (0, f"{path}: OK\n", "")


def test_validate_lists_warnings_but_passes(tmp_path):
    path = write(tmp_path, "warns.json", WARNS)
    status, out, _ = asl("validate", path)
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == f"{path}: OK"
    assert lines[1].startswith("  WARNING NO_DOLLAR /States/A/Parameters/x The value of field 'x'")


def test_validate_fail_lists_each_diagnostic(tmp_path):
    good, bad = write(tmp_path, "good.json", PASS), write(tmp_path, "bad.json", BROKEN)
    status, out, err = asl("validate", good, bad)
    assert (status, err) == (1, "")
    assert out.splitlines() == [
        f"{good}: OK",
        f"{bad}: FAIL",
        "  ERROR MISSING_TRANSITION_TARGET /States/A/Next Missing 'Next' target: Nowhere",
        "  ERROR MISSING_END_STATE / Workflow has no terminal state",
    ]


def test_validate_json_one_line_per_file(tmp_path):
    good, warns, bad = (write(tmp_path, "good.json", PASS), write(tmp_path, "warns.json", WARNS),
                        write(tmp_path, "bad.json", "{\n  \"StartAt\": }"))
    status, out, _ = asl("validate", good, warns, bad, "--json")
    reports = [json.loads(line) for line in out.splitlines()]
    assert status == 1
    assert [(r["file"], r["result"]) for r in reports] == [(str(good), "OK"), (str(warns), "OK"), (str(bad), "FAIL")]
    assert reports[0]["diagnostics"] == []
    assert [d["code"] for d in reports[1]["diagnostics"]] == ["NO_DOLLAR"]
    assert set(reports[1]["diagnostics"][0]) == {"severity", "code", "message", "location"}
    (invalid,) = reports[2]["diagnostics"]
    assert invalid["code"] == "INVALID_JSON_DESCRIPTION" and "line 2, column 14" in invalid["message"]


def test_validate_unreadable_file_fails_without_traceback(tmp_path):
    good = write(tmp_path, "good.json", PASS)
    missing = tmp_path / "missing.json"
    status, out, err = asl("validate", missing, tmp_path, good, "--json")
    reports = [json.loads(line) for line in out.splitlines()]
    assert (status, err) == (1, "")
    assert [r["result"] for r in reports] == ["FAIL", "FAIL", "OK"]
    assert reports[0]["diagnostics"] == [{"severity": "ERROR", "code": "UNREADABLE_FILE", "location": "",
                                          "message": f"cannot read definition {missing}: No such file or directory"}]
    assert "Is a directory" in reports[1]["diagnostics"][0]["message"]


def test_validate_needs_a_file():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="required: FILE"):
        call_command("asl", "validate")


# --- run ------------------------------------------------------------------------------------------


def test_run_human_output(tmp_path):
    definition, given = write(tmp_path, "greet.json", PASS), write(tmp_path, "in.json", {"who": "Ada"})
    assert asl("run", definition, "--input", given) == (
        0, 'status: SUCCEEDED\noutput:\n{\n  "greeting": "Hello, Ada"\n}\n', "")


def test_run_json_is_one_line_with_output_as_a_value(tmp_path):
    definition, given = write(tmp_path, "greet.json", PASS), write(tmp_path, "in.json", {"who": "Ada"})
    status, out, _ = asl("run", definition, "--input", given, "--json")
    assert status == 0 and out.count("\n") == 1
    assert json.loads(out) == {"status": "SUCCEEDED", "output": {"greeting": "Hello, Ada"}, "error": None,
                               "cause": None}


def test_run_input_defaults_to_an_empty_object(tmp_path):
    definition = write(tmp_path, "echo.json", {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    status, out, _ = asl("run", definition, "--json")
    assert (status, json.loads(out)["output"]) == (0, {})


def test_run_failed_execution_exits_1(tmp_path):
    definition = write(tmp_path, "fail.json", FAIL)
    assert asl("run", definition) == (1, "status: FAILED\nerror: Custom.Boom\ncause: it broke\n", "")
    status, out, _ = asl("run", definition, "--json")
    assert (status, json.loads(out)) == (1, {"status": "FAILED", "output": None, "error": "Custom.Boom",
                                             "cause": "it broke"})


def test_run_history_in_json_and_human_form(tmp_path):
    definition = write(tmp_path, "fail.json", FAIL)
    status, out, _ = asl("run", definition, "--history", "--json")
    result = json.loads(out)
    assert status == 1 and out.count("\n") == 1
    assert [e["type"] for e in result["events"]] == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    status, out, _ = asl("run", definition, "--history")
    lines = out.splitlines()
    assert [json.loads(line)["type"] for line in lines[:3]] == [e["type"] for e in result["events"]]
    assert lines[3:] == ["status: FAILED", "error: Custom.Boom", "cause: it broke"]


def test_run_without_history_prints_no_events(tmp_path):
    status, out, _ = asl("run", write(tmp_path, "fail.json", FAIL), "--json")
    assert "events" not in json.loads(out)


def test_run_names_the_state_machine_after_the_file_or_name(tmp_path):
    definition = write(tmp_path, "orders.asl.json", CONTEXT)
    _, out, _ = asl("run", definition, "--json")
    assert json.loads(out)["output"] == {
        "machine": "orders", "machineId": "arn:aws:states:us-east-1:123456789012:stateMachine:orders"}
    _, out, _ = asl("run", definition, "--name", "Billing", "--json")
    assert json.loads(out)["output"]["machine"] == "Billing"


def test_run_uses_a_virtual_clock_unless_real_time(tmp_path):
    day = write(tmp_path, "day.json", {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400,
                                                                       "End": True}}})
    started = time.monotonic()
    assert asl("run", day, "--json")[0] == 0
    assert time.monotonic() - started < 5
    second = write(tmp_path, "second.json", {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1,
                                                                             "End": True}}})
    started = time.monotonic()
    assert asl("run", second, "--real-time", "--json")[0] == 0
    assert time.monotonic() - started >= 0.9


# --- run: the AWS guide's mock example ------------------------------------------------------------


@pytest.fixture
def aws_example(tmp_path):
    return write(tmp_path, "LambdaSQSIntegration.json", AWS_DEFINITION), write(tmp_path, "MockConfigFile.json",
                                                                               AWS_MOCK_CONFIG)


def test_run_mock_happy_path(aws_example):
    definition, mocks = aws_example
    status, out, _ = asl("run", definition, "--mock-config", mocks, "--test-case", "HappyPath", "--json")
    assert (status, json.loads(out)) == (0, {"status": "SUCCEEDED", "output": SQS_RESULT, "error": None,
                                             "cause": None})


def test_run_mock_retry_path_goes_through_every_retry(aws_example):
    definition, mocks = aws_example
    status, out, _ = asl("run", definition, "--mock-config", mocks, "--test-case", "RetryPath", "--history",
                         "--json")
    result = json.loads(out)
    assert (status, result["status"], result["output"]) == (0, "SUCCEEDED", SQS_RESULT)
    errors = [e["taskFailedEventDetails"]["error"] for e in result["events"] if e["type"] == "TaskFailed"]
    assert errors == ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"]
    succeeded = [json.loads(e["taskSucceededEventDetails"]["output"]) for e in result["events"]
                 if e["type"] == "TaskSucceeded"]
    assert succeeded == [LAMBDA_RESULT, SQS_RESULT]


def test_run_mock_retry_path_fails_when_a_retry_has_no_mock(aws_example, tmp_path):
    definition, _ = aws_example
    data = json.loads(json.dumps(AWS_MOCK_CONFIG))
    del data["MockedResponses"]["MockedLambdaRetry"]["3"]
    mocks = write(tmp_path, "short.json", data)
    status, out, _ = asl("run", definition, "--mock-config", mocks, "--test-case", "RetryPath", "--json")
    result = json.loads(out)
    assert (status, result["status"], result["error"]) == (1, "FAILED", "States.Runtime")
    assert "No mocked response for invocation 3 of state 'LambdaState'" in result["cause"]


def test_run_mock_hybrid_path_names_the_unmocked_state(aws_example):
    definition, mocks = aws_example
    assert bad_input("run", definition, "--mock-config", mocks, "--test-case", "HybridPath") == (
        "No resolver or mock for resource 'arn:aws:states:::sqs:sendMessage' used by state 'SQSState': "
        "the test case does not mock state 'SQSState'")


def test_run_mock_lookup_uses_name(aws_example, tmp_path):
    _, mocks = aws_example
    renamed = write(tmp_path, "renamed.json", AWS_DEFINITION)
    message = bad_input("run", renamed, "--mock-config", mocks, "--test-case", "HappyPath")
    assert message == ("mock config has no state machine 'renamed' (it defines 'LambdaSQSIntegration'); name the "
                       "state machine with --name")
    status, _, _ = asl("run", renamed, "--name", "LambdaSQSIntegration", "--mock-config", mocks,
                       "--test-case", "HappyPath")
    assert status == 0


# --- run: bad input -------------------------------------------------------------------------------


def test_run_unreadable_definition(tmp_path):
    missing = tmp_path / "missing.json"
    assert bad_input("run", missing) == f"cannot read definition {missing}: No such file or directory"


def test_run_definition_that_is_not_json(tmp_path):
    path = write(tmp_path, "bad.json", '{\n  "StartAt": "A",\n  "States": {,}\n}')
    message = bad_input("run", path)
    assert message.startswith(f"{path} is not a valid state machine definition: INVALID_JSON_DESCRIPTION at /:")
    assert "line 3, column 14" in message


def test_run_invalid_definition_lists_the_diagnostics(tmp_path):
    path = write(tmp_path, "broken.json", BROKEN)
    assert bad_input("run", path) == (
        f"{path} is not a valid state machine definition: MISSING_TRANSITION_TARGET at /States/A/Next: "
        "Missing 'Next' target: Nowhere; MISSING_END_STATE at /: Workflow has no terminal state")


def test_run_unreadable_input(tmp_path):
    definition, missing = write(tmp_path, "pass.json", PASS), tmp_path / "in.json"
    assert bad_input("run", definition, "--input", missing) == f"cannot read input {missing}: No such file or directory"


def test_run_input_that_is_not_json(tmp_path):
    definition, given = write(tmp_path, "pass.json", PASS), write(tmp_path, "in.json", '{"who":\n  Ada}')
    assert bad_input("run", definition, "--input", given) == (
        f"input {given} is not valid JSON: Expecting value at line 2, column 3")


def test_run_bad_mock_config(aws_example, tmp_path):
    definition, _ = aws_example
    mocks = write(tmp_path, "mocks.json", {"StateMachines": {}, "MockedResponses": {"R": {"0": {"Return": 1,
                                                                                          "Throw": {}}}}})
    assert bad_input("run", definition, "--mock-config", mocks, "--test-case", "HappyPath") == (
        "mock config /MockedResponses/R/0: a mocked invocation has either Return or Throw, not both")


def test_run_mock_config_that_is_not_json(aws_example, tmp_path):
    definition, _ = aws_example
    mocks = write(tmp_path, "mocks.json", '{"StateMachines": {}\n "MockedResponses": {}}')
    message = bad_input("run", definition, "--mock-config", mocks, "--test-case", "HappyPath")
    assert message.startswith(f"mock config {mocks} is not valid JSON:") and "line 2, column 2" in message


def test_run_unreadable_mock_config(aws_example, tmp_path):
    definition, _ = aws_example
    assert bad_input("run", definition, "--mock-config", tmp_path / "nope.json", "--test-case", "HappyPath") == (
        f"cannot read mock config {tmp_path / 'nope.json'}: No such file or directory")


def test_run_unknown_test_case(aws_example):
    definition, mocks = aws_example
    assert bad_input("run", definition, "--mock-config", mocks, "--test-case", "SadPath") == (
        "mock config has no test case 'SadPath' for state machine 'LambdaSQSIntegration' (it defines "
        "'HappyPath', 'RetryPath', 'HybridPath')")


def test_run_test_case_without_mock_config(aws_example):
    definition, _ = aws_example
    assert bad_input("run", definition, "--test-case", "HappyPath") == (
        "--test-case needs --mock-config (the mock config the test case comes from)")


def test_run_mock_config_without_test_case(aws_example):
    definition, mocks = aws_example
    assert bad_input("run", definition, "--mock-config", mocks) == (
        "--mock-config needs --test-case (which test case to run); test cases for 'LambdaSQSIntegration': "
        "'HappyPath', 'RetryPath', 'HybridPath'")


def test_run_task_that_nothing_resolves(tmp_path):
    assert bad_input("run", write(tmp_path, "task.json", TASK)) == (
        "No resolver or mock for resource 'arn:aws:states:::lambda:invoke' used by state 'Call': mock it with "
        "--mock-config and --test-case")


def test_run_stalled_execution(tmp_path, monkeypatch):
    def stall(self, *args, **kwargs):
        raise Stalled("The execution waits for a task token or signal that nothing will send")

    monkeypatch.setattr(cli.LocalRunner, "run", stall)
    assert bad_input("run", write(tmp_path, "pass.json", PASS)) == (
        "the execution stalled: The execution waits for a task token or signal that nothing will send")


# --- run-batch ------------------------------------------------------------------------------------


def batch(tmp_path, *lines, args=()) -> tuple[int, list[dict], str]:
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
                    encoding="utf-8")
    status, out, err = asl("run-batch", path, *args)
    return status, [json.loads(line) for line in out.splitlines()], err


def test_batch_runs_every_case_in_order(tmp_path):
    status, results, err = batch(
        tmp_path,
        {"id": "greet", "definition": PASS, "input": {"who": "Ada"}},
        {"id": 2, "definition": json.dumps(FAIL)},
        "",
        "{not json",
        {"id": "broken", "definition": BROKEN, "input": {}},
        {"id": "task", "definition": TASK, "input": {}},
        {"id": "mocked", "definition": AWS_DEFINITION, "input": {}, "name": "LambdaSQSIntegration",
         "mock_config": AWS_MOCK_CONFIG, "test_case": "RetryPath"},
        {"id": "again", "definition": PASS, "input": {"who": "Bob"}},
        args=("--json",),
    )
    assert (status, err) == (0, "")
    assert results[0] == {"id": "greet", "status": "SUCCEEDED", "output": {"greeting": "Hello, Ada"}, "error": None,
                          "cause": None}
    assert results[1] == {"id": 2, "status": "FAILED", "output": None, "error": "Custom.Boom", "cause": "it broke"}
    assert results[2] == {"id": None, "status": "ERROR",
                          "error": "line 4 is not valid JSON: Expecting property name enclosed in double quotes at "
                                   "line 1, column 2"}
    assert results[3] == {"id": "broken", "status": "ERROR",
                          "error": "line 5: the definition is not a valid state machine definition: "
                                   "MISSING_TRANSITION_TARGET at /States/A/Next: Missing 'Next' target: Nowhere; "
                                   "MISSING_END_STATE at /: Workflow has no terminal state"}
    assert results[4] == {"id": "task", "status": "ERROR",
                          "error": "No resolver or mock for resource 'arn:aws:states:::lambda:invoke' used by state "
                                   "'Call': mock it with mock_config and test_case"}
    assert results[5] == {"id": "mocked", "status": "SUCCEEDED", "output": SQS_RESULT, "error": None, "cause": None}
    assert results[6]["output"] == {"greeting": "Hello, Bob"}
    assert len(results) == 7  # the blank line is not a case


def test_batch_output_is_the_same_without_json_flag(tmp_path):
    status, results, _ = batch(tmp_path, {"id": "a", "definition": PASS, "input": {"who": "x"}})
    assert (status, results) == (0, [{"id": "a", "status": "SUCCEEDED", "output": {"greeting": "Hello, x"},
                                      "error": None, "cause": None}])


def test_batch_mock_errors_stay_with_their_case(tmp_path):
    _, results, _ = batch(
        tmp_path,
        # Without a name, a mock config with one state machine names it.
        {"id": "hybrid", "definition": AWS_DEFINITION, "mock_config": AWS_MOCK_CONFIG, "test_case": "HybridPath"},
        {"id": "unknown", "definition": AWS_DEFINITION, "mock_config": AWS_MOCK_CONFIG, "test_case": "SadPath"},
        {"id": "no-mocks", "definition": AWS_DEFINITION, "test_case": "HappyPath"},
        {"id": "bad-mocks", "definition": AWS_DEFINITION, "mock_config": {"StateMachines": {}}, "test_case": "x"},
        {"id": "happy", "definition": AWS_DEFINITION, "mock_config": AWS_MOCK_CONFIG, "test_case": "HappyPath"},
    )
    assert [r["status"] for r in results] == ["ERROR", "ERROR", "ERROR", "ERROR", "SUCCEEDED"]
    assert results[0]["error"].endswith("used by state 'SQSState': the test case does not mock state 'SQSState'")
    assert results[1]["error"].startswith("mock config has no test case 'SadPath'")
    assert results[2]["error"] == "test_case needs mock_config (the mock config the test case comes from)"
    assert results[3]["error"] == "line 4: mock config /: missing the field 'MockedResponses'"
    assert set(results[0]) == {"id", "status", "error"}


def test_batch_bad_case_shapes(tmp_path):
    _, results, _ = batch(tmp_path, "[1, 2]", {"id": "x"}, {"id": "y", "definition": 5},
                          {"id": "z", "definition": PASS, "name": ""})
    assert [r["error"] for r in results] == [
        "line 1: a case must be a JSON object",
        "line 2: the case has no definition",
        "line 3: definition must be an object or a JSON string",
        "line 4: name must be a non-empty string",
    ]


def test_batch_line_that_is_not_utf8(tmp_path):
    path = tmp_path / "cases.jsonl"
    good = {"id": 2, "definition": PASS, "input": {"who": 1}}
    path.write_bytes(b'{"id": 1, "definition": "\xff"}\n' + json.dumps(good).encode())
    status, out, _ = asl("run-batch", path)
    results = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert results[0] == {"id": None, "status": "ERROR", "error": "line 1 is not UTF-8 text"}
    assert results[1]["status"] == "SUCCEEDED"


def test_batch_compiles_each_distinct_definition_once(tmp_path, monkeypatch):
    compiled = []
    real = cli.compile_definition

    def counting(definition, source):
        compiled.append(definition)
        return real(definition, source)

    monkeypatch.setattr(cli, "compile_definition", counting)
    cases = [{"id": i, "definition": PASS, "input": {"who": str(i)}} for i in range(5)]
    cases += [{"id": "text", "definition": json.dumps(FAIL)}, {"id": "text2", "definition": json.dumps(FAIL)},
              {"id": "broken", "definition": BROKEN}, {"id": "broken2", "definition": BROKEN}]
    _, results, _ = batch(tmp_path, *cases)
    assert [r["output"]["greeting"] for r in results[:5]] == [f"Hello, {i}" for i in range(5)]
    assert [r["status"] for r in results[5:]] == ["FAILED", "FAILED", "ERROR", "ERROR"]
    assert len(compiled) == 3


def test_batch_unreadable_file(tmp_path):
    assert bad_input("run-batch", tmp_path / "none.jsonl") == (
        f"cannot read cases {tmp_path / 'none.jsonl'}: No such file or directory")
    assert bad_input("run-batch", tmp_path).startswith(f"cannot read cases {tmp_path}: Is a directory")


# --- as a real process ----------------------------------------------------------------------------


def manage(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "asl", *[str(a) for a in args]], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_process_exit_statuses_and_no_traceback(tmp_path):
    done = manage("run", write(tmp_path, "greet.json", PASS), "--input", write(tmp_path, "in.json", {"who": "Ada"}),
                  "--json")
    assert (done.returncode, json.loads(done.stdout)["output"]) == (0, {"greeting": "Hello, Ada"})
    failed = manage("run", write(tmp_path, "fail.json", FAIL))
    assert (failed.returncode, failed.stdout.splitlines()[0]) == (1, "status: FAILED")
    bad = manage("run", tmp_path / "missing.json")
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == f"error: cannot read definition {tmp_path / 'missing.json'}: No such file or directory\n"
    invalid = manage("validate", write(tmp_path, "broken.json", BROKEN))
    assert invalid.returncode == 1 and "Traceback" not in invalid.stderr
    usage = manage("run", "--test-case", "x", write(tmp_path, "pass.json", PASS))
    assert (usage.returncode, usage.stderr) == (2, "error: --test-case needs --mock-config (the mock config the "
                                                   "test case comes from)\n")


def test_run_rejects_nan_in_the_input_file(tmp_path):
    definition = tmp_path / "pass.json"
    definition.write_text('{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}')
    bad_input = tmp_path / "input.json"
    bad_input.write_text('{"n": NaN}')
    done = subprocess.run([sys.executable, "manage.py", "asl", "run", str(definition), "--input", str(bad_input)],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 2
    assert "NaN is not a JSON value" in done.stderr
    assert "Traceback" not in done.stderr
