"""telecrm-import check with a lookup of the existing leads (`--existing`, `--mode`, overwrite rules).

Every row is checked first (the leads kept compactly), then the leads are looked up (nothing is
recorded between commands: the lookup lives in memory), then each lead is decided: ready to send,
`skipped` by the mode or `unchanged`. The report gets the `existing` and `changes` columns; the
payloads file holds the requests that would really be sent, after the overwrite rules.
"""

from __future__ import annotations

import sys

from telecrm_desktop.cli import EXIT_OK, EXIT_ROWS_NEED_ATTENTION, UsageError, existing
from telecrm_desktop.cli.output import Progress, summary_line
from telecrm_desktop.core.check import json_text
from telecrm_desktop.core.send.import_modes import SEND, DecisionCounts, ImportRules
from telecrm_desktop.core.check.merge import LeadMerger
from telecrm_desktop.core.check.pipeline import INVALID, READY
from telecrm_desktop.core.check.report import ReportWriter, findings_text, write_payloads
from telecrm_desktop.core.workspace.lookup import LookupStopped
from telecrm_desktop.core.workspace.lookup_record import LookupRecord

_RUN = 0  # the in-memory record holds one run


def run_with_lookup(args, given, access: existing.SyncAccess) -> int:
    merger = LeadMerger(mode="bounded")
    rows: list[tuple] = []  # (row, identifier, key, errors, warnings)
    progress = Progress("checking")
    try:
        for result in given.checked(progress):
            if result.key is not None:
                merger.add_text(result.key, result.row, result.identifier, result.body_json)
            rows.append((result.row, result.identifier, result.key, result.errors, result.warnings))
    finally:
        progress.close()
    try:
        return _look_up_and_report(args, given, access, merger, rows)
    finally:
        merger.close()


def _look_up_and_report(args, given, access, merger: LeadMerger, rows: list[tuple]) -> int:
    record = LookupRecord.in_memory()
    try:
        existing.look_up(access, [lead.identifier for lead in merger.leads()], record, _RUN, given.mapping,
                         given.schema)
    except LookupStopped as exc:
        raise UsageError(f"the existing leads could not be looked up: {exc}") from None
    rules = ImportRules.for_mapping(given.mapping, given.schema, mode=args.mode)
    counts = DecisionCounts()
    decided: dict[str, tuple[str, str, str, str]] = {}  # lead identifier -> (status, reason, existing, changes)
    payloads: list[str] = []
    for lead, decision in existing.decisions(merger.leads(), record, _RUN, rules, counts):
        status = READY if decision.status == SEND else decision.status
        decided[lead.identifier] = (status, decision.reason, "yes" if decision.existing else "no",
                                    decision.changes_text)
        if decision.status == SEND and args.payloads:
            payloads.append(json_text.dumps({"rows": list(lead.rows), "identifier": lead.identifier,
                                             "body": decision.body}))
    statuses: dict[str, int] = {READY: 0, INVALID: 0}
    report = _open(args.report)
    try:
        for row, identifier, key, errors, warnings in rows:
            lead = merger.identifier_of(key) if key is not None else None
            if lead is None:
                status, reason, found, changes = INVALID, findings_text(errors), "", ""
            else:
                status, reason, found, changes = decided[lead]
            statuses[status] = statuses.get(status, 0) + 1
            if report is not None:
                report.write(row, identifier, status, reason, findings_text(warnings) if warnings else "",
                             found, changes)
    except OSError as exc:
        raise UsageError(f"cannot write the report {args.report}: {exc.strerror or exc}") from None
    finally:
        if report is not None:
            report.close()
    if args.payloads:
        try:
            write_payloads(args.payloads, payloads)
        except OSError as exc:
            raise UsageError(f"cannot write the payloads {args.payloads}: {exc.strerror or exc}") from None
    print(f"existing leads: {counts.sentence()}", file=sys.stderr)
    print(summary_line("check", statuses, always=(READY, INVALID), leads=merger.lead_count,
                       merged=merger.merged_rows))
    return EXIT_ROWS_NEED_ATTENTION if statuses[INVALID] else EXIT_OK


def _open(path: str | None) -> ReportWriter | None:
    if not path:
        return None
    try:
        return ReportWriter(path, extra_columns=("existing", "changes"))
    except OSError as exc:
        raise UsageError(f"cannot write the report {path}: {exc.strerror or exc}") from None
