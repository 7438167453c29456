"""The Map state: item source and selection, concurrency, failure tolerance, Distributed Map I/O.

ASL §Map State, AWS DG state-map-distributed / input-output-itemreader / -resultwriter: a Map needs
an ItemProcessor (or the deprecated Iterator); ProcessorConfig.Mode is INLINE or DISTRIBUTED, and a
DISTRIBUTED processor names its ExecutionType. AWS accepts ItemReader & co. on an INLINE Map at
definition time (measured), so only the shape of those fields is checked here.
"""

from __future__ import annotations

import re

from designer.asl.validation import fields, templates
from designer.asl.validation.context import Checker, StateInfo
from designer.asl.validation.diagnostics import DUPLICATE_LABEL_NAME, INVALID_LABEL_NAME, at, show
from designer.asl.validation.values import check_enum, check_string, check_string_array, expected

MAX_ITEMS = 100_000_000  # ItemReader ReaderConfig.MaxItems
MAX_BATCH_BYTES = 262_144  # ItemBatcher.MaxInputBytesPerBatch: 256 KiB
MAX_LABEL_LENGTH = 40
# AWS DG (Distributed Map `Label`): no whitespace, brackets, wildcards, special or control characters.
_LABEL_FORBIDDEN = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")
MODES = ("INLINE", "DISTRIBUTED")
EXECUTION_TYPES = ("STANDARD", "EXPRESS")
READER_RESOURCES = ("arn:aws:states:::s3:getObject", "arn:aws:states:::s3:listObjectsV2")
WRITER_RESOURCES = ("arn:aws:states:::s3:putObject",)
READER_ENUMS = {
    "InputType": ("CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"),
    "CSVHeaderLocation": ("FIRST_ROW", "GIVEN"),
    "CSVDelimiter": ("COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"),
    "ManifestType": ("ATHENA_DATA", "S3_INVENTORY"),
    "Transformation": ("NONE", "LOAD_AND_FLATTEN"),
}
WRITER_ENUMS = {"OutputType": ("JSON", "JSONL"), "Transformation": ("NONE", "COMPACT", "FLATTEN")}


def structure(ck: Checker, st: StateInfo) -> None:
    data, location = st.data, st.location
    if "ItemProcessor" not in data and "Iterator" not in data:
        ck.report.schema("These fields are required: [ItemProcessor] (or the deprecated [Iterator])", location)
    fields.exclusive(ck, data, location, "ItemProcessor", "Iterator")
    if st.jsonpath:  # in JSONata the second field of each pair is already refused
        fields.exclusive(ck, data, location, "ItemSelector", "Parameters")
        fields.exclusive(ck, data, location, "MaxConcurrency", "MaxConcurrencyPath")
        fields.exclusive(ck, data, location, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath")
        fields.exclusive(ck, data, location, "ToleratedFailureCount", "ToleratedFailureCountPath")


def is_distributed(processor) -> bool:
    config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
    return isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"


def check_processor_config(ck: Checker, value, location: str) -> None:
    if not isinstance(value, dict):
        expected(ck.report, location, value, "OBJECT")
        return
    for key in value:
        if key not in ("Mode", "ExecutionType"):
            ck.report.schema(f"Field '{key}' is not supported", location)
    if value.get("Mode") == "DISTRIBUTED" and "ExecutionType" not in value:
        ck.report.schema(
            "These fields are required: [ExecutionType] (a DISTRIBUTED Map runs child workflows)", location
        )
    if "Mode" in value:
        check_enum(ck.report, value["Mode"], at(location, "Mode"), MODES)
    if "ExecutionType" in value:
        check_enum(ck.report, value["ExecutionType"], at(location, "ExecutionType"), EXECUTION_TYPES)


def _check_processor(ck: Checker, st: StateInfo, value, location: str) -> None:
    from designer.asl.validation import machine  # machine -> states -> maps -> machine: nested scopes

    machine.check_nested_scope(ck, value, location, processor=location.endswith("/ItemProcessor"))


def _check_items_path(ck: Checker, st: StateInfo, value, location: str) -> None:
    fields.check_reference_path(ck, value, location, "ItemsPath")


def _check_items(ck: Checker, st: StateInfo, value, location: str) -> None:
    # ASL: JSONata Items is an array (or, since 2025-09, an object) literal or an expression.
    if isinstance(value, str) and templates.is_expression(value):
        templates.check_jsonata_string(ck.report, value, location, templates.BASE_STATES_FIELDS)
    elif isinstance(value, (list, dict)):
        templates.check_jsonata_template(ck.report, value, location, templates.BASE_STATES_FIELDS)
    else:
        expected(ck.report, location, value, "ARRAY", "OBJECT", "JSONata expression")


def _check_item_selector(ck: Checker, st: StateInfo, value, location: str) -> None:
    if st.jsonpath:
        templates.check_payload_template(ck.report, value, location)
    else:
        templates.check_jsonata_template(ck.report, value, location, templates.BASE_STATES_FIELDS)


def _count_path(ck: Checker, value, location: str) -> None:
    # AWS (measured): these *Path fields take a Reference Path into the state input, not $$.
    fields.check_reference_path(ck, value, location, location.rsplit("/", 1)[1], context=False)


def _check_max_concurrency(ck: Checker, st: StateInfo, value, location: str) -> None:
    fields.check_int_or_expression(ck, st, value, location, 0)


def _check_percentage(ck: Checker, st: StateInfo, value, location: str) -> None:
    fields.check_number_or_expression(ck, st, value, location, 0, 100)


def _check_count(ck: Checker, st: StateInfo, value, location: str) -> None:
    fields.check_int_or_expression(ck, st, value, location, 0)


def _check_path_field(ck: Checker, st: StateInfo, value, location: str) -> None:
    _count_path(ck, value, location)


def _check_label(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not check_string(ck.report, value, location):
        return
    if not value or len(value) > MAX_LABEL_LENGTH or _LABEL_FORBIDDEN.search(value):
        ck.report.error(
            INVALID_LABEL_NAME,
            f"Invalid Label {show(value)}: a Label has 1 to {MAX_LABEL_LENGTH} characters and no whitespace, "
            'brackets, wildcards, control characters or any of " # % \\ ^ | ~ ` $ & , ; : /',
            location,
        )
        return
    first = ck.labels.setdefault(value, location)
    if first != location:
        ck.report.error(DUPLICATE_LABEL_NAME, f"Duplicate Label {show(value)} (also used at {first})", location)


def _payload_fields(st: StateInfo) -> tuple[str, str]:
    """(the payload field of this language, the other language's): Parameters vs Arguments."""
    return ("Parameters", "Arguments") if st.jsonpath else ("Arguments", "Parameters")


def _check_payload(ck: Checker, st: StateInfo, key: str, value, location: str) -> None:
    if key == "Parameters":
        templates.check_payload_template(ck.report, value, location)
    else:
        fields.check_arguments_value(ck, value, location)


def _object_fields(ck: Checker, st: StateInfo, value, location: str, config: str) -> str | None:
    """ItemReader/ResultWriter: an object of Resource, `config` and the language's payload field.
    Returns that payload field's name (Parameters or Arguments), or None when `value` is no object."""
    if not isinstance(value, dict):
        expected(ck.report, location, value, "OBJECT")
        return None
    payload, wrong = _payload_fields(st)
    for key in value:
        if key == wrong:
            ck.report.schema(fields.language_message(st.language, key), at(location, key))
        elif key not in ("Resource", config, payload):
            ck.report.schema(f"Field '{key}' is not supported", location)
    return payload


def _check_item_reader(ck: Checker, st: StateInfo, value, location: str) -> None:
    payload = _object_fields(ck, st, value, location, "ReaderConfig")
    if payload is None:
        return
    if "Resource" not in value:
        ck.report.schema("These fields are required: [Resource]", location)
    for key, field_value in value.items():
        key_location = at(location, key)
        if key == "Resource":
            check_enum(ck.report, field_value, key_location, READER_RESOURCES)
        elif key == payload:
            _check_payload(ck, st, key, field_value, key_location)
        elif key == "ReaderConfig":
            _check_reader_config(ck, st, field_value, key_location)


def _check_reader_config(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not isinstance(value, dict):
        expected(ck.report, location, value, "OBJECT")
        return
    known = set(READER_ENUMS) | {"CSVHeaders", "MaxItems", "ItemsPointer"}
    for key in value:
        if key == "MaxItemsPath" and not st.jsonpath:
            ck.report.schema(fields.language_message(st.language, key), location)
        elif key not in known and key != "MaxItemsPath":
            ck.report.schema(f"Field '{key}' is not supported", location)
    if value.get("CSVHeaderLocation") == "GIVEN" and "CSVHeaders" not in value:
        ck.report.schema("These fields are required: [CSVHeaders] (CSVHeaderLocation is GIVEN)", location)
    if st.jsonpath:
        fields.exclusive(ck, value, location, "MaxItems", "MaxItemsPath")
    for key, field_value in value.items():
        key_location = at(location, key)
        if key in READER_ENUMS:
            check_enum(ck.report, field_value, key_location, READER_ENUMS[key])
        elif key == "CSVHeaders":
            check_string_array(ck.report, field_value, key_location)
        elif key == "MaxItems":
            fields.check_int_or_expression(ck, st, field_value, key_location, 0, MAX_ITEMS)
        elif key == "MaxItemsPath" and st.jsonpath:
            _count_path(ck, field_value, key_location)
        elif key == "ItemsPointer":
            if check_string(ck.report, field_value, key_location) and field_value and not field_value.startswith("/"):
                ck.report.schema(
                    f"ItemsPointer must be a JSON Pointer starting with '/', got {show(field_value)}", key_location
                )


def _check_item_batcher(ck: Checker, st: StateInfo, value, location: str) -> None:
    if not isinstance(value, dict):
        expected(ck.report, location, value, "OBJECT")
        return
    path_fields = ("MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath")
    for key in value:
        if key in path_fields and not st.jsonpath:
            ck.report.schema(fields.language_message(st.language, key), location)
        elif key not in ("MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput") + path_fields:
            ck.report.schema(f"Field '{key}' is not supported", location)
    limits = ("MaxItemsPerBatch", "MaxInputBytesPerBatch") + (path_fields if st.jsonpath else ())
    if not any(name in value for name in limits):
        ck.report.schema(f"ItemBatcher needs at least one of the following fields: [{', '.join(limits)}]", location)
    if st.jsonpath:
        fields.exclusive(ck, value, location, "MaxItemsPerBatch", "MaxItemsPerBatchPath")
        fields.exclusive(ck, value, location, "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")
    for key, field_value in value.items():
        key_location = at(location, key)
        if key == "MaxItemsPerBatch":
            fields.check_int_or_expression(ck, st, field_value, key_location, 1)
        elif key == "MaxInputBytesPerBatch":
            fields.check_int_or_expression(ck, st, field_value, key_location, 1, MAX_BATCH_BYTES)
        elif key in path_fields and st.jsonpath:
            _count_path(ck, field_value, key_location)
        elif key == "BatchInput":
            _check_item_selector(ck, st, field_value, key_location)


def _check_result_writer(ck: Checker, st: StateInfo, value, location: str) -> None:
    # AWS (measured): WriterConfig alone, Resource with Parameters/Arguments, or all three; never empty.
    payload = _object_fields(ck, st, value, location, "WriterConfig")
    if payload is None:
        return
    has_resource, has_payload = "Resource" in value, payload in value
    if not has_resource and not has_payload and "WriterConfig" not in value:
        ck.report.schema(f"ResultWriter needs WriterConfig, or Resource with {payload}, or all three", location)
    elif has_resource != has_payload:
        ck.report.schema(f"ResultWriter fields Resource and {payload} must be given together", location)
    for key, field_value in value.items():
        key_location = at(location, key)
        if key == "Resource":
            check_enum(ck.report, field_value, key_location, WRITER_RESOURCES)
        elif key == payload:
            _check_payload(ck, st, key, field_value, key_location)
            if isinstance(field_value, dict):
                for name in ("Bucket", "Prefix"):
                    if name in field_value:
                        check_string(ck.report, field_value[name], at(key_location, name))
        elif key == "WriterConfig":
            _check_writer_config(ck, field_value, key_location)


def _check_writer_config(ck: Checker, value, location: str) -> None:
    if not isinstance(value, dict):
        expected(ck.report, location, value, "OBJECT")
        return
    for key in value:
        if key not in WRITER_ENUMS:
            ck.report.schema(f"Field '{key}' is not supported", location)
    if not all(isinstance(value.get(name), str) for name in WRITER_ENUMS):
        ck.report.schema("WriterConfig needs both OutputType and Transformation, as strings", location)
        return
    for key, allowed in WRITER_ENUMS.items():
        check_enum(ck.report, value[key], at(location, key), allowed)


FIELD_CHECKS = {
    "ItemProcessor": _check_processor,
    "Iterator": _check_processor,
    "ItemsPath": _check_items_path,
    "Items": _check_items,
    "ItemSelector": _check_item_selector,
    "Parameters": _check_item_selector,
    "MaxConcurrency": _check_max_concurrency,
    "MaxConcurrencyPath": _check_path_field,
    "ToleratedFailurePercentage": _check_percentage,
    "ToleratedFailurePercentagePath": _check_path_field,
    "ToleratedFailureCount": _check_count,
    "ToleratedFailureCountPath": _check_path_field,
    "Label": _check_label,
    "ItemReader": _check_item_reader,
    "ItemBatcher": _check_item_batcher,
    "ResultWriter": _check_result_writer,
}
