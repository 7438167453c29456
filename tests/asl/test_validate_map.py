"""validate(): the Map state, Inline and Distributed, JSONPath and JSONata."""
import pytest

from tests.asl.test_validate import found, ids, jsonata, machine, one, pass_state

SCHEMA = "SCHEMA_VALIDATION_FAILED"
M = "/States/S"
PROCESSOR = machine({"P": pass_state()})
DISTRIBUTED = {**PROCESSOR, "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}


def map_state(processor=PROCESSOR, **fields) -> dict:
    return one({"Type": "Map", "ItemProcessor": processor, "End": True, **fields})


def distributed(**fields) -> dict:
    return map_state(DISTRIBUTED, **fields)


READER = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
          "Parameters": {"Bucket": "b", "Key": "k.csv"}}

CASES = [
    ("inline Map", map_state(ItemsPath="$.items", ItemSelector={"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
                             MaxConcurrency=1, ResultPath="$.out"), []),
    ("legacy Iterator", one({"Type": "Map", "Iterator": PROCESSOR, "Parameters": {"x.$": "$$.Map.Item.Value"}, "End": True}), []),
    ("neither ItemProcessor nor Iterator", one({"Type": "Map", "End": True}), [(SCHEMA, M)]),
    ("both ItemProcessor and Iterator", map_state(Iterator=machine({"Q": pass_state()})), [(SCHEMA, M + "/ItemProcessor")]),
    ("ItemProcessor not an object", map_state("P"), [(SCHEMA, M + "/ItemProcessor")]),
    ("ProcessorConfig on Iterator", one({"Type": "Map", "Iterator": DISTRIBUTED, "End": True}), [(SCHEMA, M + "/Iterator")]),
    ("Mode unknown", map_state({**PROCESSOR, "ProcessorConfig": {"Mode": "PARALLEL"}}),
     [(SCHEMA, M + "/ItemProcessor/ProcessorConfig/Mode")]),
    ("distributed without ExecutionType", map_state({**PROCESSOR, "ProcessorConfig": {"Mode": "DISTRIBUTED"}}),
     [(SCHEMA, M + "/ItemProcessor/ProcessorConfig")]),
    ("ExecutionType unknown", map_state({**PROCESSOR, "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "FAST"}}),
     [(SCHEMA, M + "/ItemProcessor/ProcessorConfig/ExecutionType")]),
    ("unknown ProcessorConfig field", map_state({**PROCESSOR, "ProcessorConfig": {"Mode": "INLINE", "Extra": 1}}),
     [(SCHEMA, M + "/ItemProcessor/ProcessorConfig")]),
    ("ItemsPath from the context object", map_state(ItemsPath="$$.Execution.Input.items"), []),
    ("ItemsPath with a wildcard", map_state(ItemsPath="$.items[*]"), [(SCHEMA, M + "/ItemsPath")]),
    ("ItemSelector and Parameters together", map_state(ItemSelector={}, Parameters={}), [(SCHEMA, M + "/ItemSelector")]),
    ("ItemSelector bad .$", map_state(ItemSelector={"v.$": "value"}), [(SCHEMA, M + "/ItemSelector/v.$")]),
    ("MaxConcurrency negative", map_state(MaxConcurrency=-1), [(SCHEMA, M + "/MaxConcurrency")]),
    ("MaxConcurrency huge is fine", map_state(MaxConcurrency=9223372036854775807), []),
    ("MaxConcurrency and its Path", map_state(MaxConcurrency=2, MaxConcurrencyPath="$.limit"), [(SCHEMA, M + "/MaxConcurrency")]),
    ("MaxConcurrencyPath multi-node", map_state(MaxConcurrencyPath="$.limits[*]"), [(SCHEMA, M + "/MaxConcurrencyPath")]),
    ("MaxConcurrencyPath from the context object", map_state(MaxConcurrencyPath="$$.Execution.Input.n"),
     [(SCHEMA, M + "/MaxConcurrencyPath")]),
    ("nested Map checked at its own path", machine({"Outer": {"Type": "Map", "End": True, "ItemProcessor": machine({
        "Inner": {"Type": "Map", "MaxConcurrency": -1, "ItemProcessor": machine({"P": pass_state()}), "End": True}})}}),
     [(SCHEMA, "/States/Outer/ItemProcessor/States/Inner/MaxConcurrency")]),
    ("JSONata MaxConcurrency expression", jsonata(map_state(MaxConcurrency="{% $states.input.limit %}")), []),
    ("JSONata MaxConcurrencyPath", jsonata(map_state(MaxConcurrencyPath="$.limit")), [(SCHEMA, M)]),
    ("JSONata Items", jsonata(map_state(Items="{% $states.input.list %}",
                                        ItemSelector={"v": "{% $states.context.Map.Item.Value %}"},
                                        Output="{% $states.result %}")), []),
    ("JSONata Items literal", jsonata(map_state(Items=[1, 2, 3])), []),
    ("JSONata Items over an object", jsonata(map_state(Items={"a": 1})), []),
    ("JSONata Items not a collection", jsonata(map_state(Items=5)), [(SCHEMA, M + "/Items")]),
    ("Items in JSONPath", map_state(Items=[1]), [(SCHEMA, M)]),
    ("ItemsPath in JSONata", jsonata(map_state(ItemsPath="$.x")), [(SCHEMA, M)]),
    ("Map with Retry, Catch, ResultSelector", map_state(ResultSelector={"n.$": "States.ArrayLength($)"},
                                                       Retry=[{"ErrorEquals": ["States.ALL"]}],
                                                       Catch=[{"ErrorEquals": ["States.ALL"], "Next": "S"}]), []),
    # --- Distributed Map --------------------------------------------------------------------------
    ("distributed Map from S3 CSV", distributed(
        ItemReader=READER, ItemBatcher={"MaxItemsPerBatch": 100, "BatchInput": {"run.$": "$$.Execution.Name"}},
        ResultWriter={"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "runs"}},
        ToleratedFailurePercentage=5, ToleratedFailureCount=10, Label="csvRows", MaxConcurrency=1000), []),
    ("ItemReader on an inline Map is accepted (AWS)", map_state(ItemReader=READER), []),
    ("ItemReader without Resource", distributed(ItemReader={"ReaderConfig": {"InputType": "JSON"}}), [(SCHEMA, M + "/ItemReader")]),
    ("ItemReader unknown resource", distributed(ItemReader={**READER, "Resource": "arn:aws:states:::s3:unknownOperation"}),
     [(SCHEMA, M + "/ItemReader/Resource")]),
    ("ItemReader unknown InputType", distributed(ItemReader={**READER, "ReaderConfig": {"InputType": "XML"}}),
     [(SCHEMA, M + "/ItemReader/ReaderConfig/InputType")]),
    ("ItemReader newer options", distributed(ItemReader={"Resource": "arn:aws:states:::s3:listObjectsV2",
                                                         "Parameters": {"Bucket": "b", "Prefix": "p/"},
                                                         "ReaderConfig": {"Transformation": "LOAD_AND_FLATTEN", "InputType": "JSONL",
                                                                          "MaxItems": 1000}}), []),
    ("CSV headers GIVEN without CSVHeaders", distributed(ItemReader={**READER, "ReaderConfig": {"InputType": "CSV",
                                                                                             "CSVHeaderLocation": "GIVEN"}}),
     [(SCHEMA, M + "/ItemReader/ReaderConfig")]),
    ("CSV delimiter", distributed(ItemReader={**READER, "ReaderConfig": {"InputType": "CSV", "CSVDelimiter": "PIPE",
                                                                      "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a"]}}), []),
    ("MaxItems over the limit", distributed(ItemReader={**READER, "ReaderConfig": {"InputType": "JSON", "MaxItems": 100_000_001}}),
     [(SCHEMA, M + "/ItemReader/ReaderConfig/MaxItems")]),
    ("MaxItems and MaxItemsPath", distributed(ItemReader={**READER, "ReaderConfig": {"InputType": "JSON", "MaxItems": 1,
                                                                                  "MaxItemsPath": "$.n"}}),
     [(SCHEMA, M + "/ItemReader/ReaderConfig/MaxItems")]),
    ("ItemReader Arguments in JSONPath", distributed(ItemReader={**READER, "Arguments": {}}),
     [(SCHEMA, M + "/ItemReader/Arguments")]),
    ("ItemBatcher without limits", distributed(ItemBatcher={"BatchInput": {"a": 1}}), [(SCHEMA, M + "/ItemBatcher")]),
    ("ItemBatcher too many bytes", distributed(ItemBatcher={"MaxInputBytesPerBatch": 262_145}),
     [(SCHEMA, M + "/ItemBatcher/MaxInputBytesPerBatch")]),
    ("ItemBatcher zero items", distributed(ItemBatcher={"MaxItemsPerBatch": 0}), [(SCHEMA, M + "/ItemBatcher/MaxItemsPerBatch")]),
    ("ItemBatcher Paths", distributed(ItemBatcher={"MaxItemsPerBatchPath": "$.n", "MaxInputBytesPerBatchPath": "$.b"}), []),
    ("ItemBatcher value and Path", distributed(ItemBatcher={"MaxItemsPerBatch": 1, "MaxItemsPerBatchPath": "$.n"}),
     [(SCHEMA, M + "/ItemBatcher/MaxItemsPerBatch")]),
    ("JSONata ItemBatcher Path", jsonata(distributed(ItemBatcher={"MaxItemsPerBatch": 2, "MaxItemsPerBatchPath": "$.n"})),
     [(SCHEMA, M + "/ItemBatcher")]),
    ("JSONata value and Path pair reported once", jsonata(distributed(MaxConcurrency=1, MaxConcurrencyPath="$.n")),
     [(SCHEMA, M)]),
    ("ResultWriter WriterConfig only", distributed(ResultWriter={"WriterConfig": {"OutputType": "JSONL", "Transformation": "COMPACT"}}),
     []),
    ("ResultWriter empty", distributed(ResultWriter={}), [(SCHEMA, M + "/ResultWriter")]),
    ("ResultWriter Resource without Parameters", distributed(ResultWriter={"Resource": "arn:aws:states:::s3:putObject"}),
     [(SCHEMA, M + "/ResultWriter")]),
    ("ResultWriter unknown resource", distributed(ResultWriter={"Resource": "arn:aws:states:::s3:unknownOperation",
                                                                "Parameters": {"Bucket": "b"}}),
     [(SCHEMA, M + "/ResultWriter/Resource")]),
    ("ResultWriter null Resource", distributed(ResultWriter={"Resource": None, "Parameters": {"Bucket": "b"}}),
     [(SCHEMA, M + "/ResultWriter/Resource")]),
    ("WriterConfig incomplete", distributed(ResultWriter={"WriterConfig": {"Transformation": "COMPACT"}}),
     [(SCHEMA, M + "/ResultWriter/WriterConfig")]),
    ("WriterConfig values not strings", distributed(ResultWriter={"WriterConfig": {"Transformation": {}, "OutputType": []}}),
     [(SCHEMA, M + "/ResultWriter/WriterConfig")]),
    ("WriterConfig unknown Transformation", distributed(ResultWriter={"WriterConfig": {"Transformation": "GZIP",
                                                                                      "OutputType": "JSON"}}),
     [(SCHEMA, M + "/ResultWriter/WriterConfig/Transformation")]),
    ("ResultWriter Bucket and Prefix must be strings", distributed(ResultWriter={
        "Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": 42, "Prefix": {}}}),
     [(SCHEMA, M + "/ResultWriter/Parameters/Bucket"), (SCHEMA, M + "/ResultWriter/Parameters/Prefix")]),
    ("JSONata ResultWriter Arguments expression", jsonata(distributed(ResultWriter={
        "Resource": "arn:aws:states:::s3:putObject", "Arguments": "{% $states.input.destination %}"})), []),
    ("JSONata ResultWriter Parameters", jsonata(distributed(ResultWriter={
        "Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "b"}, "Parameters": {"Bucket": "x"}})),
     [(SCHEMA, M + "/ResultWriter/Parameters")]),
    ("ToleratedFailurePercentage over 100", distributed(ToleratedFailurePercentage=101),
     [(SCHEMA, M + "/ToleratedFailurePercentage")]),
    ("ToleratedFailurePercentage fractional", distributed(ToleratedFailurePercentage=2.5), []),
    ("ToleratedFailureCount negative", distributed(ToleratedFailureCount=-1), [(SCHEMA, M + "/ToleratedFailureCount")]),
    ("ToleratedFailureCount and its Path", distributed(ToleratedFailureCount=1, ToleratedFailureCountPath="$.n"),
     [(SCHEMA, M + "/ToleratedFailureCount")]),
    ("ToleratedFailurePercentagePath", distributed(ToleratedFailurePercentagePath="$.pct"), []),
    ("Label too long", distributed(Label="L" * 41), [("INVALID_LABEL_NAME", M + "/Label")]),
    ("Label with a space", distributed(Label="my label"), [("INVALID_LABEL_NAME", M + "/Label")]),
    ("Label with a slash", distributed(Label="a/b"), [("INVALID_LABEL_NAME", M + "/Label")]),
    ("Label not a string", distributed(Label=5), [(SCHEMA, M + "/Label")]),
    ("duplicate Label", machine({
        "A": {"Type": "Map", "ItemProcessor": machine({"P1": pass_state()}), "Label": "run", "Next": "B"},
        "B": {"Type": "Map", "ItemProcessor": machine({"P2": pass_state()}), "Label": "run", "End": True}}),
     [("DUPLICATE_LABEL_NAME", "/States/B/Label")]),
]


@pytest.mark.parametrize("name, definition, expected", CASES, ids=ids(CASES))
def test_map(name, definition, expected):
    assert found(definition) == expected
