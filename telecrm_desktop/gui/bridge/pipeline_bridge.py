"""The one place where the GUI meets the core's pipeline, journal and engine: it calls them and
reshapes their answers for the views. No rule lives here: validation, merging, request bodies,
fingerprints, pacing and outcomes all come from the core.

Over 400 lines: a send job prepares, resumes, finishes and records a run in one class, and the
history and landed-check helpers read the same journal rows; split, each half would reach into
the other's state.
"""

from __future__ import annotations

import json
import os
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from telecrm_desktop.core import paths
from telecrm_desktop.core.send import run_claim
from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.gui.bridge.destination import Destination
from telecrm_desktop.gui.models.edited_table import EditedTable, corrected_row
from telecrm_desktop.gui.bridge.gil import taking_turns
from telecrm_desktop.gui.network_settings import network_settings
from telecrm_desktop.gui.models.review_model import RowCheck, row_check_from_findings
from telecrm_desktop.gui.bridge.recorded_run import excluded_ranges, recorded_file, run_source

# scaled-down rate windows for tests and the sandbox, as the command line honours them
WINDOW_ENV = "TELECRM_RATE_WINDOW_SECONDS"


# ----- checking -----------------------------------------------------------------------------

@dataclass
class CheckView:
    """A whole-sheet check (core.check.sheet_check.SheetCheck) with what the review screen needs at
    once, worked out in the checking thread: the rows per filter as positions in the sheet's row
    store, and which rows were merged."""

    sheet: object  # core SheetCheck
    problem_positions: array  # positions (in the row store) of rows with an error or a warning
    invalid_positions: array
    lead_count: int = 0
    merged_rows: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    session: object = None  # the ImportSession whose rows and corrections the check read

    @property
    def merged_into(self) -> dict[int, int]:
        return _MergedInto(self.sheet)

    def request_json(self, number: int) -> str | None:
        """The request of the lead row `number` belongs to, built again by the core from its rows
        (the check keeps leads as JSON text in a spool, not per row)."""
        from telecrm_desktop.core.check.merge import LeadMerger

        session = self.session
        rows = self.sheet.lead_rows(number)
        store = session.sheet.rows if session.sheet is not None else None
        if store is None:
            return None
        merger = LeadMerger(mode="memory")
        for n in rows:
            position = store.position_of(n)
            if position is not None:
                merger.add(_convert(session, store[position]))
        lead = next(merger.leads(), None)
        if lead is None:
            return None
        head = f"// rows {', '.join(map(str, lead.rows))} merged into one lead\n" if len(lead.rows) > 1 else ""
        return head + json.dumps(lead.body, indent=2, ensure_ascii=False)


class _MergedInto:
    """Row number -> the row it is merged with (a lead's later rows: its first row; its first row:
    the second), read from the check's groups."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet

    def __contains__(self, number: int) -> bool:
        return number in self.sheet.first_row_of or number in self.sheet.groups

    def __getitem__(self, number: int) -> int:
        first = self.sheet.first_row_of.get(number)
        if first is not None:
            return first
        return self.sheet.groups[number][1]


def check_view(sheet, store) -> CheckView:
    """Runs in the checking thread: the filters' rows as store positions."""
    def positions(numbers) -> array:
        found = array("q")
        if len(numbers) == len(store):
            found.extend(range(len(store)))  # every row: positions are indexes
            return found
        position_of = store.position_of
        for number in taking_turns(numbers, 4096):
            position = position_of(number)
            if position is not None:
                found.append(position)
        return found

    from telecrm_desktop.core.check.sheet_check import INVALID, WARNING

    return CheckView(sheet, positions(sheet.numbers_with(INVALID, WARNING)), positions(sheet.numbers_with(INVALID)),
                     sheet.lead_count, sheet.merged_rows, dict(sheet.status_counts))


def convert_context(mapping):
    from telecrm_desktop.core.check.pipeline import context_of

    return context_of(mapping)


def check_one_row(session, row) -> RowCheck:
    """The row with the user's corrections, checked by the core on its own."""
    rr = _convert(session, row)
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

def destination(workspace) -> Destination:
    from telecrm_desktop.core import secrets
    from telecrm_desktop.core.addresses import check_enterprise_id

    if workspace.use_sandbox:
        from telecrm_desktop.gui.bridge.sandbox_link import sandbox_destination

        return sandbox_destination()
    enterprise = check_enterprise_id(workspace.enterprise_id)
    tokens = secrets.load_async_tokens(enterprise)
    if not tokens:
        raise secrets.SecretsError(
            f"there is no Async token for workspace {enterprise}: add one on the Workspace step")
    address = workspace.async_address()
    if address.problem():  # said as a sentence on the Workspace step too
        raise secrets.SecretsError(address.problem())
    return Destination(enterprise, address.url, tokens)


# ----- sending ------------------------------------------------------------------------------

def _fingerprint_source(session, left_out: list[list[int]] | None = None) -> dict:
    """The template plus the user's corrections: another set of corrections is another run.
    `left_out`: excluded_ranges(session), when the caller has it already."""
    return {
        "template": session.template or {},
        "edits": {str(k): {c: str(v) for c, v in sorted(cols.items())} for k, cols in sorted(session.edits.items())},
        "excluded": excluded_ranges(session) if left_out is None else left_out,
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


def _session_holds_run(session, run) -> bool:
    """The file open in the app is the run's file, read and corrected the same way."""
    from telecrm_desktop.core.send import runs

    sheet = session.sheet
    if sheet is None or session.check is None or str(Path(sheet.path).resolve()) != run.file_path:
        return False
    try:
        return (runs.file_fingerprint(sheet.path) == run.file_fingerprint
                and runs.template_fingerprint(_fingerprint_source(session)) == run.template_fingerprint)
    except OSError:
        return False


def _left_out_records(check):
    """The rows the person left out, with their identifier and name as the check read them."""
    from telecrm_desktop.core.send import runs

    for verdict in check.verdicts(left_out=True):
        yield runs.left_out_record(verdict.row, verdict.identifier, verdict.name)


def _convert(session, row):
    from telecrm_desktop.core.check.pipeline import convert_row

    headers = session.sheet.table.headers
    fixed = corrected_row(row, headers, session.edits.get(row.number))
    return convert_row(fixed, headers, session.mapping, convert_context(session.mapping), session.schema)


@dataclass
class RunNumbers:
    """A run's leads as the journal counts them when a send starts: the screen adds this session's
    outcomes to them, so Cancel -> Continue goes on counting instead of starting at zero."""

    leads: int = 0  # every lead of the run
    queued: int = 0
    unchanged: int = 0
    failed: int = 0  # failed before, and not sent again this time
    uncertain: int = 0  # uncertain before, and not sent again this time
    to_send: int = 0

    @classmethod
    def of(cls, counts: dict, to_send: int, resend_uncertain: bool) -> "RunNumbers":
        return cls(leads=sum(counts.values()), queued=counts.get("queued", 0), unchanged=counts.get("unchanged", 0),
                   failed=0, uncertain=0 if resend_uncertain else counts.get("uncertain", 0), to_send=to_send)

    @property
    def done_before(self) -> int:
        return self.leads - self.to_send


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
        claim = None  # one sender per sheet (core.send.run_claim): RunBusy says another window has it
        if journal.replaced and on_event:  # a damaged journal was set aside: say so once
            on_event(journal.replaced[:1].upper() + journal.replaced[1:] + ".")
        try:
            note = None
            if run_id is not None:
                run = journal.run(run_id)
                if run.enterprise_id != dest.enterprise_id:
                    raise RunElsewhere(
                        f"Run {run_id} was sent to workspace {run.enterprise_id}; choose that workspace on "
                        "the Workspace step to continue it.")
                claim = run_claim.claim_sheet(journal.path, run.enterprise_id, run.file_fingerprint,
                                              run.template_fingerprint)
                journal.reopen_run(run_id)
                same_file = _session_holds_run(session, run)
                recorded = None if same_file else recorded_file(run)
                note = recorded.sentence if recorded is not None else None
                if note and on_event:
                    on_event(note)
            else:
                check = session.check
                if check is None:
                    raise RuntimeError("the rows have not been checked yet")
                sheet = session.sheet
                file_fp = runs.file_fingerprint(sheet.path)
                left_out = excluded_ranges(session)  # walked once, for the fingerprint and the run's source
                template_fp = runs.template_fingerprint(_fingerprint_source(session, left_out))
                claim = run_claim.claim_sheet(journal.path, dest.enterprise_id, file_fp, template_fp)
                prepared = runs.open_run(journal, enterprise_id=dest.enterprise_id, file_path=sheet.path,
                                         file_fp=file_fp, template_fp=template_fp)
                run_id = prepared.run.id
                same_file, recorded = True, None
                journal.set_source(run_id, run_source(session, left_out))
                if prepared.resumed and on_event:
                    on_event(f"Continuing run {run_id} of this file, started {prepared.run.started_at[:16].replace('T', ' ')}.")
                from telecrm_desktop.gui.bridge.existing_leads import add_leads_to_run  # modes, overwrite rules

                add_leads_to_run(session, journal, run_id, dest.enterprise_id, check.leads, send_all=send_all)
                from telecrm_desktop.gui.widgets.send_without import dropped_notes

                journal.add_rows(run_id, (
                    runs.row_record(v.row, v.identifier, check.lead_identifier(v), v.errors,
                                    list(v.warnings) + dropped_notes(session, v.row), name=v.name)
                    for v in check.verdicts()
                ))
                journal.add_rows(run_id, _left_out_records(check))
            # leads a killed run left on their way, settled before counting so the screen's numbers add up
            recovered = journal.recover_interrupted(run_id)
            if recovered and on_event:
                on_event(f"{recovered:,} lead(s) with actions were on their way when the program stopped; they "
                         "are uncertain and sent again only when you choose Re-send uncertain.")
            settings = SendSettings(rate_per_hour=ws.rate_per_hour, share=ws.budget_share / 100,
                                    resend_uncertain=resend_uncertain, progress_interval=0.1,
                                    # the sandbox is on this computer: never through the office proxy
                                    network=None if ws.use_sandbox else network_settings())
            if os.environ.get(WINDOW_ENV):
                settings.window = float(os.environ[WINDOW_ENV])
            if ws.use_sandbox:
                from telecrm_desktop.gui.bridge.sandbox_link import tune_for_sandbox

                tune_for_sandbox(settings)
            total = journal.count_to_send(run_id, resend_uncertain=resend_uncertain)
            before = journal.lead_counts(run_id)
        except BaseException:
            if claim is not None:
                claim.release()
            journal.close()
            raise
        job = cls(journal, run_id, dest, settings, total, session)
        job.claim = claim
        job.unchanged = before.get("unchanged", 0)
        job.before = RunNumbers.of(before, total, resend_uncertain)
        job.same_file, job.recorded, job.note = same_file, recorded, note
        return job

    unchanged = 0
    same_file = True
    recorded = None  # recorded_run.RecordedFile of a past run continued without its file open
    before = None  # RunNumbers when the send started
    note: str | None = None  # one sentence when a past run's file moved or changed
    final_lead_counts: dict | None = None  # leads per status once the run ended (rows are in finish's answer)
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
        folder = paths.run_dir(self.run_id)
        self._write_results(folder)
        state = "stopped" if summary.stopped else "finished"
        reason = self.reason = stop_reason(summary.stopped, self.settings.unreachable_limit)
        info = self.journal.end_run(self.run_id, state, reason, str(folder))
        self.final_lead_counts = self.journal.lead_counts(self.run_id)
        return dict(info.counts)

    claim = None  # core.send.run_claim.RunClaim, held from prepare() to close()

    def _write_results(self, folder) -> None:
        """The result files, with the sheet's cells whenever they can still be read."""
        from telecrm_desktop.core.send import runs
        from telecrm_desktop.gui.bridge.existing_leads import run_existing_map
        from telecrm_desktop.gui.bridge.results_process import write_results_in_process

        table = self.session.sheet.table if self.session.sheet else None
        recorded = self.recorded
        with_cells = (table is not None and self.same_file) or (recorded is not None and recorded.rows is not None)
        # in a child process: minutes of work for a million rows, never beside the window's thread
        if with_cells and write_results_in_process(paths.journal_path(), self.run_id, folder)[0] == "done":
            return
        if table is not None and self.same_file:  # the child could not (the file changed, or it failed)
            edited = EditedTable.from_session(self.session)
            edited.excluded = set()  # left-out rows keep their cells in the result files
            runs.write_results(self.journal, self.run_id, folder, headers=table.headers, data_rows=edited.rows(),
                               raw_headers=table.raw_headers, header_row=table.header_row,
                               existing=run_existing_map(self.journal, self.run_id))
            return
        if recorded is not None and recorded.rows is not None and self._write_from_recorded(folder):
            return
        # a past run continued without its sheet open: outcomes only, no original cells
        runs.write_results(self.journal, self.run_id, folder, headers=[], data_rows=())

    def _write_from_recorded(self, folder) -> bool:
        """The run's own file, read again; False when it changed meanwhile (outcomes only, then)."""
        from telecrm_desktop.core.send import runs
        from telecrm_desktop.core.sources.table import SourceError

        recorded = self.recorded
        try:
            runs.write_results(self.journal, self.run_id, folder, headers=recorded.headers,
                               data_rows=recorded.rows(), raw_headers=recorded.raw_headers,
                               header_row=recorded.header_row)
        except SourceError as exc:  # e.g. saved over in Excel while the run was sending
            self.note = f"The result files list outcomes without the file's cells: {exc}"
            return False
        return True

    def close(self) -> None:
        try:
            self.journal.close()
        finally:
            if self.claim is not None:
                self.claim.release()


# ----- history ------------------------------------------------------------------------------

def past_runs(enterprise_id: str | None = None) -> list:
    """The runs of one workspace (every run when None), newest last as the journal keeps them."""
    with Journal(paths.journal_path()) as journal:
        runs = journal.runs(enterprise_id)
        for run in runs:
            if run.state == "open":  # being sent, or killed mid-run: its counts are kept only at its end
                run.counts = journal.row_counts(run.id)
        return runs


def workspace_enterprise(workspace) -> str | None:
    """The enterprise ID the chosen workspace sends to (the sandbox's own in sandbox mode), or None
    while no valid one is set."""
    from telecrm_desktop.core.addresses import ENTERPRISE_ID

    if workspace.use_sandbox:
        from telecrm_desktop.gui.bridge.sandbox_link import sandbox_server

        return sandbox_server().enterprise_id
    text = workspace.enterprise_id.strip()
    return text.lower() if ENTERPRISE_ID.fullmatch(text) else None


def merges_text(run_id: int) -> str:
    """'25 rows became 24 leads: rows 7 and 19 were the same lead.' ('' when no rows were merged)."""
    with Journal(paths.journal_path()) as journal:
        rows, leads, groups, merged = journal.merges(run_id)
    if not groups:
        return ""
    parts = []
    for group in groups:
        numbers = [str(n) for n in group]
        listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
        parts.append(f"rows {listed} were the same lead")
    more = f" (and {merged - len(groups):,} more leads made of several rows)" if merged > len(groups) else ""
    return f"{rows:,} rows became {leads:,} leads: {'; '.join(parts)}{more}."


def result_files(run) -> list[Path]:
    if not run.results_dir:
        raise FileNotFoundError(f"run {run.id} has no result files yet")
    folder = Path(run.results_dir)
    files = [folder / n for n in ("results.csv", "results.xlsx", "needs-attention.xlsx")]
    return [f for f in files if f.exists()] or sorted(p for p in folder.iterdir() if p.is_file())


# ----- post-import check ---------------------------------------------------------------------

def landed_sample(run_id: int) -> tuple[set[str], int]:
    """The queued leads of the run a post-import check looks up, as the command line picks them."""
    from telecrm_desktop.core.send import runs

    with Journal(paths.journal_path()) as journal:
        return runs.landed_sample(journal, run_id)


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
