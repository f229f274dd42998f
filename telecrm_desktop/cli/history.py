"""telecrm-import history: the send runs the journal remembers, with counts and result files."""

from __future__ import annotations

import sys

from telecrm_desktop.cli import UsageError
from telecrm_desktop.core import paths
from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.core.send import outcomes
from telecrm_desktop.core.addresses import check_enterprise_id


def add_parser(subparsers):
    parser = subparsers.add_parser("history", help="list earlier send runs, their counts and result files")
    parser.add_argument("--enterprise", metavar="ID", help="only the runs of this workspace")
    parser.set_defaults(run=run)
    return parser


def format_counts(counts: dict[str, int]) -> str:
    known = [f"{counts[s]} {s}" for s in outcomes.REPORT_ORDER if counts.get(s)]
    other = [f"{n} {s}" for s, n in sorted(counts.items()) if s not in outcomes.REPORT_ORDER and n]
    return ", ".join(known + other) or "no rows"


def landed_text(record: dict) -> str:
    """The post-import check kept with a run (LandedReport.to_dict() plus when), as one line."""
    from telecrm_desktop.core.workspace.landed import LandedReport

    when = record.get("checked_at")
    return LandedReport.from_dict(record).summary() + (f" (checked {when})" if when else "")


def run(args) -> int:
    enterprise = None
    if args.enterprise:
        try:
            enterprise = check_enterprise_id(args.enterprise)
        except ValueError as exc:
            raise UsageError(f"--enterprise: {exc}") from None
    path = paths.journal_path()
    if not path.exists():
        print("No send runs yet.")
        return 0
    with Journal(path) as journal:
        if journal.replaced:  # a damaged journal was set aside: its runs are in the copy
            print(f"telecrm-import: {journal.replaced}", file=sys.stderr)
        runs = journal.runs(enterprise)
        for r in runs:
            counts = r.counts if r.state != "open" else journal.row_counts(r.id)
            state = {"open": "unfinished", "finished": "finished", "stopped": "stopped"}.get(r.state, r.state)
            if r.stop_reason:
                state += f" ({r.stop_reason})"
            print(f"run {r.id}  {r.started_at}  enterprise {r.enterprise_id}  {state}")
            print(f"    file: {r.file_path}")
            print(f"    rows: {format_counts(counts)}")
            if r.results_dir:
                print(f"    results: {r.results_dir}")
            if r.landed:
                print(f"    landed: {landed_text(r.landed)}")
    if not runs:
        print("No send runs yet" + (f" for enterprise {enterprise}." if enterprise else "."))
    print(f"{len(runs)} run(s) in {path}", file=sys.stderr)
    return 0
