"""telecrm-import check: read, map and validate a sheet; send nothing.

Exit 0 when every row is ready, 1 when any row is invalid, 2 when the command, the sheet, the
template or the schema cannot be used. The report is written as the rows are checked and the
leads are kept compactly (see core/check/merge.py), so a million-row file is checked in bounded memory.
"""

from __future__ import annotations

import sys

from telecrm_desktop.cli import EXIT_OK, EXIT_ROWS_NEED_ATTENTION, UsageError, existing
from telecrm_desktop.cli.output import Progress, summary_line
from telecrm_desktop.cli.pipeline_input import open_input
from telecrm_desktop.core.check.merge import LeadMerger
from telecrm_desktop.core.check.pipeline import INVALID, READY
from telecrm_desktop.core.check.report import ReportWriter, write_payloads

SHOWN_INVALID = 10  # invalid rows listed on standard error when no --report is written


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "check", help="read, map and validate a sheet without sending anything",
        description="Read FILE with the mapping template, convert every value and report each row as "
        "ready or invalid. Nothing is sent.",
    )
    parser.add_argument("file", metavar="FILE", help="the lead sheet (.xlsx, .xls, .ods, .csv ...)")
    parser.add_argument("--mapping", metavar="MAP.json", required=True, help="the mapping template")
    parser.add_argument("--enterprise", metavar="ID",
                        help="check against this workspace's newest pulled schema")
    parser.add_argument("--schema", metavar="FILE", help="check against this workspace schema file")
    parser.add_argument("--payloads", metavar="OUT.jsonl", help="write one JSON request per lead")
    parser.add_argument("--report", metavar="REPORT.csv", help="write one line per source data row")
    parser.add_argument("--existing", action="store_true",
                        help="look the leads up in telecrm (Sync token): report which exist and what would change")
    existing.add_mode_argument(parser)
    parser.add_argument("--sync-url", metavar="URL", help="the Sync API root (default: $TELECRM_SYNC_URL, "
                        "else https://next.telecrm.in/autoupdate/v2)")
    parser.set_defaults(run=run)
    return parser


def _open_report(path: str | None) -> ReportWriter | None:
    if not path:
        return None
    try:
        return ReportWriter(path)
    except OSError as exc:
        raise UsageError(f"cannot write the report {path}: {exc.strerror or exc}") from None


def run(args) -> int:
    given = open_input(args)
    if existing.needed(args, given.mapping):
        from telecrm_desktop.cli.check_existing import run_with_lookup

        return run_with_lookup(args, given, existing.sync_access(args, args.enterprise, given.mapping))
    report = _open_report(args.report)
    merger = LeadMerger(mode="bounded" if args.payloads else "count")
    counts = {READY: 0, INVALID: 0}
    shown = 0
    progress = Progress("checking")
    try:
        for result in given.checked(progress, bodies=bool(args.payloads)):
            counts[result.status] += 1
            if result.key is not None:
                merger.add_text(result.key, result.row, result.identifier, result.body_json)
            if report is not None:
                report.write_result(result)
            elif result.errors and shown < SHOWN_INVALID:
                shown += 1
                progress.close()
                print(result.errors[0].message, file=sys.stderr)
        progress.close()
        if report is not None:
            report.close()
        if args.payloads:
            try:
                write_payloads(args.payloads, merger.payload_lines())
            except OSError as exc:
                raise UsageError(f"cannot write the payloads {args.payloads}: {exc.strerror or exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot write the report {args.report}: {exc.strerror or exc}") from None
    finally:
        if report is not None:
            report.close()
        leads, merged = (merger.lead_count, merger.merged_rows)
        merger.close()
    if report is None and counts[INVALID] > shown:
        print(f"... and {counts[INVALID] - shown:,} more invalid rows (write them all with --report FILE)",
              file=sys.stderr)
    print(summary_line("check", counts, always=(READY, INVALID), leads=leads, merged=merged))
    return EXIT_ROWS_NEED_ATTENTION if counts[INVALID] else EXIT_OK
