"""The bundled workspace is realistic enough to test schema handling against (issue 5)."""

import re

from telecrm_desktop.sandbox import load_workspace
from telecrm_desktop.sandbox.workspace import DEFAULT_WORKSPACE_FILE

TOKEN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\d{13}:"
                   r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_tokens_and_enterprise_look_like_telecrm_ones():
    ws = load_workspace()
    assert re.fullmatch(r"[0-9a-f]{24}", ws.enterprise_id)
    assert [t.type for t in ws.tokens].count("ASYNC") == 3
    assert [t.type for t in ws.tokens].count("SYNC") == 1
    assert all(TOKEN.match(t.value) for t in ws.tokens)
    assert len({t.value for t in ws.tokens}) == 4
    assert len({t.label for t in ws.tokens}) == 4


def test_fields_of_every_type_with_one_identifier():
    ws = load_workspace()
    types = {f["type"] for f in ws.fields.values()}
    assert types >= {"TEXT", "EMAIL", "PHONE", "NUMBER", "MONEY", "DATE", "DROPDOWN", "TAGS", "RATING",
                     "STATUS", "LOST_REASON", "ACTIVE_USERS", "WEBSITE", "MEDIALINK"}
    assert [name for name, f in ws.fields.items() if f["isLeadid"]] == [ws.identifier_field] == ["phone"]
    assert all(f["options"] for f in ws.fields.values() if f["type"] == "DROPDOWN")
    assert any(name != name.lower() for name in ws.fields), "a mixed-case API name tests case sensitivity"


def test_pipeline_team_and_actions_cover_the_awkward_cases():
    ws = load_workspace()
    assert ws.active_statuses and ws.archived_statuses and not ws.active_statuses & ws.archived_statuses
    assert len(ws.lost_reasons) >= 3
    assert len(ws.members) >= 21  # three pages of ten
    assert 0 < len(ws.active_member_emails) < len(ws.members)
    backdating = {code: ws.action_allows_backdating(code) for code in ws.actions}
    assert True in backdating.values() and False in backdating.values()
    assert all(a["code"].startswith("ACTION_") and a["fieldSchema"] for a in ws.actions.values())


def test_each_server_gets_its_own_copy_of_the_workspace():
    first, second = load_workspace(), load_workspace()
    first.add_dropdown_option("contact_source", "Webiste")
    assert "Webiste" in first.dropdown_options("contact_source")
    assert "Webiste" not in second.dropdown_options("contact_source")
    assert "Webiste" not in DEFAULT_WORKSPACE_FILE.read_text(encoding="utf-8")


def test_the_embedded_sandbox_is_one_per_process_and_serves():
    import httpx

    from telecrm_desktop.sandbox import embedded_sandbox, stop_embedded_sandbox

    first = embedded_sandbox()
    try:
        assert embedded_sandbox() is first
        r = httpx.get(f"{first.sync_url}/enterprise/{first.enterprise_id}/metadata",
                      headers={"Authorization": f"Bearer {first.sync_token.value}"})
        assert r.status_code == 200
    finally:
        stop_embedded_sandbox()
    second = embedded_sandbox()
    try:
        assert second is not first
    finally:
        stop_embedded_sandbox()
