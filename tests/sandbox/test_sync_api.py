"""The Sync endpoints answer with the shapes of telecrm-api.md section 5, over real HTTP."""

import pytest


def test_metadata(talk, sandbox):
    r = talk.sync_get("metadata")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == sandbox.enterprise_id
    assert body["leadIdentifierFieldId"] == "phone"
    assert body["name"]


def test_custom_fields_plain_and_detailed(talk):
    plain = talk.sync_get("custom-fields").json()["customFields"]
    detail = talk.sync_get("custom-fields", detail="true").json()["customFields"]
    assert [f["apiName"] for f in plain] == [f["apiName"] for f in detail]
    source = next(f for f in plain if f["apiName"] == "contact_source")
    assert source["type"] == "DROPDOWN" and source["isLeadid"] is False and source["lockAfterCreate"] is False
    assert "Website" in source["options"] and all(isinstance(o, str) for o in source["options"])
    assert "id" not in source and "description" not in source
    source_detail = next(f for f in detail if f["apiName"] == "contact_source")
    assert {"id", "description"} <= set(source_detail)
    assert all(set(o) == {"id", "label"} for o in source_detail["options"])
    phone = next(f for f in plain if f["apiName"] == "phone")
    assert phone["type"] == "PHONE" and phone["isLeadid"] is True


def test_custom_actions_plain_and_detailed(talk):
    plain = talk.sync_get("custom-actions").json()["customActions"]
    assert all(set(a) == {"code", "displayName", "score", "source"} for a in plain)
    detail = talk.sync_get("custom-actions", detail="true").json()["customActions"]
    visit = next(a for a in detail if a["code"] == "ACTION_1001")
    assert visit["allowPredatedActivity"] == {"enabled": True}
    assert visit["fieldSchema"]["note"] == {"type": "TEXT"}
    assert visit["fieldSchema"]["outcome"]["type"] == "DROPDOWN" and visit["fieldSchema"]["outcome"]["options"]
    assert any(a["allowPredatedActivity"] == {"enabled": False} for a in detail)


def test_lead_stage_pipeline(talk):
    body = talk.sync_get("lead-stage-pipeline").json()
    open_stage = next(s for s in body["leadStages"] if s["stageType"] == "OPEN")
    assert {"label": "Fresh"}.items() <= open_stage["activeStatuses"][0].items()
    assert open_stage["archivedStatuses"]
    assert all("reasonLabel" in r for r in body["activeLeadLostReasons"])


def test_team_members_come_in_pages_of_at_most_ten(talk, sandbox):
    seen, skip = [], 0
    while True:
        page = talk.sync_get("team-members", skip=skip, limit=10).json()
        assert page["skip"] == skip and page["limit"] == 10 and len(page["data"]) <= 10
        seen += page["data"]
        skip += 10
        if skip >= page["total_count"]:
            break
    assert len(seen) == page["total_count"] == len(sandbox.workspace.members) == 25
    assert {m["status"] for m in seen} == {"Active", "Inactive"}
    assert all({"name", "email", "status"} <= set(m) for m in seen)
    default = talk.sync_get("team-members").json()
    assert default["skip"] == 0 and default["limit"] == 10 and len(default["data"]) == 10


@pytest.mark.parametrize("params", [{"limit": 11}, {"limit": 0}, {"skip": -1}, {"limit": "ten"}])
def test_team_members_paging_out_of_range_is_a_400(talk, params):
    r = talk.sync_get("team-members", **params)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "INVALID_REQUEST"


def test_async_token_missing_token_and_other_enterprise_are_refused(talk, sandbox):
    assert talk.sync_get("metadata", label="sandbox-async-1").status_code == 401
    assert talk.http.get(f"{talk.sync_root}/metadata").status_code == 401
    other = f"{sandbox.sync_url}/enterprise/{'0' * 24}/metadata"
    r = talk.http.get(other, headers={"Authorization": f"Bearer {sandbox.sync_token.value}"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "NOT_AUTHORIZED"
    assert sandbox.sync_token.value not in r.text


def test_unknown_resource_is_a_404(talk):
    assert talk.sync_get("no-such-thing").status_code == 404


def test_lead_search_finds_queued_leads_by_any_phone_writing(talk):
    for n in range(3):
        assert talk.post({"fields": {"phone": f"98765432{n}0", "name": f"Lead {n}"}}).status_code == 200
    talk.processed()
    r = talk.search({"phone": ["+919876543200", "919876543210", "9999999999"]})
    assert r.status_code == 200
    body = r.json()
    assert body["total_count"] == 2
    assert sorted(d["fields"]["name"] for d in body["data"]) == ["Lead 0", "Lead 1"]
    assert talk.search({"phone": ["919876543200"]}, skip=0, limit=100).json()["total_count"] == 1
    paged = talk.search({"phone": ["919876543200", "919876543210", "919876543220"]}, skip=1, limit=1).json()
    assert paged["total_count"] == 3 and len(paged["data"]) == 1


@pytest.mark.parametrize("params", [{"limit": 101}, {"limit": 0}])
def test_lead_search_limit_is_1_to_100(talk, params):
    assert talk.search({"phone": ["919876543210"]}, **params).status_code == 400


def test_lead_search_needs_fields_with_lists(talk, sandbox):
    headers = {"Authorization": f"Bearer {sandbox.sync_token.value}"}
    r = talk.http.post(f"{talk.sync_root}/lead/search", json={"fields": {"phone": "919876543210"}}, headers=headers)
    assert r.status_code == 400
    assert talk.http.get(f"{talk.sync_root}/lead/search", headers=headers).status_code == 405
