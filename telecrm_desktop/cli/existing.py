"""The existing leads, for `check --existing` and `send --mode` (cli.md "Existing leads").

Printing and argument handling only: core.workspace.lookup looks the leads up, core.send.import_modes
decides what each lead becomes. Without a Sync token the command exits 2 with a sentence saying
so, before anything is sent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Iterator

from telecrm_desktop.cli import UsageError
from telecrm_desktop.cli.output import Progress, note, plural
from telecrm_desktop.core.send.import_modes import (
    MODES, DecisionCounts, ImportRules, LeadDecision, decide_leads, identifier_type, lookup_needed,
)
from telecrm_desktop.core.template.mapping import Mapping
from telecrm_desktop.core.workspace.schema import Schema

# the Sync rate the lookup keeps under (requests a second); telecrm does not document it
SYNC_RATE_ENV = "TELECRM_SYNC_RATE"


def add_mode_argument(parser) -> None:
    parser.add_argument("--mode", choices=MODES, default="all",
                        help="all: create new leads and update existing ones (default); new: skip leads "
                        "already in telecrm; existing: skip leads not in telecrm")


@dataclass
class SyncAccess:
    url: str
    enterprise: str
    token: object  # core secrets.Token


def needed(args, mapping: Mapping) -> bool:
    return lookup_needed(mapping, getattr(args, "mode", "all"), asked=bool(getattr(args, "existing", False)))


def why_needed(args, mapping: Mapping) -> str:
    if getattr(args, "existing", False):
        return "--existing asks"
    if getattr(args, "mode", "all") != "all":
        return f"--mode {args.mode} needs it"
    fields = ", ".join(sorted(mapping.overwrite_rules()))
    return f"the template's overwrite rules ({fields}) need it"


def sync_access(args, enterprise: str | None, mapping: Mapping) -> SyncAccess:
    """The Sync API root and token, found as for `schema pull`; a UsageError (exit 2) when there is none."""
    from telecrm_desktop.core import secrets
    from telecrm_desktop.cli.api_roots import sync_root

    why = why_needed(args, mapping)
    if not enterprise:
        raise UsageError(f"the existing leads must be looked up ({why}): give the workspace with --enterprise ID")
    from telecrm_desktop.core.addresses import check_enterprise_id

    try:
        enterprise = check_enterprise_id(enterprise)
    except ValueError as exc:
        raise UsageError(f"--enterprise: {exc}") from None
    url = sync_root(getattr(args, "sync_url", None))
    try:
        token = secrets.load_sync_token(enterprise)
    except secrets.SecretsError as exc:
        raise UsageError(f"the existing leads must be looked up ({why}), but the Sync token could not be read: "
                         f"{exc}; nothing was sent") from None
    if token is None:
        raise UsageError(
            f"the existing leads must be looked up ({why}), and that needs a Sync token, but there is none for "
            f"enterprise {enterprise}: add one with `telecrm-import tokens add --enterprise {enterprise} --sync` "
            f"or set {secrets.SYNC_TOKEN_ENV}; nothing was sent")
    return SyncAccess(url, enterprise, token)


def lookup_settings():
    from telecrm_desktop.core.workspace.lookup import LookupSettings

    settings = LookupSettings()
    raw = os.environ.get(SYNC_RATE_ENV)
    if raw:
        try:
            settings.rate_per_second = float(raw)
        except ValueError:
            raise UsageError(f"{SYNC_RATE_ENV} must be a number of requests a second, not {raw!r}") from None
        if settings.rate_per_second <= 0:
            raise UsageError(f"{SYNC_RATE_ENV} must be above 0")
    return settings


def look_up(access: SyncAccess, identifiers: list[str], record, run_id: int, mapping: Mapping,
            schema: Schema | None):
    """Look every identifier up (those recorded before are skipped), with a progress line on standard
    error. Raises core LookupStopped with a sentence when it cannot finish."""
    from telecrm_desktop.core.workspace.lookup import LeadLookup

    bar = Progress("looking up")

    def show(p) -> None:
        bar(p.done, p.done / p.total if p.total else None)

    lookup = LeadLookup(access.url, access.enterprise, access.token, mapping.identifier_field(schema),
                        identifier_type=identifier_type(mapping, schema), settings=lookup_settings(),
                        on_progress=show)
    try:
        summary = lookup.run(identifiers, record, run_id)
    finally:
        bar.close()
    already = f" ({plural(summary.already, 'lead')} looked up before)" if summary.already else ""
    note(f"looked up {plural(summary.looked_up, 'lead')} in telecrm{already}: {summary.found:,} found; "
         f"{plural(summary.requests, 'request')} ({summary.retries:,} retried) in {summary.elapsed:.1f} s")
    return summary


def decisions(leads: Iterable, record, run_id: int, rules: ImportRules,
              counts: DecisionCounts) -> Iterator[tuple[object, LeadDecision]]:
    for lead, decision in decide_leads(leads, record.stored_of(run_id), rules):
        counts.add(decision)
        yield lead, decision
