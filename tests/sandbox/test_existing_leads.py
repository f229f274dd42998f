"""The sandbox's existing leads, its Sync rate limit and scripted lead/search answers, over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from telecrm_desktop.sandbox import SandboxServer


@pytest.fixture
def seeded():
    with SandboxServer(existing_leads=True) as server:
        yield server


def search(server, values, **params):
    return httpx.post(f"{server.sync_url}/enterprise/{server.enterprise_id}/lead/search",
                      params={"limit": 100, **params}, json={"fields": {"phone": values}},
                      headers={"Authorization": f"Bearer {server.sync_token.value}"}, timeout=5)


def test_the_workspace_holds_its_existing_leads_and_a_reset_brings_them_back(seeded):
    existing = seeded.workspace.definition["existingLeads"]
    assert len(seeded.state.leads()) == len(existing) >= 5
    aarav = seeded.state.lead("+919845010021")
    assert aarav.fields["city"] == "Mysuru" and aarav.requests == 0 and aarav.drops == []
    seeded.state.reset()
    assert len(seeded.state.leads()) == len(existing)
    with SandboxServer() as empty:
        assert empty.state.leads() == {}


def test_lead_search_by_identifier_matches_any_writing_and_pages(seeded):
    answer = search(seeded, ["+919845010021", "9845010058", "919999999999"]).json()
    assert answer["total_count"] == 2
    assert {lead["fields"]["phone"] for lead in answer["data"]} == {"919845010021", "919845010058"}
    page = search(seeded, ["919845010021", "919845010058"], skip=1, limit=1).json()
    assert page["total_count"] == 2 and len(page["data"]) == 1
    assert [asked for asked, _ in seeded.state.search_log()][0] == ["+919845010021", "9845010058", "919999999999"]


def test_sync_rate_limit_answers_429_with_retry_after(seeded):
    seeded.set_sync_limit(2, 10.0)
    statuses = [search(seeded, ["919845010021"]).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    third = search(seeded, ["919845010021"])
    assert third.status_code == 429 and int(third.headers["retry-after"]) >= 1


def test_scripted_answers_and_a_revocation_through_the_admin_api(seeded):
    admin = f"{seeded.base_url}/_sandbox"
    assert httpx.post(f"{admin}/sync", json={"script": ["503", "ok"], "revoke_after": 2}).status_code == 200
    assert [search(seeded, ["919845010021"]).status_code for _ in range(4)] == [503, 200, 200, 401]
    log = httpx.get(f"{admin}/searches").json()["searches"]
    assert [entry["status"] for entry in log] == [503, 200, 200, 401]
    assert httpx.post(f"{admin}/sync", json={"script": ["hello"]}).status_code == 400
