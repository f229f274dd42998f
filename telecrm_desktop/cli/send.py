"""telecrm-import send: check the file, then send every valid lead, paced, journalled, resumable.

Argument parsing and printing only: the pipeline builds the leads, core.send.runs and the engine
do the rest. Ctrl-C stops cleanly: requests on their way get their answers, the rest stays
`pending` for the next run of the same command.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from telecrm_desktop.cli import EXIT_NO_TOKEN_LEFT, EXIT_OK, EXIT_ROWS_NEED_ATTENTION, UsageError, existing
from telecrm_desktop.cli.output import Progress, note, plural, summary_line
from telecrm_desktop.core import paths
from telecrm_desktop.core.send import run_claim
from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.core.network import NetworkSettings, NetworkSettingsError, check_proxy, tls_context
from telecrm_desktop.core.send.results import write_report_csv
from telecrm_desktop.core.send import outcomes, runs
from telecrm_desktop.core.addresses import check_enterprise_id
from telecrm_desktop.cli.api_roots import async_root, sync_root
from telecrm_desktop.core.endpoints import SYNC_URL_ENV
from telecrm_desktop.core.send.client import DEFAULT_BASE_URL
from telecrm_desktop.core.send.engine import (
    STOP_CANCELLED, STOP_NO_TOKEN, STOP_UNREACHABLE, SendControl, SendEngine, SendProgress, SendSettings,
)
from telecrm_desktop.core.workspace.sync_client import DEFAULT_SYNC_URL
from telecrm_desktop.core.workspace.lookup_record import LookupRecord

# scaled-down rate windows for tests and the sandbox; not part of the user-facing contract
WINDOW_ENV = "TELECRM_RATE_WINDOW_SECONDS"
SHARE_ENV = "TELECRM_RATE_SHARE"


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "send", help="check a sheet and send its valid leads to telecrm",
        description="Check FILE with the template, then send every valid lead to telecrm's Async API, "
        "paced under each token's rate limit. Running the same command again resumes.",
    )
    parser.add_argument("file", metavar="FILE", help="the lead sheet (.xlsx, .xls, .ods, .csv ...)")
    parser.add_argument("--mapping", metavar="MAP.json", required=True, help="the mapping template")
    parser.add_argument("--enterprise", metavar="ID", required=True, help="the workspace's enterprise ID")
    parser.add_argument("--schema", metavar="FILE", help="a workspace schema file (default: the newest pulled)")
    parser.add_argument("--report", metavar="REPORT.csv", help="write one line per source row")
    parser.add_argument("--base-url", metavar="URL", help=f"the Async API root (default {DEFAULT_BASE_URL})")
    parser.add_argument("--rate-per-hour", metavar="N", type=int, default=18_000,
                        help="each token's limit of requests per hour (default 18000)")
    parser.add_argument("--send-all", action="store_true", help="also send leads whose request was queued before")
    parser.add_argument("--resend-uncertain", action="store_true",
                        help="send again leads with actions whose earlier request got no answer")
    parser.add_argument("--verify-landed", metavar="SECONDS", nargs="?", type=float, const=30.0, default=None,
                        help="after sending, wait SECONDS (default 30), then look the queued leads up with the "
                        "Sync token and report how many landed with the values sent")
    parser.add_argument("--sync-url", metavar="URL",
                        help=f"the Sync API root for --verify-landed and the lookup of existing leads (default: ${SYNC_URL_ENV}, else {DEFAULT_SYNC_URL})")
    existing.add_mode_argument(parser)
    parser.set_defaults(run=run)
    return parser


def _settings(args) -> SendSettings:
    if args.rate_per_hour < 1:
        raise UsageError(f"--rate-per-hour must be a positive number of requests, not {args.rate_per_hour}")
    settings = SendSettings(rate_per_hour=args.rate_per_hour, resend_uncertain=args.resend_uncertain)
    for env, attr in ((WINDOW_ENV, "window"), (SHARE_ENV, "share")):
        raw = os.environ.get(env)
        if raw:
            try:
                setattr(settings, attr, float(raw))
            except ValueError:
                raise UsageError(f"{env} must be a number, not {raw!r}") from None
    if not 0 < settings.share <= 1:
        raise UsageError(f"{SHARE_ENV} must be above 0 and at most 1, not {settings.share}")
    if settings.window <= 0:
        raise UsageError(f"{WINDOW_ENV} must be a positive number of seconds")
    settings.network = _network()
    return settings


def _network() -> NetworkSettings:
    """TELECRM_PROXY and TELECRM_CA_FILE, checked before anything is sent (HTTPS_PROXY is read as usual)."""
    network = NetworkSettings.from_environment()
    try:
        check_proxy(network.proxy)
        tls_context(network)
    except NetworkSettingsError as exc:
        raise UsageError(str(exc)) from None
    return network


def _tokens(enterprise: str):
    from telecrm_desktop.core import secrets

    try:
        tokens = secrets.load_async_tokens(enterprise)
    except secrets.SecretsError as exc:
        raise UsageError(str(exc)) from None
    if not tokens:
        raise UsageError(
            f"no Async token for enterprise {enterprise}: add one with "
            f"`telecrm-import tokens add --enterprise {enterprise}` or set {secrets.ASYNC_TOKENS_ENV}"
        )
    return tokens


def _progress_printer() -> tuple[Progress, object]:
    """Engine progress as output.Progress lines (leads answered of leads to send, and the rate)."""
    bar = Progress("sending")

    def show(p: SendProgress) -> None:
        bar(p.done, p.done / p.total if p.total else None)

    return bar, show


log = logging.getLogger("telecrm_desktop.send")


def _open_log() -> logging.Handler:
    """logs/send.log in the data folder: what each run did, for support (token values scrubbed)."""
    from telecrm_desktop.core.secrets import RedactTokens

    handler = logging.FileHandler(paths.private_file(paths.logs_dir() / "send.log"), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler.addFilter(RedactTokens())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def _event(message: str) -> None:
    log.info(message)
    note(message)


def run(args) -> int:
    from telecrm_desktop.cli import pipeline_input  # the check/send shared front half (reads the sheet)

    try:
        enterprise = check_enterprise_id(args.enterprise)
    except ValueError as exc:
        raise UsageError(f"--enterprise: {exc}") from None
    base_url = async_root(args.base_url)
    settings = _settings(args)
    if args.report and not Path(args.report).resolve().parent.is_dir():
        raise UsageError(f"cannot write the report {args.report}: its folder does not exist")
    tokens = _tokens(enterprise)
    landed_check = _landed_access(args, enterprise)  # before sending: a bad --sync-url is a usage error

    lookup_access = _lookup_access(args, enterprise)  # before reading the sheet: no Sync token is exit 2
    checked = pipeline_input.check_file(args, enterprise=enterprise)  # exit 2 on unreadable input
    if lookup_access is None and existing.needed(args, checked.mapping):  # the template was unreadable above
        lookup_access = existing.sync_access(args, enterprise, checked.mapping)
    file_fp = runs.file_fingerprint(args.file)
    template_fp = runs.template_fingerprint(checked.template)
    journal_path = paths.journal_path()
    # one sender per sheet: a second window, job or command line with the same sheet is refused here
    claim = run_claim.claim_sheet(journal_path, enterprise, file_fp, template_fp)
    try:
        return _send_claimed(args, checked, journal_path, enterprise, base_url, settings, tokens, landed_check,
                             file_fp, template_fp, lookup_access)
    finally:
        claim.release()


def _send_claimed(args, checked, journal_path, enterprise, base_url, settings, tokens, landed_check,
                  file_fp, template_fp, lookup_access) -> int:
    try:
        journal = Journal(journal_path)
    except sqlite3.Error as exc:
        raise UsageError(f"the journal {journal_path} cannot be opened ({exc}); move it away to start afresh") from None
    with journal:
        if journal.replaced:
            _event(journal.replaced)
        prepared = runs.open_run(journal, enterprise_id=enterprise, file_path=args.file, file_fp=file_fp,
                                 template_fp=template_fp)
        run_id = prepared.run.id
        if prepared.resumed:
            _event(f"resuming run {run_id} of this file (started {prepared.run.started_at})")
        looked_up = False
        if lookup_access is not None:
            stopped = _look_up_and_decide(lookup_access, journal, run_id, enterprise, checked, args)
            if stopped is not None:
                checked.close()
                return stopped
            looked_up = True
        else:
            journal.add_leads(run_id, enterprise, (runs.new_lead(l.identifier, l.rows, l.body) for l in checked.leads),
                              send_all=args.send_all)
        journal.add_rows(run_id, checked.row_records)
        leads = sum(journal.lead_counts(run_id).values())

    control = SendControl()
    progress, show_progress = _progress_printer()
    engine = SendEngine(journal_path, run_id, enterprise_id=enterprise, base_url=base_url, tokens=tokens,
                        settings=settings, control=control, on_progress=show_progress, on_event=_event)

    def stop(signum, frame):
        if control.cancelled:
            raise KeyboardInterrupt
        _event("stopping: waiting for the answers of requests already sent (Ctrl-C again to quit at once)")
        control.cancel()

    handler = _open_log()
    log.info("run %s: sending %s to %s with tokens %s", run_id, args.file, base_url,
             ", ".join(t.label for t in tokens))
    previous = signal.signal(signal.SIGINT, stop)
    try:
        summary = engine.run()
    finally:
        signal.signal(signal.SIGINT, previous)
        progress.close()
        log.removeHandler(handler)
        handler.close()

    with Journal(journal_path) as journal:
        # what the lookup found, read a chunk of rows at a time (a run of any size)
        existing_map = LookupRecord(journal.db).existing_view(run_id) if looked_up else None
        folder = paths.run_dir(run_id)
        files = runs.write_results(journal, run_id, folder, headers=checked.headers, data_rows=checked.data_rows(),
                                   raw_headers=checked.raw_headers, header_row=checked.header_row,
                                   existing=existing_map)
        state = "stopped" if summary.stopped else "finished"
        reason = {STOP_NO_TOKEN: "telecrm refused every token", STOP_UNREACHABLE: "telecrm could not be reached",
                  STOP_CANCELLED: "cancelled"}.get(summary.stopped, summary.stopped)
        info = journal.end_run(run_id, state, reason, str(folder))
        if args.report:
            try:
                write_report_csv(args.report, runs.result_rows(journal, run_id, (), existing_map),
                                 existing_columns=existing_map is not None)
            except OSError as exc:
                raise UsageError(f"cannot write the report {args.report}: {exc.strerror}") from None

    if landed_check is not None:
        _verify_landed(landed_check, journal_path, run_id, checked, stopped=summary.stopped)
    checked.close()
    counts = info.counts
    line = summary_line("send", counts, leads=leads)
    line += f"; {plural(summary.requests, 'request')} in {summary.elapsed:.1f} s; results in {folder}"
    if files.attention_rows:
        line += f" ({plural(files.attention_rows, 'row')} to fix in needs-attention.xlsx)"
    print(line)
    with open(paths.logs_dir() / "send.log", "a", encoding="utf-8") as f:
        f.write(f"run {run_id}: {line}\n")
    if summary.stopped == STOP_NO_TOKEN:
        _event("telecrm refused every token (" + ", ".join(summary.tokens_out) + "); the unsent leads are pending: "
               "fix the tokens and run the same command again")
        return EXIT_NO_TOKEN_LEFT
    if all(status in outcomes.GOOD for status, n in counts.items() if n):
        return EXIT_OK
    other = ", ".join(f"{n:,} {status}" for status, n in sorted(counts.items())
                      if n and status not in outcomes.GOOD and status != "skipped")
    if other:  # the exit status says "look at the rows": say which (the post-import check never sets it)
        note(f"exit status 1: rows not queued: {other} (see the report or results for each row's reason)")
    return EXIT_ROWS_NEED_ATTENTION


# -- the existing leads (--mode, overwrite rules) ------------------------------------------------

def _lookup_access(args, enterprise: str):
    """The Sync access a lookup needs, or None when the run needs no lookup (or the template is unreadable:
    the sheet check then says why)."""
    from telecrm_desktop.core.template.mapping import MappingError, load_mapping

    try:
        mapping = load_mapping(args.mapping)
    except MappingError:
        return None
    return existing.sync_access(args, enterprise, mapping) if existing.needed(args, mapping) else None


def _look_up_and_decide(access, journal: Journal, run_id: int, enterprise: str, checked, args) -> int | None:
    """Look the run's leads up, then store each as to send, skipped or unchanged. Returns an exit status
    when the lookup stopped (nothing is sent; the leads looked up are remembered for the next run)."""
    from telecrm_desktop.core.send.import_modes import SEND, DecisionCounts, ImportRules
    from telecrm_desktop.core.workspace.lookup import STOP_REFUSED, LookupStopped

    record = LookupRecord(journal.db)
    try:
        existing.look_up(access, [lead.identifier for lead in checked.leads], record, run_id, checked.mapping,
                         checked.schema)
    except LookupStopped as exc:
        _event(f"stopped before sending: {exc}")
        if args.report:
            _write_unsent_report(args.report, checked, f"not sent: {exc}")
        print(f"send: nothing sent; {exc}")
        return EXIT_NO_TOKEN_LEFT if exc.kind == STOP_REFUSED else EXIT_ROWS_NEED_ATTENTION
    rules = ImportRules.for_mapping(checked.mapping, checked.schema, mode=args.mode, send_all=args.send_all)
    counts = DecisionCounts()
    changes: list[tuple[str, str]] = []

    def decided():
        for lead, decision in existing.decisions(checked.leads, record, run_id, rules, counts):
            if decision.changes:
                changes.append((lead.identifier, decision.changes_text))
            status = None if decision.status == SEND else decision.status
            yield runs.new_lead(lead.identifier, lead.rows, decision.body or lead.body, status, decision.reason)

    journal.add_leads(run_id, enterprise, decided(), send_all=args.send_all)
    record.set_changes(run_id, changes)
    _event(f"existing leads: {counts.sentence()}")
    return None


def _write_unsent_report(path: str, checked, reason: str) -> None:
    """The report of a run that stopped before sending: valid rows `pending` with the reason."""
    from telecrm_desktop.core.check.report import findings_text
    from telecrm_desktop.core.send.results import ResultRow

    rows = (ResultRow(v.row, v.identifier or "", outcomes.PENDING if v.key is not None else outcomes.INVALID,
                      reason if v.key is not None else findings_text(v.errors),
                      findings_text(v.warnings) if v.warnings else "")
            for v in checked.rows)
    try:
        write_report_csv(path, rows, existing_columns=True)
    except OSError as exc:
        raise UsageError(f"cannot write the report {path}: {exc.strerror}") from None


# -- the post-import check (--verify-landed) ------------------------------------------------------

@dataclass
class LandedAccess:
    delay: float
    url: str
    enterprise: str
    token: object | None  # core secrets.Token; None: the check is skipped, `why` says why
    why: str = ""


def _landed_access(args, enterprise: str) -> LandedAccess | None:
    """What --verify-landed needs, checked before anything is sent; None when it was not asked for."""
    if args.verify_landed is None:
        return None
    from telecrm_desktop.core import secrets

    if not 0 <= args.verify_landed <= 3600:
        raise UsageError(f"--verify-landed takes 0 to 3600 seconds to wait, not {args.verify_landed:g}")
    url = sync_root(args.sync_url)
    access = LandedAccess(args.verify_landed, url, enterprise, None)
    try:
        access.token = secrets.load_sync_token(enterprise)
    except secrets.SecretsError as exc:
        access.why = f"the Sync token could not be read ({exc})"
        return access
    if access.token is None:
        access.why = (f"there is no Sync token for enterprise {enterprise} (add one with `telecrm-import tokens "
                      f"add --enterprise {enterprise} --sync`, or set {secrets.SYNC_TOKEN_ENV})")
    return access


def _verify_landed(access: LandedAccess, journal_path, run_id: int, checked, *, stopped: str | None) -> None:
    """Look a sample of the run's queued leads up (core.workspace.landed), print the result, keep it in the journal.

    Never changes the exit status: the send itself went as the counts say.
    """
    from telecrm_desktop.core.workspace.sync_client import SyncClient
    from telecrm_desktop.core.workspace.landed import verify_landed

    if access.token is None:
        note(f"post-import check skipped: {access.why}")
        return
    if stopped == STOP_CANCELLED:
        note("post-import check skipped: the run was cancelled")
        return
    with Journal(journal_path) as journal:
        wanted, queued = runs.landed_sample(journal, run_id)
    if not queued:
        note("post-import check skipped: no lead of this run was queued")
        return
    sample = [lead for lead in checked.leads if lead.identifier in wanted]
    identifier_field = checked.identifier_field
    if access.delay:
        note(f"post-import check: waiting {access.delay:g} s for telecrm to process the queue, "
             f"then looking up {plural(len(sample), 'lead')}")
        time.sleep(access.delay)
    with SyncClient(access.url, access.enterprise, access.token) as client:
        # leads not there yet get one more look after the same wait: telecrm works through its queue
        report = verify_landed(client, sample, identifier_field, recheck_after=access.delay)
    record = {**report.to_dict(), "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    with Journal(journal_path) as journal:
        journal.set_landed(run_id, record)
    text = report.summary()  # "the post-import check could not run: ..." when nothing could be looked up
    print(text if text.startswith("the post-import check") else f"post-import check: {text}")
