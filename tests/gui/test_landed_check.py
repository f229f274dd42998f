"""The results screen's post-import check looks up only the leads its run queued (a failed or
pending lead was never meant to be in telecrm), over the sandbox's Sync API."""

from telecrm_desktop.core import paths
from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.core.check.pipeline import Lead
from telecrm_desktop.core.send.runs import new_lead
from telecrm_desktop.gui.bridge import sandbox_link
from telecrm_desktop.gui.session import WorkspaceSettings
from telecrm_desktop.gui.bridge.workers import LandedWorker


def test_only_the_queued_leads_are_looked_up(qapp):
    server = sandbox_link.sandbox_server()
    try:
        bodies = [{"fields": {"phone": f"91980000000{i}", "name": f"Lead {i}"}} for i in range(3)]
        server.state.process(bodies[0], "test")  # telecrm has the one lead that was queued
        enterprise = server.enterprise_id
        with Journal(paths.journal_path()) as journal:
            run = journal.start_run(enterprise, "leads.csv", "file", "template")
            records = [new_lead(b["fields"]["phone"], [i + 2], b) for i, b in enumerate(bodies)]
            journal.add_leads(run.id, enterprise, records)
            journal.write_batch(run.id, enterprise, finished=[(1, "queued", "", records[0].body_hash)])
            journal.write_batch(run.id, enterprise, finished=[(2, "failed", "400", None)])
        leads = [Lead(b["fields"]["phone"], (i + 2,), b) for i, b in enumerate(bodies)]
        workspace = WorkspaceSettings(use_sandbox=True)

        report = LandedWorker(workspace, leads, "phone", run.id).work()
        assert (report.checked, report.landed, report.missing) == (1, 1, [])  # 3 looked up otherwise
    finally:
        sandbox_link.stop_sandbox()
