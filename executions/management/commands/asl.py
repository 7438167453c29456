"""`manage.py asl validate|run|run-batch`: validate and run ASL definitions in this process.

No server and no database: system checks are off and nothing here touches a model. The work is done by
`executions.cli`; this module parses arguments, prints, and picks the exit status (0 ok, 1 a definition
failed validation or an execution did not succeed, 2 bad input, with one "error: ..." line on stderr).
"""
from __future__ import annotations

import json
import os
import sys

from django.core.management.base import BaseCommand

from executions import cli

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Validate and run Amazon States Language definitions locally (no server, no database)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{validate,run,run-batch}")

        validate = actions.add_parser("validate", help="validate definition files, as ValidateStateMachineDefinition")
        validate.add_argument("files", nargs="+", metavar="FILE")
        validate.add_argument("--json", dest="as_json", action="store_true", help="one JSON line per file")

        run = actions.add_parser("run", help="run one execution to completion")
        run.add_argument("definition", metavar="DEFINITION.json")
        run.add_argument("--input", metavar="INPUT.json", help="the execution input (default: {})")
        run.add_argument("--name", help="the state machine's name (default: the file name without extension)")
        run.add_argument("--mock-config", metavar="MOCKS.json",
                         help="answer Task states from a Step Functions Local MockConfigFile")
        run.add_argument("--test-case", metavar="CASE", help="the mock config's test case to use")
        run.add_argument("--history", action="store_true", help="also print the execution's history events")
        run.add_argument("--real-time", action="store_true", help="really wait for Wait states and retry backoffs")
        run.add_argument("--json", dest="as_json", action="store_true", help="print exactly one JSON line")

        batch = actions.add_parser("run-batch", help="run the cases of a JSON Lines file, one result line each")
        batch.add_argument("cases", metavar="CASES.jsonl")
        batch.add_argument("--json", dest="as_json", action="store_true",
                           help="JSON Lines output (the only format; accepted for symmetry with run)")

    def handle(self, *args, action: str, **options) -> None:
        handler = {"validate": self.validate, "run": self.run, "run-batch": self.run_batch}[action]
        try:
            status = handler(**options)
        except cli.CliError as exc:
            self.stderr.write(f"error: {exc}", style_func=lambda text: text)
            status = EXIT_BAD_INPUT
        except BrokenPipeError:
            # The reader went away (`asl run --history | head`): stop quietly, as Unix tools do. Point
            # stdout at /dev/null so the interpreter's final flush does not fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            status = EXIT_FAILED
        if status:
            raise SystemExit(status)

    # -- validate ---------------------------------------------------------------------------------

    def validate(self, *, files: list[str], as_json: bool, **_) -> int:
        failed = False
        for path in files:
            report = cli.validate_file(path)
            failed = failed or report.result == "FAIL"
            if as_json:
                self.stdout.write(cli.dumps_line(report.to_dict()))
                continue
            self.stdout.write(f"{path}: {report.result}")
            for d in report.diagnostics:
                self.stdout.write(f"  {d.severity} {d.code} {d.location or '/'} {d.message}")
        return EXIT_FAILED if failed else 0

    # -- run --------------------------------------------------------------------------------------

    def run(self, *, definition: str, input: str | None, name: str | None, mock_config: str | None,
            test_case: str | None, history: bool, real_time: bool, as_json: bool, **_) -> int:
        if test_case is not None and mock_config is None:
            raise cli.CliError("--test-case needs --mock-config (the mock config the test case comes from)")
        machine_name = name or cli.default_machine_name(definition)
        machine = cli.compile_definition(cli.read_text(definition, "definition"), definition)
        execution_input = cli.read_json(input, "input") if input is not None else {}
        config = cli.load_mock_config(mock_config) if mock_config is not None else None
        resolver = cli.mock_resolver(config, machine_name, test_case)
        result = cli.run_machine(machine, execution_input, machine_name=machine_name, resolver=resolver,
                                 real_time=real_time, history=history)
        if as_json:
            self.stdout.write(cli.dumps_line(cli.result_dict(result, history=history)))
        else:
            self._print_result(result, history)
        return 0 if result.status == "SUCCEEDED" else EXIT_FAILED

    def _print_result(self, result, history: bool) -> None:
        if history:
            for event in result.events:
                self.stdout.write(cli.dumps_line(event))
        self.stdout.write(f"status: {result.status}")
        if result.status == "SUCCEEDED":
            self.stdout.write("output:")
            self.stdout.write(json.dumps(result.output, indent=2, ensure_ascii=False, default=str))
        if result.error is not None:
            self.stdout.write(f"error: {result.error}")
        if result.cause is not None:
            self.stdout.write(f"cause: {result.cause}")

    # -- run-batch --------------------------------------------------------------------------------

    def run_batch(self, *, cases: str, **_) -> int:
        try:
            stream = open(cases, "rb")
        except OSError as exc:
            raise cli.CliError(f"cannot read cases {cases}: {exc.strerror or exc}") from None
        runner = cli.BatchRunner()
        with stream:
            try:
                for result in runner.run_lines(stream):
                    self.stdout.write(cli.dumps_line(result))
            except OSError as exc:  # e.g. a directory: open() succeeds, reading fails
                raise cli.CliError(f"cannot read cases {cases}: {exc.strerror or exc}") from None
        return 0
