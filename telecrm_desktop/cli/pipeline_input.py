"""The front half `check` and `send` share: template, schema, sheet, row plan; then the checked rows.

Every problem with the input (template, schema file, sheet) becomes a UsageError: one line,
exit 2, never a traceback.
"""

from __future__ import annotations

import atexit
import sys
from dataclasses import dataclass
from typing import Any, Iterator

from telecrm_desktop.cli import UsageError
from telecrm_desktop.cli.output import Progress, note, summary_line
from telecrm_desktop.core.template.mapping import Mapping, MappingError, load_mapping, mapping_to_dict
from telecrm_desktop.core.check.merge import LeadMerger
from telecrm_desktop.core.check.parallel import CheckedRow, checked_rows
from telecrm_desktop.core.check.pipeline import INVALID, READY, Lead, RowPlan, RowResult, check_rows
from telecrm_desktop.core.check.sheet_check import RowVerdict, SheetCheck, check_sheet
from telecrm_desktop.core.workspace.schema import Schema
from telecrm_desktop.core.sources.table import SourceError, Table


@dataclass
class Input:
    mapping: Mapping
    schema: Schema | None
    table: Table
    plan: RowPlan

    def rows(self, progress: Progress | None = None) -> Iterator[RowResult]:
        """The checked rows, streamed; a file that breaks while being read is a UsageError."""
        try:
            yield from check_rows(self.table, self.plan, on_progress=progress)
        except SourceError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"{self.table.source.path}: reading stopped: {exc.strerror or exc}") from None


    def checked(self, progress: Progress | None = None, *, bodies: bool = True) -> Iterator[CheckedRow]:
        """The checked rows in compact form, converted on every core for a big file."""
        try:
            yield from checked_rows(self.table, self.plan, on_progress=progress, bodies=bodies)
        except SourceError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"{self.table.source.path}: reading stopped: {exc.strerror or exc}") from None


def open_input(args: Any, *, enterprise: str | None = None) -> Input:
    """Template, schema and sheet named by the command line, checked to fit one another."""
    from telecrm_desktop.core.sources import open_sheet, read_table

    try:
        mapping = load_mapping(args.mapping)
    except MappingError as exc:
        raise UsageError(str(exc)) from None
    schema = None
    enterprise = enterprise or getattr(args, "enterprise", None)
    if enterprise or getattr(args, "schema", None):
        # only then: the schema commands bring the Sync client and the keyring (0.07 s to import)
        from telecrm_desktop.cli.schema import require_fit, schema_for_command

        schema = schema_for_command(enterprise, getattr(args, "schema", None))
        if schema is not None:
            require_fit(mapping, schema)
    try:
        try:
            source = open_sheet(args.file, sheet=mapping.sheet)
        except SourceError:
            if mapping.sheet is None:
                raise
            # the template's sheet names a worksheet; a CSV export of the same data has none
            source = open_sheet(args.file)
            if source.kind != "csv":
                raise
        table = read_table(source, mapping.header_row)
    except SourceError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"{args.file}: cannot be read: {exc.strerror or exc}") from None
    try:
        plan = RowPlan(table.headers, mapping, None, schema)
    except MappingError as exc:
        raise UsageError(f"{args.mapping}: {exc}") from None
    for text in plan.notes:
        note(f"warning: {text}")
    if plan.missing_columns:
        names = ", ".join(f'"{c}"' for c in plan.missing_columns[:5])
        more = f" and {len(plan.missing_columns) - 5} more" if len(plan.missing_columns) > 5 else ""
        note(f"the sheet has no column {names}{more} named in the template; those values are left out")
    return Input(mapping, schema, table, plan)


# -- for send -------------------------------------------------------------------------------------

@dataclass
class Checked:
    """A whole sheet checked, kept compactly (core.check.sheet_check): leads for the journal, a
    verdict per source row."""

    template: dict
    table: Table
    sheet: SheetCheck
    identifier_field: str = "phone"  # the workspace's (schema) or the template's identifier field
    mapping: Mapping | None = None
    schema: Schema | None = None

    @property
    def headers(self) -> list[str]:
        return self.table.headers

    @property
    def raw_headers(self) -> list[str]:
        return self.table.raw_headers

    @property
    def header_row(self) -> int:
        return self.table.header_row

    @property
    def counts(self) -> dict[str, int]:
        return self.sheet.counts

    @property
    def merger(self) -> LeadMerger:
        return self.sheet.merger

    @property
    def leads(self) -> Iterator[Lead]:
        return self.sheet.leads

    @property
    def rows(self) -> Iterator[RowVerdict]:
        return self.sheet.verdicts()

    @property
    def row_records(self) -> Iterator[Any]:
        from telecrm_desktop.core.send import runs

        sheet = self.sheet
        for verdict in sheet.verdicts():
            yield runs.row_record(verdict.row, verdict.identifier, sheet.lead_identifier(verdict), verdict.errors,
                                  verdict.warnings, name=verdict.name)

    def data_rows(self):  # noqa: ANN201 - the sheet's DataRows again, for the result files
        return self.table.rows()

    def close(self) -> None:
        self.sheet.close()


def check_file(args: Any, *, enterprise: str | None = None) -> Checked:
    """Read, map and check the whole sheet; says how it went on standard error."""
    given = open_input(args, enterprise=enterprise)
    progress = Progress("checking")
    try:
        try:
            sheet = check_sheet(given.table, given.plan, on_progress=progress)
        except SourceError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"{given.table.source.path}: reading stopped: {exc.strerror or exc}") from None
    finally:
        progress.close()
    atexit.register(sheet.close)  # its spool files
    checked = Checked(mapping_to_dict(given.mapping), given.table, sheet,
                      identifier_field=given.mapping.identifier_field(given.schema),
                      mapping=given.mapping, schema=given.schema)
    print(summary_line("check", sheet.counts, always=(READY, INVALID), leads=sheet.lead_count,
                       merged=sheet.merged_rows), file=sys.stderr)
    return checked
