"""Templates and values judged against the sandbox workspace's schema."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telecrm_desktop.core.template.mapping import parse_mapping
from telecrm_desktop.core.workspace.schema_io import build_schema
from telecrm_desktop.core.workspace.schema_rules import SchemaRules, check_mapping_against_schema, nearest_name, nearest_option
from telecrm_desktop.sandbox import load_workspace

WS = load_workspace()
SCHEMA = build_schema(WS.enterprise_id, WS.metadata_answer(), WS.custom_fields_answer(True)["customFields"],
                      WS.custom_actions_answer(True)["customActions"], WS.pipeline_answer(), WS.members)
RULES = SchemaRules(SCHEMA)


def template(columns, constants=None, combined=None):
    data = {"format": "telecrm-mapping/1", "columns": {"Mobile": {"to": "fields.phone"}, **columns}}
    if constants:
        data["constants"] = constants
    if combined:
        data["combined"] = combined
    return parse_mapping(data)


def by_target(problems):
    return {p.target: p for p in problems}


def test_a_fitting_template_has_no_problem():
    mapping = template({"Name": {"to": "fields.name"}, "Town": {"to": "fields.city"},
                        "PAN": {"to": "fields.PAN_Number"}, "Source": {"to": "fields.contact_source"},
                        "Visit": [{"to": "actions.ACTION_1001.created_on"}, {"to": "actions.ACTION_1001.note"}],
                        "Paid": {"to": "actions.PAYMENT.amount"}},
                       constants={"fields.status": "Fresh", "actions.PAYMENT.currency": "INR"})
    assert check_mapping_against_schema(mapping, SCHEMA) == []


@pytest.mark.parametrize("written, fix", [
    ("fields.City", "fields.city"), ("fields.pan_number", "fields.PAN_Number"),
    ("fields.Company Name", "fields.company_name"), ("fields.compnay_name", "fields.company_name"),
    ("fields.follow_up_dat", "fields.follow_up_date"), ("fields.Alternate-Phone", "fields.alternate_phone"),
    ("fields.favourite_colour", None),
    ("actions.1001.note", "actions.ACTION_1001.note"), ("actions.action_1002.note", "actions.ACTION_1002.note"),
    ("actions.Site Visit.note", "actions.ACTION_1001.note"), ("actions.ACTION_1009.note", None),
    ("actions.ACTION_1001.notes", "actions.ACTION_1001.note"), ("actions.ACTION_1003.Channel", "actions.ACTION_1003.channel"),
    ("actions.ACTION_1004.colour", None),
])
def test_targets_the_workspace_lacks_are_errors_with_the_right_fix(written, fix):
    problems = check_mapping_against_schema(template({"Source column": {"to": written}}), SCHEMA)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.is_error and problem.target == written and problem.suggestion == fix
    assert problem.message.startswith('Column "Source column" goes to "' + written + '"')
    if fix:
        assert "did you mean" in problem.message
    else:
        assert "did you mean" not in problem.message and ("are" in problem.message or "fields" in problem.message)


def test_problems_from_combined_and_constants_name_their_source():
    mapping = template({}, constants={"fields.Status": "Fresh"},
                       combined={"fields.remark": {"columns": ["A", "B"]}})
    problems = by_target(check_mapping_against_schema(mapping, SCHEMA))
    assert problems["fields.Status"].suggestion == "fields.status"
    assert problems["fields.Status"].message.startswith('The constant goes to "fields.Status"')
    assert problems["fields.remark"].message.startswith('The combined value of "A", "B" goes to')


def test_constant_values_are_judged_too():
    mapping = template({}, constants={"fields.status": "Old Enquiry", "fields.contact_source": "Webiste",
                                      "fields.assignee": "PRIYA.NAIR@sunrise-homes.example",
                                      "actions.ACTION_1003.channel": "whatsapp", "actions.ACTION_1003.brochure": "x"})
    problems = by_target(check_mapping_against_schema(mapping, SCHEMA))
    assert set(problems) == {"fields.status", "fields.contact_source", "actions.ACTION_1003.channel"}
    assert problems["fields.status"].rule == "status.archived" and problems["fields.status"].is_error
    assert problems["fields.contact_source"].rule == "dropdown.new_option"
    assert problems["fields.contact_source"].severity == "warning"
    assert problems["fields.contact_source"].suggestion == "Website"
    assert problems["actions.ACTION_1003.channel"].suggestion == "WhatsApp"


def test_warnings_backdating_type_and_identifier():
    mapping = parse_mapping({"format": "telecrm-mapping/1", "columns": {
        "When": {"to": "actions.ACTION_1002.created_on"}, "Src": {"to": "fields.contact_source", "type": "number"},
        "Notes": {"to": "fields.city", "type": "email"}}})
    problems = by_target(check_mapping_against_schema(mapping, SCHEMA))
    assert problems["actions.ACTION_1002.created_on"].rule == "schema.no_backdating"
    assert problems["actions.ACTION_1002.created_on"].severity == "warning"
    assert problems["fields.contact_source"].rule == "schema.type_mismatch"
    assert "fields.city" not in problems  # a text field may hold e-mails
    assert problems["fields.phone"].rule == "schema.identifier_unmapped" and problems["fields.phone"].is_error
    ordered = check_mapping_against_schema(mapping, SCHEMA)
    assert "fields.email" not in problems  # the template left the identifier at its default
    assert ordered[0].is_error and not ordered[-1].is_error


def test_a_template_naming_another_identifier_is_told_the_workspace_one():
    mapping = parse_mapping({"format": "telecrm-mapping/1", "identifier": "email",
                             "columns": {"Mail": {"to": "fields.email"}, "Mobile": {"to": "fields.phone"}}})
    [problem] = check_mapping_against_schema(mapping, SCHEMA)
    assert problem.rule == "schema.identifier_differs" and problem.severity == "warning"
    assert problem.suggestion == "phone" and 'matches leads on "phone"' in problem.message


# -- values -------------------------------------------------------------------------------------


def test_status_values():
    assert RULES.status_problem("Fresh") is None
    archived = RULES.status_problem("Call Later")
    assert archived.rule == "status.archived" and archived.severity == "error" and "archived" in archived.reason
    assert RULES.status_problem("junk").rule == "status.archived"
    assert RULES.status_problem("fresh") == ("status.unknown", RULES.status_problem("fresh").reason, "error", "Fresh")
    assert RULES.status_problem("Intrested").suggestion == "Interested"
    unknown = RULES.status_problem("Hot")
    assert unknown.suggestion is None and '"Fresh", "Contacted"' in unknown.reason


def test_lost_reasons_and_assignees():
    assert RULES.lost_reason_problem("No Need") is None
    assert RULES.lost_reason_problem("Duplicate Lead").rule == "lost_reason.archived"
    assert RULES.lost_reason_problem("budget issue").suggestion == "Budget Issue"
    active = next(e for e in SCHEMA.active_members)
    assert RULES.assignee_problem(active) is None and RULES.assignee_problem(active.upper()) is None
    inactive = SCHEMA.inactive_members[0]
    assert RULES.assignee_problem(inactive).rule == "assignee.inactive"
    typo = RULES.assignee_problem(active.replace(".example", ".exmaple"))
    assert typo.rule == "assignee.unknown" and typo.suggestion == active
    assert RULES.assignee_problem("someone@elsewhere.com").suggestion is None


@pytest.mark.parametrize("value, fix", [
    ("Webiste", "Website"), ("website", "Website"), ("Refferal", "Referral"), ("walk in", "Walk-in"),
    ("Facebook", "Facebook Ads"), ("google ads", "Google Ads"), ("Tradeshow", "Trade Show"), ("Newspaper", None),
    ("Bing Ads", None),  # shares "ads" with two options: no fix is better than a wrong one
])
def test_dropdown_value_not_an_option_is_a_warning_with_the_nearest(value, fix):
    problem = RULES.value_problem("contact_source", value)
    assert problem.rule == "dropdown.new_option" and problem.severity == "warning"
    assert problem.suggestion == fix
    assert ("nearest option" in problem.reason) == (fix is not None)
    assert RULES.value_problem("contact_source", "Website") is None
    assert RULES.value_problem("city", "anything") is None and RULES.value_problem("nope", "x") is None


def test_dispatch_by_field_type():
    assert RULES.value_problem("status", "Junk").rule == "status.archived"
    assert RULES.value_problem("lost_reason", "Nope").rule == "lost_reason.unknown"
    assert RULES.value_problem("assignee", "x@y.z").rule == "assignee.unknown"
    assert RULES.action_value_problem("ACTION_1001", "outcome", "Intrested").suggestion == "Interested"
    assert RULES.action_value_problem("ACTION_1001", "note", "free text") is None


def test_actions_and_their_fields():
    assert RULES.action_problem("ACTION_1001") is None and RULES.action_problem("PAYMENT") is None
    assert RULES.action_problem("1001").suggestion == "ACTION_1001"
    assert RULES.action_problem("ACTION_1005").suggestion is None  # never guess another number
    assert RULES.action_field_problem("ACTION_1001", "note") is None
    assert RULES.action_field_problem("ACTION_1001", "created_on") is None
    assert RULES.action_field_problem("ACTION_1001", "Outcome").suggestion == "outcome"


def test_backdated_created_on():
    now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.timezone.utc)
    past = "01/01/2026 10:00:00"
    assert RULES.backdated_problem("ACTION_1002", past, now=now).rule == "action.backdated"
    assert RULES.backdated_problem("ACTION_1002", past, now=now).severity == "warning"
    assert RULES.backdated_problem("ACTION_1001", past, now=now) is None  # allows backdating
    # 17:29 in Kolkata is 11:59 UTC: within the grace, not backdated
    assert RULES.backdated_problem("ACTION_1002", "24/11/2026 17:29:00", now=now) is None
    assert RULES.backdated_problem("ACTION_1002", "24/11/2026 17:00:00", now=now) is not None
    epoch = int((now - dt.timedelta(days=2)).timestamp() * 1000)
    assert RULES.backdated_problem("ACTION_1002", epoch, now=now) is not None
    assert RULES.backdated_problem("ACTION_1002", "not a date", now=now) is None


def test_per_value_checks_are_fast():
    values = ["Fresh", "Junk", "Webiste", "Call Later"] * 25_000
    started = time.perf_counter()
    for value in values:
        RULES.value_problem("status", value)
        RULES.value_problem("contact_source", value)
    assert time.perf_counter() - started < 1.0  # 200,000 checks


# -- nearest names --------------------------------------------------------------------------------


def test_ambiguous_names_get_no_suggestion():
    assert nearest_name("CITY", ["city", "City"]) is None
    assert nearest_name("company name", ["company_name", "Company-Name"]) is None
    assert nearest_name("company name", ["company_name", "city"]) == "company_name"
    assert nearest_option("Lost", ["Lost", "lost"]) == "Lost"


_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)


@settings(max_examples=100, deadline=None)
@given(st.lists(_words, min_size=1, max_size=8, unique=True), st.data())
def test_any_spelling_of_an_option_finds_it(options, data):
    options = [o.capitalize() for o in options]
    chosen = data.draw(st.sampled_from(options))
    variant = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in chosen)
    assert nearest_option(variant, options) == chosen
    assert nearest_name(variant, options) == chosen


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=12), st.lists(st.text(min_size=1, max_size=12), max_size=8))
def test_nearest_is_always_one_of_the_options(value, options):
    found = nearest_option(value, options)
    assert found is None or found in options
    named = nearest_name(value, options)
    assert named is None or named in options
