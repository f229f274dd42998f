"""The one place where the GUI meets the core's pipeline, journal and engine: it calls them and
reshapes their answers for the views. No rule lives here: validation, merging, request bodies,
fingerprints, pacing and outcomes all come from the core."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from telecrm_desktop.core import paths
from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.gui.models.edited_table import EditedTable, corrected_row
from telecrm_desktop.gui.bridge.gil import taking_turns
from telecrm_desktop.gui.models.review_model import RowCheck, row_check_from_findings

# scaled-down rate windows for tests and the sandbox, as the command line honours them
WINDOW_ENV = "TELECRM_RATE_WINDOW_SECONDS"


# ----- checking -----------------------------------------------------------------------------

@dataclass
class CheckView:
    """A full check reduced to what the review screen shows."""

    checks: dict[int, RowCheck]
    merged_into: dict[int, int]  # row number -> first row of the lead it was merged into
    lead_of_row: dict[int, object] = field(default_factory=dict)  # row number -> core Lead
    lead_count: int = 0
    merged_rows: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)

    def request_json(self, number: int) -> str | None:
        lead = self.lead_of_row.get(number)
        if lead is None:
            return None
        rows = list(lead.rows)
        head = f"// rows {', '.join(map(str, rows))} merged into one lead\n" if len(rows) > 1 else ""
        return head + json.dumps(lead.body, indent=2, ensure_ascii=False)


def check_view(result) -> CheckView:
    checks: dict[int, RowCheck] = {}
    for rr in taking_turns(result.rows):  # in a worker thread beside the GUI's
        findings = list(rr.errors) + list(rr.warnings)
        checks[rr.row] = row_check_from_findings(rr.status, findings, rr.identifier or "")
    merged_into: dict[int, int] = {}
    lead_of_row: dict[int, object] = {}
    merged = 0
    for lead in taking_turns(result.leads):
        rows = list(lead.rows)
        for number in rows:
            lead_of_row[number] = lead
        if len(rows) > 1:
            merged += len(rows) - 1
            for number in rows[1:]:
                merged_into[number] = rows[0]
            merged_into[rows[0]] = rows[1]
    counts: dict[str, int] = {}
    for check in taking_turns(checks.values(), 2048):
        counts[check.status] = counts.get(check.status, 0) + 1
    return CheckView(checks, merged_into, lead_of_row, len(result.leads), merged, counts)


def convert_context(mapping):
    from telecrm_desktop.core.check.pipeline import context_of

    return context_of(mapping)


def check_one_row(session, row) -> RowCheck:
    """The row with the user's corrections, checked by the core on its own."""
    from telecrm_desktop.core.check.pipeline import convert_row

    headers = session.sheet.table.headers
    fixed = corrected_row(row, headers, session.edits.get(row.number))
    rr = convert_row(fixed, headers, session.mapping, convert_context(session.mapping), session.schema)
    return row_check_from_findings(rr.status, list(rr.errors) + list(rr.warnings), rr.identifier or "")


_FIXABLE = ("dropdown.", "status.", "lost_reason.", "assignee.")


def suggested_value(session, column: str, problem) -> str | None:
    """The workspace's nearest real value for a rejected label (core.workspace.schema_rules), if any."""
    schema, mapping = session.schema, session.mapping
    if schema is None or mapping is None or not problem.rule.startswith(_FIXABLE) or problem.value is None:
        return None
    from telecrm_desktop.core.workspace.schema_rules import SchemaRules

    rules = SchemaRules(schema)
    found = None
    if problem.rule.startswith("dropdown."):
        for target in mapping.columns.get(column, []):
            if target.is_field and target.field_name in schema.fields:
                found = rules.dropdown_problem(target.field_name, problem.value)
                if found is not None:
                    break
    elif problem.rule.startswith("status."):
        found = rules.status_problem(problem.value)
    elif problem.rule.startswith("lost_reason."):
        found = rules.lost_reason_problem(problem.value)
    elif problem.rule.startswith("assignee."):
        found = rules.assignee_problem(problem.value)
    return getattr(found, "suggestion", None)


# ----- workspace ----------------------------------------------------------------------------

@dataclass
class Destination:
    enterprise_id: str
    base_url: str
    tokens: list  # core secrets.Token


def destination(workspace) -> Destination:
    from telecrm_desktop.core import secrets

    if workspace.use_sandbox:
        from telecrm_desktop.gui.bridge.sandbox_link import sandbox_destination

        return sandbox_destination()
    enterprise = secrets.check_enterprise_id(workspace.enterprise_id)
    tokens = secrets.load_async_tokens(enterprise)
    if not tokens:
        raise secrets.SecretsError(
            f"there is no Async token for workspace {enterprise}: add one on the Workspace step")
    return Destination(enterprise, workspace.base_url, tokens)


# ----- sending ------------------------------------------------------------------------------

def _fingerprint_source(session) -> dict:
    """The template plus the user's corrections: another set of corrections is another run."""
    return {
        "template": session.template or {},
        "edits": {str(k): {c: str(v) for c, v in sorted(cols.items())} for k, cols in sorted(session.edits.items())},
        "excluded": sorted(session.excluded),
    }


def _minutes_text(seconds: float) -> str:
    if seconds >= 120 and seconds % 60 == 0:
        return f"{int(seconds // 60)} minutes"
    return f"{seconds:g} seconds"


def stop_reason(stopped: str | None, unreachable_limit: float = 600.0) -> str | None:
    """Why a run stopped (core engine's STOP_* code), as the journal keeps it and the history shows it
    after "stopped": plain words for a sales-ops person, saying what became of the unsent leads."""
    from telecrm_desktop.core.send.engine import STOP_CANCELLED, STOP_NO_TOKEN, STOP_UNREACHABLE

    if stopped is None:
        return None
    return {
        STOP_NO_TOKEN: "telecrm refused every token",
        STOP_UNREACHABLE: (f"telecrm could not be reached for {_minutes_text(unreachable_limit)}; the leads not "
                           "sent yet are kept and go out when you continue the run"),
        STOP_CANCELLED: "you cancelled it; the leads not sent yet are kept and go out when you continue the run",
    }.get(stopped, stopped)


class RunElsewhere(Exception):
    """A past run belongs to another workspace than the one chosen."""


class SendJob:
    """One send: the journal run it fills or resumes, the engine that sends it, the files it leaves."""

    def __init__(self, journal: Journal, run_id: int, dest: Destination, settings, total: int, session):
        self.journal, self.run_id, self.dest = journal, run_id, dest
        self.settings, self.total, self.session = settings, total, session

    @classmethod
    def prepare(cls, session, *, run_id=None, send_all=False, resend_uncertain=False,
                on_event: Callable[[str], None] | None = None) -> "SendJob":
        from telecrm_desktop.core.send import runs
        from telecrm_desktop.core.send.engine import SendSettings

        ws = session.workspace
        dest = destination(ws)
        journal = Journal(paths.journal_path())
        try:
            if run_id is not None:
                run = journal.run(run_id)
                if run.enterprise_id != dest.enterprise_id:
                    raise RunElsewhere(
                        f"Run {run_id} was sent to workspace {run.enterprise_id}; choose that workspace on "
                        "the Workspace step to continue it.")
                journal.reopen_run(run_id)
                sheet = session.sheet
                same_file = sheet is not None and str(Path(sheet.path).resolve()) == run.file_path
            else:
                check = session.check
                if check is None:
                    raise RuntimeError("the rows have not been checked yet")
                sheet = session.sheet
                prepared = runs.open_run(
                    journal, enterprise_id=dest.enterprise_id, file_path=sheet.path,
                    file_fp=runs.file_fingerprint(sheet.path),
                    template_fp=runs.template_fingerprint(_fingerprint_source(session)),
                )
                run_id = prepared.run.id
                same_file = True
                if prepared.resumed and on_event:
                    on_event(f"Continuing run {run_id} of this file, started {prepared.run.started_at[:16].replace('T', ' ')}.")
                from telecrm_desktop.gui.existing_leads import add_leads_to_run  # modes, overwrite rules

                add_leads_to_run(session, journal, run_id, dest.enterprise_id, check.leads, send_all=send_all)
                lead_id = {n: l.identifier for l in check.leads for n in l.rows}
                journal.add_rows(run_id, (
                    runs.row_record(rr.row, rr.identifier, lead_id.get(rr.row), rr.errors, rr.warnings)
                    for rr in check.rows
                ))
            settings = SendSettings(rate_per_hour=ws.rate_per_hour, share=ws.budget_share / 100,
                                    resend_uncertain=resend_uncertain, progress_interval=0.1)
            if os.environ.get(WINDOW_ENV):
                settings.window = float(os.environ[WINDOW_ENV])
            if ws.use_sandbox:
                from telecrm_desktop.gui.bridge.sandbox_link import tune_for_sandbox

                tune_for_sandbox(settings)
            total = journal.count_to_send(run_id, resend_uncertain=resend_uncertain)
            unchanged = journal.lead_counts(run_id).get("unchanged", 0)
        except BaseException:
            journal.close()
            raise
        job = cls(journal, run_id, dest, settings, total, session)
        job.unchanged = unchanged
        job.same_file = same_file
        return job

    unchanged = 0
    reason: str | None = None  # why the run stopped, once finish() has run (see stop_reason)

    def pace_text(self) -> str:
        from telecrm_desktop.core.send.pacing import run_limit

        s = self.settings
        per_token = run_limit(s.rate_per_hour, s.share)
        if s.window == 3600.0:
            return f"each at most {per_token:,} requests an hour ({s.share:.0%} of {s.rate_per_hour:,})"
        return f"each at most {per_token:,} requests per {s.window:g} s"

    def token_names(self) -> list[tuple[str, str]]:
        return [(t.label, t.masked) for t in self.dest.tokens]

    def run(self, control, *, on_progress, on_event):
        """The core engine, in a child process (see engine_process) so the window stays smooth."""
        from telecrm_desktop.gui.bridge.engine_process import run_in_process

        return run_in_process(
            journal_path=paths.journal_path(), run_id=self.run_id, enterprise_id=self.dest.enterprise_id,
            base_url=self.dest.base_url, tokens=self.dest.tokens, settings=self.settings,
            control=control, on_progress=on_progress, on_event=on_event,
        )

    def finish(self, summary) -> dict[str, int]:
        """Write the result files, close the run in the journal; returns rows per status."""
        from telecrm_desktop.core.send import runs
        from telecrm_desktop.gui.existing_leads import run_existing_map

        folder = paths.run_dir(self.run_id)
        table = self.session.sheet.table if self.session.sheet else None
        if table is not None and self.same_file:
            data_rows = EditedTable.from_session(self.session).rows()
            runs.write_results(self.journal, self.run_id, folder, headers=table.headers, data_rows=data_rows,
                               raw_headers=table.raw_headers, header_row=table.header_row,
                               existing=run_existing_map(self.journal, self.run_id))
        else:
            # a past run continued without its sheet open: outcomes only, no original cells
            runs.write_results(self.journal, self.run_id, folder, headers=[], data_rows=())
        state = "stopped" if summary.stopped else "finished"
        reason = self.reason = stop_reason(summary.stopped, self.settings.unreachable_limit)
        info = self.journal.end_run(self.run_id, state, reason, str(folder))
        return dict(info.counts)

    def close(self) -> None:
        self.journal.close()


# ----- history ------------------------------------------------------------------------------

def past_runs() -> list:
    with Journal(paths.journal_path()) as journal:
        return journal.runs()


def run_outcomes(run_id: int) -> list:
    from telecrm_desktop.gui.existing_leads import with_created_or_updated

    with Journal(paths.journal_path()) as journal:
        return with_created_or_updated(journal, run_id, list(journal.row_outcomes(run_id)))


def result_files(run) -> list[Path]:
    if not run.results_dir:
        raise FileNotFoundError(f"run {run.id} has no result files yet")
    folder = Path(run.results_dir)
    files = [folder / n for n in ("results.csv", "results.xlsx", "needs-attention.xlsx")]
    return [f for f in files if f.exists()] or sorted(p for p in folder.iterdir() if p.is_file())


# ----- post-import check ---------------------------------------------------------------------

def queued_identifiers(run_id: int) -> set[str]:
    with Journal(paths.journal_path()) as journal:
        return set(journal.queued_identifiers(run_id))


def keep_landed(run_id: int, report) -> None:
    """Keep a post-import check (core.workspace.landed.LandedReport) with its run, as `send --verify-landed` does."""
    import datetime as dt

    record = {**report.to_dict(), "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    with Journal(paths.journal_path()) as journal:
        journal.set_landed(run_id, record)


def landed_text(record: dict) -> str:
    """A kept post-import check in one sentence: '18 of 18 leads checked landed ... (checked 2026-11-24 08:40)'."""
    from telecrm_desktop.core.workspace.landed import LandedReport

    text = LandedReport.from_dict(record).summary()
    when = str(record.get("checked_at") or "")[:16].replace("T", " ")
    return text + (f" (checked {when} UTC)" if when else "")
