"""variableReferences (DescribeStateMachine): the expected maps are the ones AWS returned for these
definitions (recorded responses), plus JSONata expressions."""
import json

from designer.asl.variable_references import jsonata_variables, variable_references


def machine(states: dict, **top) -> str:
    return json.dumps({"StartAt": next(iter(states)), "States": states, **top})


def test_paths_and_templates_of_jsonpath_states():
    assert variable_references(machine({
        "State0": {"Type": "Pass", "Parameters": {"result": "$result"}, "Assign": {"result": "foobar"},
                   "Next": "State1"},
        "State1": {"Type": "Pass", "ResultPath": "$.result", "Parameters": {"result.$": "$result"}, "End": True},
    })) == {"State1": ["result"]}
    assert variable_references(machine({
        "Setup": {"Type": "Pass", "Assign": {"guess": "the_guess", "answer": "the_answer"}, "Next": "CheckAnswer"},
        "CheckAnswer": {"Type": "Choice", "Choices": [
            {"Variable": "$guess", "StringEqualsPath": "$answer", "Next": "CorrectAnswer"}],
            "Default": "WrongAnswer"},
        "CorrectAnswer": {"Type": "Pass", "Result": {"state": "CORRECT"}, "End": True},
        "WrongAnswer": {"Type": "Pass", "Assign": {"guess.$": "$answer"}, "Result": {"state": "WRONG"},
                        "Next": "CheckAnswer"},
    })) == {"CheckAnswer": ["answer", "guess"], "WrongAnswer": ["answer"]}
    assert variable_references(machine({
        "State0": {"Type": "Pass", "Assign": {"answer": 42}, "Next": "State1"},
        "State1": {"Type": "Pass", "InputPath": "$answer", "ResultPath": "$.theAnswer", "OutputPath": "$answer",
                   "Assign": {"answer": "x"}, "End": True},
        "Fail": {"Type": "Fail", "CausePath": "$causeVar", "ErrorPath": "$errorVar"},
        "Wait": {"Type": "Wait", "SecondsPath": "$waitTime", "End": True},
    })) == {"State1": ["answer"], "Fail": ["causeVar", "errorVar"], "Wait": ["waitTime"]}
    # Results, input paths, context paths and literal "$..." strings are not references.
    assert variable_references(machine({
        "State0": {"Type": "Pass", "Result": {"x.$": "$notRead"}, "Assign": {"theAnswer.$": "$.answer"},
                   "Parameters": {"ctx.$": "$$.Execution.Id", "all.$": "$"}, "End": True},
    })) == {}


def test_intrinsic_functions_and_nested_states():
    assert variable_references(machine({
        "State1": {"Type": "Pass", "Parameters": {
            "encodingOps": {"encoded.$": "States.Base64Encode($rawString)"},
            "hashOps": {"hashValue.$": "States.Hash($inputString, 'SHA-256')"},
            "mathOps": {"sum.$": "States.MathAdd($value2, States.MathAdd($value1, 1))"},
            "stringOps": {"formattedString.$": "States.Format('Hello {}, welcome to {}!', $name, $.place)"},
            "uuidOp": {"uniqueId.$": "States.UUID()"}}, "End": True},
    })) == {"State1": ["inputString", "name", "rawString", "value1", "value2"]}
    assert variable_references(machine({
        "Input": {"Type": "Pass", "Assign": {"bias": 4.3}, "Next": "IterateLevels"},
        "IterateLevels": {"Type": "Map", "MaxConcurrencyPath": "$limit", "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Calculate", "States": {
                "Calculate": {"Type": "Map", "ItemSelector": {"v.$": "$$.Map.Item.Value", "b": "$bias"},
                              "ItemProcessor": {"StartAt": "Summate", "States": {
                                  "Summate": {"Type": "Pass", "Assign": {
                                      "Sum.$": "States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $bias)"},
                                      "End": True}}}, "End": True}}}, "End": True},
        "Branches": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {
            "B": {"Type": "Pass", "InputPath": "$inBranch", "End": True}}}], "End": True},
    })) == {"IterateLevels": ["limit"], "Summate": ["bias", "xCurrent", "yCurrent"], "B": ["inBranch"]}
    assert variable_references(machine({
        "MapState": {"Type": "Map", "ToleratedFailurePercentagePath": "$percentage",
                     "ToleratedFailureCountPath": "$count",
                     "ItemReader": {"ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$maxItems"},
                                    "Resource": "arn:aws:states:::s3:getObject",
                                    "Parameters": {"Bucket.$": "$bucket", "Key": "$notRead"}},
                     "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                       "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                     "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"failed.$": "$attempts"}, "Next": "X"}],
                     "End": True},
        "X": {"Type": "Succeed"},
    })) == {"MapState": ["attempts", "bucket", "count", "maxItems", "percentage"]}


def test_jsonata_states():
    # AWS: $states and the functions an expression calls are not variables.
    assert variable_references(machine({
        "CheckResult": {"Type": "Choice", "QueryLanguage": "JSONata", "Choices": [
            {"Condition": "{% $states.input.result.done %}", "Next": "FinishTrue"},
            {"Condition": "{% $not($states.input.result.done) %}", "Next": "FinishFalse"}]},
        "FinishTrue": {"End": True, "Type": "Pass"},
        "FinishFalse": {"End": True, "Type": "Pass"},
    })) == {}
    assert variable_references(machine({
        "Start": {"Type": "Pass", "Assign": {"total": "{% $sum($prices) + $shipping %}"},
                  "Output": {"count": "{% $count($items) %}", "fixed": "$notAVariable"}, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [
            {"Condition": "{% $total > $limit %}", "Next": "Done", "Assign": {"over": "{% $total - $limit %}"}}],
            "Default": "Done"},
        "Done": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Arguments": {"Payload": "{% ($x := $base * 2; $map($items, function($i) { $i * $x })) %}"},
                 "End": True},
    }, QueryLanguage="JSONata")) == {"Start": ["items", "prices", "shipping"], "Check": ["limit", "total"],
                                     "Done": ["base", "items"]}


def test_jsonata_variables():
    assert jsonata_variables("$states.input.a") == set()
    assert jsonata_variables("$arr[$v > 1].name") == {"arr", "v"}
    assert jsonata_variables("$f(?, $y)") == {"y"}
    assert jsonata_variables("(") == set()  # not an expression: nothing to report


def test_definitions_that_are_not_machines():
    assert variable_references("not json") == {}
    assert variable_references("[]") == {}
    assert variable_references(json.dumps({"StartAt": "A"})) == {}
