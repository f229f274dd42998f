"""Import modes, overwrite rules and the comparison with telecrm's stored values (pure core)."""

from __future__ import annotations

import pytest

from telecrm_desktop.core.send.import_modes import (
    ALREADY_THERE, NOT_THERE, SAME_VALUES, SEND, DecisionCounts, ImportRules, lookup_needed,
)
from telecrm_desktop.core.template.mapping import MappingError, mapping_to_dict, parse_mapping
from telecrm_desktop.core.workspace.stored_values import same_value, shown_value

TYPES = {"phone": "phone", "name": "text", "city": "text", "email": "email", "rating": "rating",
         "tags": "tags", "source": "dropdown", "visit": "date", "budget": "money", "size": "number"}


def rules(**kw) -> ImportRules:
    return ImportRules(field_types=TYPES, **kw)


BODY = {"fields": {"phone": "919800000001", "name": "Asha", "city": "Mumbai", "rating": 4}}


def test_a_new_lead_gets_every_value_whatever_the_rules():
    decision = rules(overwrite={"city": "never", "rating": "if_empty"}).decide("919800000001", BODY, None)
    assert decision.status == SEND and decision.body == BODY and not decision.existing


@pytest.mark.parametrize("mode, stored, status, reason", [
    ("new", {"phone": "919800000001"}, "skipped", ALREADY_THERE),
    ("existing", None, "skipped", NOT_THERE),
    ("new", None, SEND, ""),
    ("all", None, SEND, ""),
])
def test_modes(mode, stored, status, reason):
    decision = rules(mode=mode).decide("919800000001", BODY, stored)
    assert (decision.status, decision.reason) == (status, reason)
    assert (decision.body is None) == (status != SEND)


@pytest.mark.parametrize("rule, stored_city, sent", [
    ("always", "Pune", {"phone", "name", "city", "rating"}),
    ("always", None, {"phone", "name", "city", "rating"}),
    ("if_empty", "Pune", {"phone", "name", "rating"}),
    ("if_empty", None, {"phone", "name", "city", "rating"}),
    ("if_empty", "  ", {"phone", "name", "city", "rating"}),
    ("never", "Pune", {"phone", "name", "rating"}),
    ("never", None, {"phone", "name", "rating"}),
])
def test_overwrite_rules_leave_fields_out_of_an_existing_leads_request(rule, stored_city, sent):
    stored = {"phone": "919800000001", "name": "Asha", "rating": 2}
    if stored_city is not None:
        stored["city"] = stored_city
    decision = rules(overwrite={"city": rule}).decide("919800000001", BODY, stored)
    assert decision.status == SEND and set(decision.body["fields"]) == sent


def test_identical_lead_without_actions_is_unchanged_unless_sending_all():
    body = {"fields": {"phone": "919800000001", "email": "asha@example.com", "tags": ["a", "b"], "source": "Website",
                       "visit": 1793509200000, "budget": "25000", "size": 4, "rating": 3}}
    stored = {"phone": "+91 98000 00001", "email": " Asha@Example.COM", "tags": ["b", "a"], "source": "website",
              "visit": "01/11/2026 10:30:00", "budget": "25000.00", "size": "4.0", "rating": 3}
    decision = rules().decide("919800000001", body, stored)
    assert (decision.status, decision.reason, decision.existing) == ("unchanged", SAME_VALUES, True)
    assert rules(send_all=True).decide("919800000001", body, stored).status == SEND
    with_action = {**body, "actions": [{"type": "ACTION_1001", "fields": {"note": "x"}}]}
    decision = rules().decide("919800000001", with_action, stored)
    assert decision.status == SEND and decision.changes == () and decision.identical is False


def test_changes_are_written_field_old_new():
    stored = {"phone": "919800000001", "name": "Asha", "rating": 2}
    decision = rules().decide("919800000001", BODY, stored)
    assert decision.changes_text == "city: (empty) -> Mumbai; rating: 2 -> 4"


@pytest.mark.parametrize("type_name, sent, stored, same", [
    ("phone", "919800000001", "9800000001", True),
    ("phone", "919800000001", "919800000002", False),
    ("date", 1793509200000, "2026-11-01T10:30:00+05:30", True),
    ("date", 1793509200000, "2026-11-01T10:30:00", False),  # no offset: not understood
    ("date", 1793509200000, "sometime", False),
    ("date", 1793509200000, 1793509200000, True),
    ("number", 12.5, "12.50", True),
    ("number", 12, "twelve", False),
    ("tags", ["a", "b"], ["a"], False),
    ("tags", ["a"], "a", False),  # a stored form not understood
    ("dropdown", "Walk-in", "WALK-IN", True),
    ("text", "Asha", "asha", False),
    ("text", "12", 12, True),  # no type known: telecrm kept a number
    ("text", "twelve", 12, False),
    ("email", "a@b.co", "A@B.CO", True),
    ("rating", 3, "3", True),
    ("rating", 3, True, False),
])
def test_values_compare_as_telecrm_stores_them(type_name, sent, stored, same):
    assert same_value(type_name, sent, stored) is same


def test_shown_values():
    assert shown_value("tags", ["a", "b"]) == "a, b"
    assert shown_value("date", 1793509200000) == "01/11/2026 10:30"
    assert shown_value("text", "") == "(empty)"


def test_counts():
    counts = DecisionCounts()
    r = rules(mode="all")
    counts.add(r.decide("1", BODY, None))
    counts.add(r.decide("1", BODY, {"phone": "919800000001"}))
    counts.add(r.decide("1", BODY, dict(BODY["fields"])))
    counts.add(rules(mode="new").decide("1", BODY, {}))
    assert (counts.new, counts.changing, counts.identical, counts.skipped) == (1, 1, 1, 1)


def _mapping(rule):
    return {"format": "telecrm-mapping/1",
            "columns": {"Phone": {"to": "fields.phone"}, "City": {"to": "fields.city", "overwrite": rule}}}


def test_the_template_keeps_overwrite_and_refuses_an_unknown_rule():
    m = parse_mapping(_mapping("if_empty"))
    assert m.overwrite_rules() == {"city": "if_empty"}
    assert mapping_to_dict(m)["columns"]["City"] == {"to": "fields.city", "overwrite": "if_empty"}
    assert lookup_needed(m, "all") and not lookup_needed(parse_mapping(_mapping("always")), "all")
    with pytest.raises(MappingError, match=r'"columns.City.overwrite" is "sometimes"'):
        parse_mapping(_mapping("sometimes"))
    bad = {"format": "telecrm-mapping/1", "columns": {"Note": {"to": "actions.ACTION_1.note", "overwrite": "never"}}}
    with pytest.raises(MappingError, match="only to lead fields"):
        parse_mapping(bad)
