"""The schema as pulled from the sandbox over HTTP, its cache file, and its age."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from telecrm_desktop.core.workspace.schema import Schema
from telecrm_desktop.core.workspace.schema_io import (
    SchemaFileError,
    build_schema,
    load_schema,
    newest_schema,
    pull_schema,
    save_schema,
    schema_age_text,
    schema_path,
)
from telecrm_desktop.core.type_names import mapping_type
from telecrm_desktop.core.secrets import SYNC, Token
from telecrm_desktop.core.workspace.sync_client import SyncClient
from telecrm_desktop.sandbox import DEFAULT_WORKSPACE_FILE, SandboxServer, load_workspace

WORKSPACE = load_workspace()


def test_pulled_schema_matches_the_workspace(client, sandbox):
    schema = pull_schema(client)
    assert schema.enterprise_id == sandbox.enterprise_id
    assert schema.workspace_name == WORKSPACE.name
    assert schema.identifier_field == "phone" and schema.fields["phone"].is_identifier
    assert sum(f.is_identifier for f in schema.fields.values()) == 1
    assert set(schema.fields) == set(WORKSPACE.fields)
    expected_types = {"phone": "phone", "name": "text", "email": "email", "status": "status",
                      "rating": "rating", "assignee": "user", "lost_reason": "lost_reason",
                      "contact_source": "dropdown", "tags": "tags", "budget": "money",
                      "family_size": "number", "follow_up_date": "date", "company_website": "website",
                      "brochure_link": "medialink", "PAN_Number": "text"}
    assert {name: schema.fields[name].type for name in expected_types} == expected_types
    assert schema.fields["contact_source"].options == tuple(WORKSPACE.dropdown_options("contact_source"))
    assert schema.fields["contact_source"].display_name == "Contact Source"
    assert set(schema.active_statuses) == WORKSPACE.active_statuses
    assert set(schema.archived_statuses) == WORKSPACE.archived_statuses
    assert set(schema.lost_reasons) == WORKSPACE.lost_reasons
    assert schema.archived_lost_reasons == ("Duplicate Lead",)
    assert set(schema.active_members) == set(WORKSPACE.active_member_emails)
    inactive = {m["email"].lower() for m in WORKSPACE.members if m["status"] != "Active"}
    assert inactive and set(schema.inactive_members) == inactive
    backdating = {code: a.allows_backdating for code, a in schema.actions.items()}
    assert backdating == {code: WORKSPACE.action_allows_backdating(code) for code in WORKSPACE.actions}
    assert True in backdating.values() and False in backdating.values()
    outcome = schema.actions["ACTION_1001"].fields["outcome"]
    assert outcome.type == "dropdown" and "Interested" in outcome.options
    assert schema.warnings == ()


def test_unknown_type_names_are_text_with_a_warning(tmp_path):
    definition = json.loads(DEFAULT_WORKSPACE_FILE.read_text(encoding="utf-8"))
    definition["customFields"].append({"id": "f" * 24, "apiName": "signature", "displayName": "Signature",
                                       "type": "E_SIGNATURE", "isLeadid": False})
    definition["customActions"][0]["fieldSchema"]["photo"] = {"type": "HOLOGRAM"}
    path = tmp_path / "workspace.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    with SandboxServer(path) as server:
        token = Token("sync-1", SYNC, server.sync_token.value)
        with SyncClient(server.sync_url, server.enterprise_id, token) as client:
            schema = pull_schema(client)
    assert schema.fields["signature"].type == "text"
    assert schema.actions["ACTION_1001"].fields["photo"].type == "text"
    assert len(schema.warnings) == 2
    assert '"signature" has the type "E_SIGNATURE", which this app does not know' in schema.warnings[0]
    assert "HOLOGRAM" in schema.warnings[1] and "ACTION_1001" in schema.warnings[1]
    # the warning survives the cache
    assert load_schema(save_schema(schema)).warnings == schema.warnings


@pytest.mark.parametrize("name, expected", [
    ("TEXT", "text"), ("NUMBER", "number"), ("EMAIL", "email"), ("PHONE", "phone"), ("DATE", "date"),
    ("DROPDOWN", "dropdown"), ("TAGS", "tags"), ("MONEY", "money"), ("RATING", "rating"),
    ("STATUS", "status"), ("LOST_REASON", "lost_reason"), ("lostReason", "lost_reason"),
    ("ACTIVE_USERS", "user"), ("activeUsers", "user"), ("WEBSITE", "website"), ("MEDIALINK", "medialink"),
    ("MEDIA_LINK", "medialink"), ("SIGNATURE", None), (None, None), (7, None)])
def test_type_names(name, expected):
    assert mapping_type(name) == expected


def test_identifier_from_metadata_by_api_name_or_field_id():
    fields = [{"apiName": "phone", "type": "PHONE", "isLeadid": False, "id": "a" * 24},
              {"apiName": "customer_code", "type": "TEXT", "isLeadid": False, "id": "b" * 24}]
    by_name = build_schema("c" * 24, {"leadIdentifierFieldId": "customer_code"}, fields, [], {}, [])
    by_id = build_schema("c" * 24, {"leadIdentifierFieldId": "B" * 24}, fields, [], {}, [])
    for schema in (by_name, by_id):
        assert schema.identifier_field == "customer_code"
        assert [n for n, f in schema.fields.items() if f.is_identifier] == ["customer_code"]
    # plain options, bare action codes, and standard fields absent from custom-fields
    schema = build_schema(None, {"id": "c" * 24}, [{"apiName": "src", "type": "DROPDOWN", "options": ["A", "B"]}],
                          [{"code": "1001", "fieldSchema": {"n": {"type": "TEXT"}}, "allowPredatedActivity": True}],
                          {}, [{"email": " Agent@X.com ", "status": "Inactive"}, {"email": "b@x.com"}])
    assert schema.enterprise_id == "c" * 24 and schema.fields["src"].options == ("A", "B")
    assert schema.actions["ACTION_1001"].allows_backdating
    assert schema.fields["assignee"].type == "user" and schema.fields["name"].type == "text"
    assert schema.inactive_members == ("agent@x.com",) and schema.active_members == ("b@x.com",)


def test_loosely_shaped_answers_are_read():
    fields = [{"apiName": "Email", "type": "EMAIL"}]
    pipeline = {"leadStages": [{"activeStatuses": ["New", {"label": "Won"}], "archivedStatuses": [{"label": "Old"}]}],
                "activeLeadLostReasons": [{"label": "Price"}, {"reasonLabel": "Timing"}]}
    members = [{"email": "a@x.com", "isActive": False}, {"email": "b@x.com", "status": "ACTIVE"},
               {"email": "c@x.com", "status": "Deactivated"}, {"name": "no e-mail"}]
    schema = build_schema("c" * 24, {"leadIdentifierFieldId": "email"}, fields, [], pipeline, members)
    assert schema.identifier_field == "Email" and schema.fields["Email"].is_identifier
    assert schema.active_statuses == ("New", "Won") and schema.archived_statuses == ("Old",)
    assert schema.lost_reasons == ("Price", "Timing")
    assert schema.active_members == ("b@x.com",) and schema.inactive_members == ("a@x.com", "c@x.com")
    unknown = build_schema("c" * 24, {"leadIdentifierFieldId": "mobile_no"}, fields, [], {}, [])
    assert unknown.identifier_field == "phone" and '"mobile_no"' in unknown.warnings[0]


def test_cache_round_trip_and_newest(client, sandbox, data_home):
    assert newest_schema(sandbox.enterprise_id) is None
    schema = pull_schema(client)
    path = save_schema(schema)
    assert path == data_home / "schemas" / f"{sandbox.enterprise_id}.json"
    assert path == schema_path(sandbox.enterprise_id.upper())
    again = newest_schema(sandbox.enterprise_id)
    assert again == schema
    assert json.loads(path.read_text(encoding="utf-8"))["pulled_at"] == schema.pulled_at
    assert not list(path.parent.glob("*.tmp"))


def test_age_text():
    pulled = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)
    schema = Schema(pulled_at="2026-11-20T09:00:00Z")
    ages = {dt.timedelta(seconds=20): "pulled just now", dt.timedelta(minutes=1): "pulled 1 minute ago",
            dt.timedelta(minutes=59): "pulled 59 minutes ago", dt.timedelta(hours=5): "pulled 5 hours ago",
            dt.timedelta(days=3, hours=23): "pulled 3 days ago"}
    for delta, text in ages.items():
        assert schema_age_text(schema, now=pulled + delta) == text
    assert schema_age_text(Schema(pulled_at=None)) == "pulled at an unknown time"


@pytest.mark.parametrize("content, words", [
    (None, "does not exist"), ("{not json", "is not valid JSON"), ("[1, 2]", "does not hold a JSON object"),
    ('{"format": "telecrm-mapping/1"}', "is not a telecrm-schema/1 file"),
    ('{"format": "telecrm-schema/1", "fields": [{"type": "TEXT"}]}', "an entry is malformed")])
def test_unreadable_schema_files_name_the_file(tmp_path, content, words):
    path = tmp_path / "workspace schema.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(SchemaFileError) as caught:
        load_schema(path)
    assert str(path) in str(caught.value) and words in str(caught.value)
