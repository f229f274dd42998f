"""Background processing applies telecrm's silent drops (telecrm-api.md section 2) to what was queued.

Every request here is answered 200 QUEUED; what the lead ends up holding is what is checked.
"""

import datetime as dt
import json
import time
from zoneinfo import ZoneInfo

import pytest

from telecrm_desktop.sandbox import SandboxServer, load_workspace
from tests.sandbox.conftest import Talk

PHONE = "919876543210"


def send(talk, fields=None, actions=None):
    body = {"fields": {"phone": PHONE, **(fields or {})}}
    if actions is not None:
        body["actions"] = actions
    assert talk.post(body).status_code == 200
    return talk.processed().lead(PHONE)


def drops_of(lead, kind=None):
    return {d["name"]: d for d in lead.drops if kind in (None, d["kind"])}


@pytest.mark.parametrize(
    "field, bad, good",
    [
        ("tags", "VIP, Returning", ["VIP", "Returning"]),
        ("rating", "3", 3),
        ("rating", 7, 5),
        ("alternate_phone", "99999", "919812345678"),
        ("follow_up_date", "2026-01-01T10:30:00Z", 1767225600000),
        ("status", "Freshh", "Fresh"),
        ("status", "Call Later", "Contacted"),  # archived
        ("lost_reason", "Too Expensive", "No Need"),
        ("assignee", "someone@else.example", "priya.nair@sunrise-homes.example"),
        ("assignee", "rohan.mehta@sunrise-homes.example", "aarav.sharma@sunrise-homes.example"),  # inactive
        ("family_size", "4", 4),
        ("budget", 5000, "5000"),
        ("email", "not-an-email", "asha@example.com"),
        ("company_website", "example dot com", "https://example.com"),
        ("brochure_link", "ftp://files/b.pdf", "https://cdn.example.com/b.pdf"),
        ("name", 12345, "Asha"),
    ],
)
def test_a_value_that_does_not_fit_its_type_is_dropped_and_the_rest_written(talk, field, bad, good):
    lead = send(talk, {field: bad, "city": "Pune"})
    assert field not in lead.fields
    assert lead.fields["city"] == "Pune"
    assert drops_of(lead, "field")[field]["value"] == bad
    lead = send(talk, {field: good})
    assert field in lead.fields


def test_stored_forms_of_good_values(talk):
    lead = send(talk, {
        "alternate_phone": "+447911123456",
        "follow_up_date": "01/02/2026 10:30:00",
        "tags": ["VIP"],
        "assignee": "  Priya.Nair@Sunrise-Homes.example ",
        "family_size": 4.5,
        "name": "  spaced  ",
    })
    ist = ZoneInfo("Asia/Kolkata")
    assert lead.fields["alternate_phone"] == "447911123456"
    assert lead.fields["follow_up_date"] == int(dt.datetime(2026, 2, 1, 10, 30, tzinfo=ist).timestamp() * 1000)
    assert lead.fields["assignee"] == "priya.nair@sunrise-homes.example"
    assert lead.fields["name"] == "  spaced  "  # text is kept as sent
    lead = send(talk, {"follow_up_date": "31/02/2026"})
    assert "follow_up_date" in drops_of(lead, "field")


def test_field_name_in_the_wrong_case_is_ignored(talk):
    lead = send(talk, {"pan_number": "ABCDE1234F", "Name": "Wrong"})
    assert "pan_number" not in lead.fields and "Name" not in lead.fields
    assert set(drops_of(lead, "unknown_field")) == {"pan_number", "Name"}
    assert send(talk, {"PAN_Number": "ABCDE1234F"}).fields["PAN_Number"] == "ABCDE1234F"


def test_dropdown_typo_is_not_dropped_but_creates_an_option(talk):
    lead = send(talk, {"contact_source": "Webiste"})
    assert lead.fields["contact_source"] == "Webiste"
    assert drops_of(lead, "new_option")["contact_source"]["value"] == "Webiste"
    options = next(f for f in talk.sync_get("custom-fields").json()["customFields"] if f["apiName"] == "contact_source")
    assert "Webiste" in options["options"]
    lead = send(talk, {"contact_source": "Webiste"})  # now an option: no second creation
    assert [d["kind"] for d in lead.drops].count("new_option") == 1


def test_identifier_missing_empty_or_invalid_drops_the_whole_request(talk):
    for body in ({"fields": {"name": "No phone"}}, {"fields": {"phone": "", "name": "x"}},
                 {"fields": {"phone": "99999", "name": "x"}}, {"actions": []}, {"fields": "phone"}):
        assert talk.post(body).status_code == 200
    state = talk.processed()
    assert state.leads() == {}
    assert len(state.dropped_requests()) == 5


def test_phone_writings_match_one_lead_and_unsent_fields_stay(talk):
    for phone, fields in (("+919876543210", {"name": "Asha", "city": "Pune"}),
                          ("919876543210", {"city": "Mumbai"}),
                          ("9876543210", {"rating": 4})):
        assert talk.post({"fields": {"phone": phone, **fields}}).status_code == 200
    state = talk.processed()
    assert list(state.leads()) == [PHONE]
    assert state.lead(PHONE).fields == {"phone": PHONE, "name": "Asha", "city": "Mumbai", "rating": 4}
    assert state.lead(PHONE).requests == 3


def test_empty_and_null_values_leave_the_field_unchanged(talk):
    send(talk, {"city": "Pune"})
    lead = send(talk, {"city": "", "name": None})
    assert lead.fields["city"] == "Pune" and "name" not in lead.fields
    assert drops_of(lead, "empty").keys() == {"city", "name"}


def test_field_locked_after_create_keeps_its_first_value(talk):
    send(talk, {"first_source": "Online"})
    lead = send(talk, {"first_source": "Offline"})
    assert lead.fields["first_source"] == "Online"
    assert drops_of(lead, "locked")["first_source"]["value"] == "Offline"


def test_actions_without_prefix_or_unknown_are_dropped_the_rest_appended_in_order(talk):
    lead = send(talk, actions=[
        {"type": "1001", "fields": {"note": "bare code"}},
        {"type": "ACTION_1001", "fields": {"note": "first"}},
        {"type": "ACTION_9999", "fields": {"note": "unknown code"}},
        {"type": "action_1002", "fields": {"note": "lower case"}},
        {"type": "ACTION_1002", "fields": {"note": "second", "mood": "unknown field"}},
    ])
    assert [(a["type"], a["fields"].get("note")) for a in lead.actions] == [("ACTION_1001", "first"), ("ACTION_1002", "second")]
    assert {d["name"] for d in lead.drops if d["kind"] == "action"} == {"1001", "ACTION_9999", "action_1002"}
    assert drops_of(lead, "action_field")["ACTION_1002.mood"]["value"] == "unknown field"


def test_action_fields_are_checked_against_the_field_schema(talk):
    lead = send(talk, actions=[{"type": "ACTION_1001", "fields": {"outcome": "Maybe", "visit_date": "2026-01-01", "note": "ok"}}])
    assert lead.actions[0]["fields"] == {"note": "ok"}
    assert set(drops_of(lead, "action_field")) == {"ACTION_1001.outcome", "ACTION_1001.visit_date"}


def test_created_on_is_kept_only_where_backdating_is_allowed(talk):
    lead = send(talk, actions=[
        {"type": "ACTION_1001", "fields": {"note": "backdated"}, "created_on": "15/01/2026 09:00:00"},
        {"type": "ACTION_1002", "fields": {"note": "not allowed"}, "created_on": "15/01/2026 09:00:00"},
        {"type": "ACTION_1003", "fields": {"channel": "Email"}, "created_on": "2026-01-15T09:00:00"},
    ])
    assert "created_on" in lead.actions[0]
    assert "created_on" not in lead.actions[1] and "created_on" not in lead.actions[2]
    assert set(drops_of(lead, "created_on")) == {"ACTION_1002", "ACTION_1003"}


@pytest.mark.parametrize("payment, kept", [
    ({"type": "PAYMENT", "status": "COMPLETED", "currency": "INR", "amount": "5000"}, True),
    ({"type": "PAYMENT", "status": "PENDING", "currency": "USD", "amount": "12.50"}, True),
    ({"type": "PAYMENT", "status": "COMPLETED", "currency": "INR", "amount": 5000}, False),
    ({"type": "PAYMENT", "status": "COMPLETED", "currency": "INR", "amount": "0"}, False),
    ({"type": "PAYMENT", "status": "COMPLETED", "currency": "INR", "amount": "-5"}, False),
    ({"type": "PAYMENT", "status": "COMPLETED", "currency": "INR", "amount": "5,000"}, False),
    ({"type": "PAYMENT", "status": "PAID", "currency": "INR", "amount": "5000"}, False),
    ({"type": "PAYMENT", "status": "COMPLETED", "currency": "EUR", "amount": "5000"}, False),
    ({"type": "PAYMENT", "status": "COMPLETED", "amount": "5000"}, False),
])
def test_payment_needs_all_four_parts_valid(talk, payment, kept):
    lead = send(talk, actions=[payment])
    assert (lead.actions == [payment]) is kept
    assert bool(drops_of(lead, "action")) is not kept


def test_resending_a_request_doubles_its_actions_and_the_state_shows_it(talk):
    action = {"type": "ACTION_1002", "fields": {"note": "call me"}}
    send(talk, actions=[action])
    assert talk.sandbox.state.doubled_actions() == []
    lead = send(talk, actions=[action])
    assert len(lead.actions) == 2
    [(key, fingerprint, times)] = talk.sandbox.state.doubled_actions()
    assert key == PHONE and json.loads(fingerprint) == action and times == 2


def test_email_identifier_is_trimmed_and_case_insensitive():
    ws = load_workspace()
    ws.definition["enterprise"]["leadIdentifierFieldId"] = "email"
    for field in ws.definition["customFields"]:
        field["isLeadid"] = field["apiName"] == "email"
    with SandboxServer(type(ws)(ws.definition)) as sandbox:
        talk = Talk(sandbox)
        for email in ("Asha@Example.com", "  asha@example.COM "):
            assert talk.post({"fields": {"email": email, "name": "Asha"}}).status_code == 200
        assert talk.post({"fields": {"phone": PHONE}}).status_code == 200  # no identifier: dropped
        state = talk.processed()
        assert list(state.leads()) == ["asha@example.com"]
        assert state.lead("ASHA@example.com").requests == 2
        assert len(state.dropped_requests()) == 1


def test_processing_delay_keeps_leads_out_of_search_until_processed():
    with SandboxServer(processing_delay=2.0) as sandbox:
        talk = Talk(sandbox)
        started = time.monotonic()  # before the post: the delay runs from the server's receipt, later
        assert talk.post({"fields": {"phone": PHONE}}).status_code == 200
        assert talk.search({"phone": [PHONE]}).json()["total_count"] == 0
        talk.processed()
        assert time.monotonic() - started >= 1.95  # a lower bound only: load cannot make it shorter
        assert talk.search({"phone": [PHONE]}).json()["total_count"] == 1
