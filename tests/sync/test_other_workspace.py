"""End to end against a workspace unlike the sandbox's default: its schema pulled over HTTP, a
template with mis-cased names refused with the right fixes, then every bad value of a real CSV
flagged by the row pipeline before anything is sent."""

from __future__ import annotations

import json

import pytest

from telecrm_desktop.core.template.mapping import parse_mapping
from telecrm_desktop.core.check.merge import build_leads
from telecrm_desktop.core.workspace.schema_io import pull_schema
from telecrm_desktop.core.workspace.schema_rules import check_mapping_against_schema
from telecrm_desktop.core.secrets import SYNC, Token
from telecrm_desktop.core.sources import open_sheet, read_table
from telecrm_desktop.core.workspace.sync_client import SyncClient
from telecrm_desktop.sandbox import DEFAULT_WORKSPACE_FILE, SandboxServer


def other_workspace(tmp_path):
    d = json.loads(DEFAULT_WORKSPACE_FILE.read_text(encoding="utf-8"))
    d["enterprise"]["id"] = "0123456789abcdef01234567"
    d["enterprise"]["leadIdentifierFieldId"] = "email"
    for f in d["customFields"]:
        f["isLeadid"] = f["apiName"] == "email"
    d["customFields"] = [f for f in d["customFields"] if f["apiName"] not in ("contact_source", "city")]
    d["customFields"].append({"id": "ab" * 12, "apiName": "Lead_Source", "displayName": "Lead Source",
                              "type": "DROPDOWN", "isLeadid": False,
                              "options": [{"id": "cd" * 12, "label": "Newspaper"}, {"id": "ef" * 12, "label": "Radio Ad"}]})
    d["customFields"].append({"id": "12" * 12, "apiName": "Town", "displayName": "Town", "type": "TEXT", "isLeadid": False})
    stages = d["pipeline"]["leadStages"]
    stages[0]["activeStatuses"] = [{"id": "34" * 12, "label": "New Enquiry"}, {"id": "56" * 12, "label": "Qualified"}]
    stages[0]["archivedStatuses"] = [{"id": "78" * 12, "label": "Cold"}]
    d["teamMembers"] = [{"id": f"{n:024x}", "name": f"Agent {n}", "email": f"agent{n}@other.example",
                         "status": "Active" if n % 4 else "Inactive"} for n in range(1, 14)]
    path = tmp_path / "other.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    return path


@pytest.fixture
def other_schema(tmp_path):
    with SandboxServer(other_workspace(tmp_path)) as server:
        token = Token("sync-1", SYNC, server.sync_token.value)
        with SyncClient(server.sync_url, server.enterprise_id, token) as client:
            yield pull_schema(client)


COLUMNS = {"Mail": {"to": "fields.email"}, "Name": {"to": "fields.name"}, "Town": {"to": "fields.town"},
           "Source": {"to": "fields.lead_source"}, "Stage": {"to": "fields.status"},
           "Owner": {"to": "fields.assignee"}}


def test_template_and_rows_against_another_workspace(other_schema, tmp_path):
    assert other_schema.identifier_field == "email" and len(other_schema.active_members) == 10
    problems = check_mapping_against_schema(parse_mapping({"format": "telecrm-mapping/1", "columns": COLUMNS}),
                                            other_schema)
    assert {p.target: p.suggestion for p in problems if p.is_error} == {
        "fields.town": "fields.Town", "fields.lead_source": "fields.Lead_Source"}

    fixed = dict(COLUMNS, Town={"to": "fields.Town"}, Source={"to": "fields.Lead_Source"})
    mapping = parse_mapping({"format": "telecrm-mapping/1", "identifier": "email", "columns": fixed})
    assert [p for p in check_mapping_against_schema(mapping, other_schema) if p.is_error] == []
    sheet = tmp_path / "leads.csv"
    sheet.write_text(
        "Mail,Name,Town,Source,Stage,Owner\n"
        "a@x.com,Ann,Pune,Newspaper,Qualified,agent1@other.example\n"  # row 2: fine
        "b@x.com,Ben,Goa,Newspaper,Cold,agent2@other.example\n"  # 3: archived status
        "c@x.com,Cat,Goa,Radio Ad,New Enquiry,agent4@other.example\n"  # 4: inactive member
        "d@x.com,Dan,Goa,Radio Ad,New Enquiry,agent99@other.example\n"  # 5: not a member
        "e@x.com,Eve,Goa,Newspapr,qualified,AGENT3@other.example\n"  # 6: typo'd option, case of status
        "f@x.com,Fay,Goa,radio ad,Qualified,agent5@other.example\n",  # 7: option in the wrong case
        encoding="utf-8")
    result = build_leads(read_table(open_sheet(sheet)), mapping, other_schema)
    by_row = {r.row: r for r in result.rows}
    assert by_row[2].status == "ready" and not by_row[2].warnings
    assert [f.rule for f in by_row[3].errors] == ["status.archived"]
    assert [f.rule for f in by_row[4].errors] == ["assignee.inactive"]
    assert [f.rule for f in by_row[5].errors] == ["assignee.unknown"]
    assert [(f.rule, f.value) for f in by_row[6].errors] == [("status.unknown", "qualified")]
    assert 'did you mean "Qualified"' in by_row[6].errors[0].message
    assert [(f.rule, f.severity) for f in by_row[6].warnings] == [("dropdown.new_option", "warning")]
    assert 'the nearest option is "Newspaper"' in by_row[6].warnings[0].message
    assert by_row[7].status == "ready"
    assert 'the nearest option is "Radio Ad"' in by_row[7].warnings[0].message
    for row in (3, 4, 5, 6):
        assert by_row[row].status == "invalid"
        assert by_row[row].errors[0].message.startswith(f"Row {row}, column ")
