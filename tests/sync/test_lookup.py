"""The lookup of existing leads against the sandbox over real HTTP: batching, paging, pacing, 429s and
5xx, a Sync token revoked half-way, and a resumed lookup that asks for nothing twice."""

from __future__ import annotations

import math

import pytest

from telecrm_desktop.core.secrets import SYNC, Token
from telecrm_desktop.core.workspace.lookup import (
    STOP_CANCELLED, STOP_REFUSED, LeadLookup, LookupSettings, LookupStopped,
)
from telecrm_desktop.core.workspace.lookup_record import LookupRecord
from telecrm_desktop.sandbox import SandboxServer
from telecrm_desktop.sandbox.workspace import Workspace, load_workspace


def phone(i: int) -> str:
    return f"9197{i:08d}"


def workspace_with(existing: list[dict]) -> Workspace:
    definition = load_workspace().definition
    definition["existingLeads"] = existing
    return Workspace(definition)


EXISTING = [{"fields": {"phone": phone(i), "name": f"Lead {i}", "city": "Pune"}} for i in range(0, 450, 3)]


@pytest.fixture
def sandbox():
    with SandboxServer(workspace_with(EXISTING), existing_leads=True) as server:
        yield server


def fast(**changes) -> LookupSettings:
    settings = LookupSettings(rate_per_second=200, retry_base=0.02, retry_cap=0.1, rate_limited_base=0.05)
    for name, value in changes.items():
        setattr(settings, name, value)
    return settings


def lookup(sandbox, **kw) -> LeadLookup:
    token = Token("sync-1", SYNC, sandbox.sync_token.value)
    kw.setdefault("settings", fast())
    return LeadLookup(sandbox.sync_url, sandbox.enterprise_id, token, "phone", **kw)


def test_every_lead_is_found_or_not_in_at_most_one_request_per_hundred(sandbox):
    record = LookupRecord.in_memory()
    wanted = [phone(i) for i in range(450)]
    progress = []
    summary = lookup(sandbox, on_progress=progress.append).run(wanted, record, 1)
    searches = sandbox.state.search_log()
    assert summary.requests == len(searches) == math.ceil(450 / 100)
    assert all(len(asked) <= 100 for asked, _ in searches)
    assert sorted(v for asked, _ in searches for v in asked) == sorted(wanted)  # each asked once
    stored = record.stored_of(1)(wanted)
    assert {i for i, f in stored.items() if f is not None} == {phone(i) for i in range(0, 450, 3)}
    assert stored[phone(3)]["city"] == "Pune"
    assert progress[-1].done == 450 and progress[-1].found == 150


def test_a_page_past_the_limit_is_read(sandbox):
    # one identifier asked 100 times over the values list still pages properly: duplicates are asked once
    record = LookupRecord.in_memory()
    lookup(sandbox).run([phone(0)] * 150 + [phone(3)], record, 1)
    assert len(sandbox.state.search_log()) == 1


def test_429_and_5xx_are_asked_again(sandbox):
    sandbox.script_sync(["429", "500", "503", "ok", "502"])
    record = LookupRecord.in_memory()
    summary = lookup(sandbox).run([phone(i) for i in range(250)], record, 1)
    statuses = [status for _, status in sandbox.state.search_log()]
    assert statuses == [429, 500, 503, 200, 502, 200, 200]
    assert summary.retries == 4 and summary.requests == 7
    assert record.count(1) == 250


def test_the_sync_rate_limit_answers_429_with_retry_after_and_the_lookup_waits(sandbox):
    sandbox.set_sync_limit(2, 1.0)
    record = LookupRecord.in_memory()
    summary = lookup(sandbox).run([phone(i) for i in range(450)], record, 1)
    statuses = [status for _, status in sandbox.state.search_log()]
    assert statuses.count(200) == 5 and 429 in statuses
    assert summary.retries == statuses.count(429)
    assert record.count(1) == 450


def test_a_sync_token_revoked_half_way_stops_the_lookup_and_keeps_what_was_looked_up(sandbox):
    sandbox.revoke_sync_token_after(2)
    record = LookupRecord.in_memory()
    with pytest.raises(LookupStopped) as stopped:
        lookup(sandbox).run([phone(i) for i in range(450)], record, 1)
    assert stopped.value.kind == STOP_REFUSED
    assert "refused the Sync token" in str(stopped.value) and sandbox.sync_token.value not in str(stopped.value)
    assert record.count(1) == 200  # two whole requests, nothing half
    sandbox.restore(sandbox.sync_token.label)
    before = len(sandbox.state.search_log())
    summary = lookup(sandbox).run([phone(i) for i in range(450)], record, 1)
    assert (summary.already, summary.looked_up) == (200, 250)
    asked_again = [v for asked, _ in sandbox.state.search_log()[before:] for v in asked]
    assert sorted(asked_again) == sorted(phone(i) for i in range(200, 450))


def test_cancel_stops_between_requests(sandbox):
    record = LookupRecord.in_memory()
    seen = []
    with pytest.raises(LookupStopped) as stopped:
        lookup(sandbox, on_progress=seen.append, should_stop=lambda: bool(seen) and seen[-1].done >= 100).run(
            [phone(i) for i in range(450)], record, 1)
    assert stopped.value.kind == STOP_CANCELLED and record.count(1) == 100


def test_no_sync_token_is_a_sentence(sandbox):
    with pytest.raises(LookupStopped, match="there is no Sync token"):
        LeadLookup(sandbox.sync_url, sandbox.enterprise_id, None, "phone")


def test_5xx_that_go_on_stop_the_lookup_with_a_sentence(sandbox):
    sandbox.script_sync(["500"] * 8)
    record = LookupRecord.in_memory()
    with pytest.raises(LookupStopped, match="kept failing while looking leads up") as stopped:
        lookup(sandbox).run([phone(i) for i in range(50)], record, 1)
    assert stopped.value.kind == "failed" and record.count(1) == 0
    assert len(sandbox.state.search_log()) == 8  # LookupSettings.max_attempts


def test_an_email_identifier_matches_whatever_its_case():
    from telecrm_desktop.sandbox.workspace import Workspace

    definition = load_workspace().definition
    definition["enterprise"]["leadIdentifierFieldId"] = "email"
    definition["existingLeads"] = [{"fields": {"email": "Asha.Rao@Example.com", "name": "Asha"}}]
    with SandboxServer(Workspace(definition), existing_leads=True) as server:
        record = LookupRecord.in_memory()
        token = Token("sync-1", SYNC, server.sync_token.value)
        LeadLookup(server.sync_url, server.enterprise_id, token, "email", identifier_type="email",
                   settings=fast()).run(["asha.rao@example.com", "nobody@example.com"], record, 1)
        stored = record.stored_of(1)(["asha.rao@example.com", "nobody@example.com"])
    assert stored["asha.rao@example.com"]["name"] == "Asha" and stored["nobody@example.com"] is None


def test_leads_found_with_their_fields_given_flat_are_understood(sandbox, monkeypatch):
    from telecrm_desktop.sandbox import sync_api

    original = sync_api._by_identifier
    monkeypatch.setattr(sync_api, "_by_identifier", lambda server, values: [
        lead["fields"] for lead in original(server, values)])  # {"phone": ..., "city": ...} without "fields"
    record = LookupRecord.in_memory()
    lookup(sandbox).run([phone(0), phone(1)], record, 1)
    stored = record.stored_of(1)([phone(0), phone(1)])
    assert stored[phone(0)]["city"] == "Pune" and stored[phone(1)] is None
