"""The Review step's background jobs for existing leads: looking the check's leads up in the
workspace, and deciding them again when the import mode changes (existing_leads.py holds the
decisions and the send run's part; this module only runs them off the GUI thread)."""

from __future__ import annotations

from telecrm_desktop.gui.bridge.existing_leads import CHECK_RUN, ExistingLeads, decide
from telecrm_desktop.gui.bridge.workers import Throttle, Worker


class LookupWorker(Worker):
    """Looks the check's leads up (those not looked up yet), then decides each under the mode."""

    pauses_collector = True  # a decision per lead, kept until the next check
    def __init__(self, session, previous: ExistingLeads | None = None):
        super().__init__()
        self.session = session
        self.check = session.check
        self.previous = previous  # its record is reused: leads looked up before are not asked again

    def work(self):
        from telecrm_desktop.core.workspace.lookup import LeadLookup, LookupSettings
        from telecrm_desktop.core.workspace.lookup_record import LookupRecord
        from telecrm_desktop.core.send.import_modes import identifier_type
        from telecrm_desktop.gui.bridge.schema_link import sync_access
        from telecrm_desktop.gui.network_settings import network_settings

        session = self.session
        url, enterprise, token = sync_access(session.workspace)
        previous = self.previous
        record = previous.record if previous is not None and previous.enterprise_id == enterprise \
            else LookupRecord.in_memory()
        existing = ExistingLeads(self.check, record, enterprise_id=enterprise)
        throttle = Throttle()

        def progress(p) -> None:
            if throttle.ready() or p.done == p.total:
                self.progress.emit((p.done, p.total))

        lookup = LeadLookup(url, enterprise, token, session.mapping.identifier_field(session.schema),
                            identifier_type=identifier_type(session.mapping, session.schema),
                            settings=LookupSettings(), on_progress=progress, should_stop=self._stop.is_set,
                            network=network_settings())  # the Workspace step's proxy and certificate
        lookup.run([lead.identifier for lead in self.check.leads], existing.record, CHECK_RUN)
        return decide(session, existing, self._stop.is_set)

    def describe_failure(self, exc: Exception) -> str:
        from telecrm_desktop.core.secrets import SecretsError, redact

        if isinstance(exc, SecretsError):
            why = "" if "add a Sync token" in str(exc) else f" ({redact(str(exc))})"
            return ("The existing leads cannot be looked up without a Sync token: add one on the Workspace "
                    f"step{why}. Nothing was sent.")
        text = str(exc) or type(exc).__name__
        return redact(f"The existing leads could not be looked up: {text[0].lower() + text[1:]}")


class DecideWorker(Worker):
    """The mode changed: every lead decided again from the lookup already made (no request)."""

    pauses_collector = True
    def __init__(self, session, existing: ExistingLeads):
        super().__init__()
        self.session, self.existing = session, existing

    def work(self):
        return decide(self.session, self.existing, self._stop.is_set)
