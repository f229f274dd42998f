"""The existing leads in the app: the lookup worker, what each checked lead becomes, and the hand-over
to the send run. No rule lives here: core.workspace.lookup looks up, core.send.import_modes decides.

The lookup of a check is kept in memory (a LookupRecord of its own); when the run is prepared its
findings are copied into the journal beside the run's leads, so a continued run never looks a lead
up again and the result files can say which leads were created and which updated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache


CHECK_RUN = 0  # the in-memory record holds one lookup: the current check's
NEW, CHANGING, IDENTICAL, SKIPPED = "new", "changing", "identical", "skipped"
CATEGORIES = (NEW, CHANGING, IDENTICAL, SKIPPED)
CATEGORY_WORDS = {NEW: "new leads", CHANGING: "existing leads that change",
                  IDENTICAL: "existing leads identical", SKIPPED: "skipped by the import mode"}
MODE_WORDS = {"all": "Create new leads and update existing ones", "new": "Only create new leads",
              "existing": "Only update leads already in telecrm"}


class LookupNeeded(Exception):
    """The mode or the template's overwrite rules need the existing leads, and they were not looked up."""


def category(decision) -> str:
    if decision.status == "skipped":
        return SKIPPED
    if not decision.existing:
        return NEW
    return IDENTICAL if decision.identical else CHANGING


@dataclass(frozen=True, slots=True)
class ShownDecision:
    """What the Review step shows of a core LeadDecision: no request body (the send run decides
    again from the same lookup), so 100,000 of them stay small."""

    identifier: str
    status: str
    reason: str
    existing: bool
    changes: tuple
    identical: bool

    @property
    def changes_text(self) -> str:
        return "; ".join(c.describe() for c in self.changes)

    @classmethod
    def of(cls, d) -> "ShownDecision":
        return cls(d.identifier, d.status, d.reason, d.existing, d.changes, d.identical)


@dataclass
class ExistingLeads:
    """The lookup of one check and what each of its leads becomes under the chosen mode."""

    check: object  # the core SheetCheck the lookup belongs to
    record: object  # core LookupRecord (in memory)
    mode: str = "all"
    enterprise_id: str = ""  # the workspace looked in: another workspace's lookup is never reused
    decisions: list = field(default_factory=list)  # (lead, core LeadDecision), in lead order
    counts: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, list] = field(default_factory=dict)  # made in the worker: a filter costs nothing

    def of_category(self, name: str | None) -> list:
        return self.decisions if name is None else self.by_category.get(name, [])

    def sentence(self) -> str:
        return ", ".join(f"{self.counts.get(c, 0):,} {CATEGORY_WORDS[c]}" for c in CATEGORIES)


def lookup_needed(session) -> bool:
    from telecrm_desktop.core.send.import_modes import lookup_needed as needed

    return session.mapping is not None and needed(session.mapping, import_mode(session))


def import_mode(session) -> str:
    return getattr(session, "import_mode", "all")


def current(session) -> ExistingLeads | None:
    """The lookup of the current check under the current mode, if there is one."""
    found = getattr(session, "existing_leads", None)
    if found is None or found.check is not session.check or session.check is None:
        return None
    return found


def decide(session, existing: ExistingLeads, should_stop=lambda: False) -> ExistingLeads | None:
    """Every lead of the check decided under the session's mode and template (pure core, no network);
    a new ExistingLeads (the one the screen shows is never changed under it), None when stopped."""
    from telecrm_desktop.core.send.import_modes import ImportRules, decide_leads

    rules = ImportRules.for_mapping(session.mapping, session.schema, mode=import_mode(session))
    decided = ExistingLeads(existing.check, existing.record, rules.mode, existing.enterprise_id, [],
                            dict.fromkeys(CATEGORIES, 0), {c: [] for c in CATEGORIES})
    from telecrm_desktop.gui.bridge.gil import taking_turns

    for lead, decision in taking_turns(decide_leads(existing.check.leads, existing.record.stored_of(CHECK_RUN),
                                                    rules)):  # in a worker thread beside the GUI's
        if should_stop():
            return None
        shown = ShownDecision.of(decision)
        kind = category(shown)
        decided.decisions.append((lead, shown))
        decided.by_category[kind].append((lead, shown))
        decided.counts[kind] += 1
    return decided


def plan_text(session) -> str:
    """What the Send step states before sending: the mode and, once looked up, the counts."""
    existing = current(session)
    mode = import_mode(session)
    if existing is not None:
        return f" {MODE_WORDS[mode]}: {existing.sentence()}."
    if lookup_needed(session):
        return " The existing leads must be looked up on the Review step first."
    return ""


# ----- the send run ----------------------------------------------------------------------------

def add_leads_to_run(session, journal, run_id: int, enterprise_id: str, leads, *, send_all: bool) -> dict | None:
    """The check's leads into the run: as they are, or as the mode and overwrite rules decide.

    Returns the run's existing-lead map for the result files (None when nothing was looked up).
    Raises LookupNeeded when the leads must be looked up first.
    """
    from telecrm_desktop.core.send.import_modes import SEND, ImportRules, decide_leads
    from telecrm_desktop.core.send import runs
    from telecrm_desktop.core.workspace.lookup_record import LookupRecord

    if not lookup_needed(session):
        journal.add_leads(run_id, enterprise_id, (runs.new_lead(l.identifier, l.rows, l.body) for l in leads),
                          send_all=send_all)
        return None
    existing = current(session)
    if existing is None:
        raise LookupNeeded("The import mode or the template's overwrite rules need to know which leads are "
                           "already in telecrm: look them up on the Review step first. Nothing was sent.")
    record = LookupRecord(journal.db)
    copy_lookup(existing.record, CHECK_RUN, record, run_id)
    rules = ImportRules.for_mapping(session.mapping, session.schema, mode=import_mode(session), send_all=send_all)
    changes = []

    def decided():
        for lead, decision in decide_leads(leads, record.stored_of(run_id), rules):
            if decision.changes:
                changes.append((lead.identifier, decision.changes_text))
            status = None if decision.status == SEND else decision.status
            yield runs.new_lead(lead.identifier, lead.rows, decision.body or lead.body, status, decision.reason)

    journal.add_leads(run_id, enterprise_id, decided(), send_all=send_all)
    record.set_changes(run_id, changes)
    return record.existing_of(run_id)


def copy_lookup(source, source_run: int, target, target_run: int) -> None:
    """The lookups of one record's run into another's (those the target has not got yet)."""
    import json

    rows = source.db.execute("SELECT identifier, found, stored FROM lead_lookups WHERE run_id=?", (source_run,))
    results = {i: (json.loads(s) if f and s else ({} if f else None)) for i, f, s in rows}
    have = target.looked_up(target_run, list(results))
    target.record(target_run, {i: v for i, v in results.items() if i not in have})


def run_existing_map(journal, run_id: int):
    """The existing leads of a run that was looked up, for its result files (a view read a chunk of
    rows at a time: LookupRecord.existing_view); else None."""
    from telecrm_desktop.core.workspace.lookup_record import LookupRecord

    record = LookupRecord(journal.db)
    return record.existing_view(run_id) if record.count(run_id) else None


@lru_cache(maxsize=1)
def _shown_outcome():
    """The journal's RowOutcome, plus "created" or "updated" for the queued leads of a looked-up run."""
    from dataclasses import make_dataclass

    from telecrm_desktop.core.send.journal import RowOutcome

    return make_dataclass("ShownOutcome", [("made", str, "")], bases=(RowOutcome,), frozen=True)


def with_created_or_updated(journal, run_id: int, outcomes: list) -> list:
    """A page of a looked-up run's row outcomes, each queued one saying whether telecrm created or
    updated the lead (only this page's leads are read from the lookup record)."""
    from dataclasses import fields

    from telecrm_desktop.core.workspace.lookup_record import LookupRecord

    queued = [o.identifier for o in outcomes if o.status == "queued"]
    existing = LookupRecord(journal.db).existing_among(run_id, queued) if queued else {}
    if not existing:
        return outcomes
    shown_outcome = _shown_outcome()
    shown = []
    for o in outcomes:
        found = existing.get(o.identifier) if o.status == "queued" else None
        made = ("updated" if found[0] else "created") if found else ""
        shown.append(shown_outcome(**{f.name: getattr(o, f.name) for f in fields(o)}, made=made))
    return shown
