"""telecrm-mapping/1: every key read, unknown keys kept, bad templates refused naming the key."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from telecrm_desktop.core.template.mapping import (
    Combined, Mapping, MappingError, Target, load_mapping, mapping_to_dict, parse_mapping, save_mapping,
    target_type,
)
from telecrm_desktop.core.workspace.schema import ActionDef, FieldDef, Schema

TEMPLATES_DOC = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def doc_examples() -> list[dict]:
    """The JSON templates that docs/templates.md shows, in order."""
    text = TEMPLATES_DOC.read_text(encoding="utf-8")
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def spec_example() -> dict:
    """The complete example of docs/templates.md (its first template)."""
    return doc_examples()[0]


def test_the_spec_example_reads_every_key():
    m = parse_mapping(spec_example(), "expo.json")
    assert (m.name, m.sheet, m.header_row, m.identifier) == ("Expo visitors", "Visitors", 3, "phone")
    assert (m.country, m.timezone, m.date_order) == ("IN", "Asia/Kolkata", "DMY")
    assert m.columns["Visitor Name"] == [Target("fields.name")]
    assert m.columns["Interests"] == [Target("fields.interests", "tags", {"separator": ";"})]
    assert m.columns["Interests"][0].separator == ";"
    assert [t.path for t in m.columns["Visit Date"]] == ["fields.visit_date", "actions.ACTION_1001.created_on"]
    assert m.columns["Internal ref"] == []
    assert m.constants["actions.PAYMENT.status"] == "COMPLETED"
    assert m.combined["fields.name"] == Combined(["First Name", "Last Name"], " ", False)
    assert m.combined["fields.remarks"] == Combined(["Budget?", "Preferred time?"], "\n", True)


def test_the_spec_example_survives_a_round_trip_unchanged():
    data = spec_example()
    assert mapping_to_dict(parse_mapping(copy.deepcopy(data))) == data


def test_every_template_the_docs_show_loads_and_round_trips():
    examples = doc_examples()
    assert len(examples) >= 3  # the complete one, overwrite, combined
    assert any("overwrite" in target for example in examples for target in example["columns"].values() if target)
    for data in examples:
        template = parse_mapping(copy.deepcopy(data), "docs/templates.md")
        # saving writes defaults out (a combined separator), so compare what the saved file means
        assert parse_mapping(mapping_to_dict(template)) == template


def test_defaults_when_keys_are_left_out():
    m = parse_mapping({"columns": {"Phone": {"to": "fields.phone"}}})
    assert (m.identifier, m.country, m.timezone, m.date_order) == ("phone", "IN", "Asia/Kolkata", "DMY")
    assert m.header_row is None and m.sheet is None and m.constants == {} and m.combined == {}
    assert mapping_to_dict(m) == {"format": "telecrm-mapping/1", "columns": {"Phone": {"to": "fields.phone"}}}


def test_context_values_are_read_as_people_write_them():
    m = parse_mapping({"format": "telecrm-mapping/1", "country": "ae", "timezone": " Asia/Dubai ",
                       "date_order": "mdy", "columns": {}})
    assert (m.country, m.timezone, m.date_order) == ("AE", "Asia/Dubai", "MDY")


def test_unknown_keys_are_kept_and_written_back(tmp_path):
    data = {
        "format": "telecrm-mapping/1",
        "columns": {"Mobile": {"to": "fields.phone", "note": "from the expo", "x-ui": {"width": 120}}},
        "combined": {"fields.remarks": {"columns": ["A", "B"], "separator": "; ", "x-ui": 1}},
        "x-created-by": "telecrm-desktop 9.0",
        "future_option": [1, 2, 3],
    }
    m = parse_mapping(copy.deepcopy(data))
    assert m.extra == {"x-created-by": "telecrm-desktop 9.0", "future_option": [1, 2, 3]}
    assert m.columns["Mobile"][0].options == {"note": "from the expo", "x-ui": {"width": 120}}
    path = tmp_path / "t.json"
    save_mapping(m, path)
    assert json.loads(path.read_text(encoding="utf-8")) == data


def test_save_then_load_keeps_everything(tmp_path):
    m = parse_mapping(spec_example(), "expo.json")
    m.name = "Salon — visiteurs ✓"
    path = tmp_path / "expo.mapping.json"
    save_mapping(m, path)
    assert "✓" in path.read_text(encoding="utf-8")  # written as UTF-8, not escaped
    again = load_mapping(path)
    assert mapping_to_dict(again) == mapping_to_dict(m)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_a_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"format": "telecrm-mapping/1", "columns": {}}).encode())
    assert load_mapping(path).columns == {}


def test_a_well_formed_action_of_an_unknown_type_loads():
    # the spec makes such rows invalid (see test_pipeline), so the template itself is accepted
    m = parse_mapping({"columns": {"Note": {"to": "actions.1001.note"}}})
    assert m.columns["Note"][0].action_type == "1001"


REFUSED = [
    ({"format": "telecrm-mapping/2"}, '"format"'),
    ({"format": 1}, '"format"'),
    ({"name": 5}, '"name"'),
    ({"sheet": ["Leads"]}, '"sheet"'),
    ({"header_row": 0}, '"header_row"'),
    ({"header_row": -2}, '"header_row"'),
    ({"header_row": "3"}, '"header_row"'),
    ({"header_row": True}, '"header_row"'),
    ({"header_row": 2.5}, '"header_row"'),
    ({"identifier": ""}, '"identifier"'),
    ({"identifier": 7}, '"identifier"'),
    ({"country": "India"}, '"country"'),
    ({"timezone": "Asia/Bangalore"}, '"timezone"'),
    ({"timezone": "../etc/passwd"}, '"timezone"'),
    ({"date_order": "DD/MM/YYYY"}, '"date_order"'),
    ({"columns": ["Phone"]}, '"columns"'),
    ({"columns": {"Phone": "fields.phone"}}, '"columns.Phone"'),
    ({"columns": {"Phone": [{"to": "fields.phone"}, "fields.name"]}}, '"columns.Phone[1]"'),
    ({"columns": {"Phone": {"type": "phone"}}}, '"columns.Phone.to"'),
    ({"columns": {"Phone": {"to": "phone"}}}, '"columns.Phone.to"'),
    ({"columns": {"Phone": {"to": "Fields.phone"}}}, '"columns.Phone.to"'),
    ({"columns": {"Phone": {"to": "fields."}}}, '"columns.Phone.to"'),
    ({"columns": {"Phone": {"to": " fields.phone"}}}, '"columns.Phone.to"'),
    ({"columns": {"Note": {"to": "actions.ACTION_1001"}}}, '"columns.Note.to"'),
    ({"columns": {"Note": {"to": "actions..note"}}}, '"columns.Note.to"'),
    ({"columns": {"Paid": {"to": "actions.PAYMENT.note"}}}, '"columns.Paid.to"'),
    ({"columns": {"Phone": {"to": "fields.phone", "type": "mobile"}}}, '"columns.Phone.type"'),
    ({"columns": {"Tags": {"to": "fields.tags", "type": "tags", "separator": 1}}}, '"columns.Tags.separator"'),
    ({"constants": ["x"]}, '"constants"'),
    ({"constants": {"source": "Expo"}}, '"constants.source"'),
    ({"constants": {"fields.source": {"label": "Expo"}}}, '"constants.fields.source"'),
    ({"constants": {"fields.tags": ["a", {"b": 1}]}}, '"constants.fields.tags"'),
    ({"combined": {"fields.name": ["First", "Last"]}}, '"combined.fields.name"'),
    ({"combined": {"fields.name": {"columns": []}}}, '"combined.fields.name.columns"'),
    ({"combined": {"fields.name": {"columns": ["A", 2]}}}, '"combined.fields.name.columns"'),
    ({"combined": {"fields.name": {"columns": ["A"], "separator": None}}}, '"combined.fields.name.separator"'),
    ({"combined": {"fields.name": {"columns": ["A"], "labels": "yes"}}}, '"combined.fields.name.labels"'),
    ({"combined": {"name": {"columns": ["A"]}}}, '"combined.name"'),
]


@pytest.mark.parametrize("change, key", REFUSED, ids=[k for _, k in REFUSED])
def test_a_bad_template_is_refused_naming_the_key(change, key):
    data = {"format": "telecrm-mapping/1", "columns": {"Mobile": {"to": "fields.phone"}}, **change}
    with pytest.raises(MappingError) as caught:
        parse_mapping(data, "visitors.json")
    message = str(caught.value)
    assert message.startswith("visitors.json: ")
    assert key in message
    assert "\n" not in message


def test_a_template_that_is_not_an_object_is_refused():
    with pytest.raises(MappingError, match="JSON object"):
        parse_mapping(["columns"], "list.json")


def test_load_refuses_missing_and_broken_files_in_one_sentence(tmp_path):
    with pytest.raises(MappingError, match="does not exist"):
        load_mapping(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "telecrm-mapping/1",\n "columns": {,}}', encoding="utf-8")
    with pytest.raises(MappingError, match=r"not valid JSON \(line 2"):
        load_mapping(broken)
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "Caf\xe9"}'.encode("latin-1"))
    with pytest.raises(MappingError, match="not UTF-8"):
        load_mapping(latin)
    with pytest.raises(MappingError, match="folder"):
        load_mapping(tmp_path)


SCHEMA = Schema(
    fields={"budget": FieldDef("budget", "money"), "source": FieldDef("source", "dropdown"),
            "reason": FieldDef("reason", "lostReason"), "odd": FieldDef("odd", "HOLOGRAM")},
    actions={"ACTION_7": ActionDef("ACTION_7", fields={"visits": FieldDef("visits", "number")})},
)


@pytest.mark.parametrize("target, schema, expected", [
    (Target("fields.budget", "number"), SCHEMA, "number"),  # explicit wins
    (Target("fields.budget"), SCHEMA, "money"),  # then the schema
    (Target("fields.reason"), SCHEMA, "lost_reason"),  # telecrm's spelling of a type
    (Target("fields.odd"), SCHEMA, "text"),  # a type this version does not know
    (Target("fields.phone"), None, "phone"),  # then the standard fields
    (Target("fields.email"), None, "email"),
    (Target("fields.assignee"), None, "user"),
    (Target("fields.rating"), None, "rating"),
    (Target("fields.status"), None, "status"),
    (Target("fields.name"), None, "text"),
    (Target("fields.budget"), None, "text"),  # else text
    (Target("fields.x", "lostReason"), None, "lost_reason"),
    (Target("actions.ACTION_7.created_on"), SCHEMA, "date"),
    (Target("actions.ACTION_7.visits"), SCHEMA, "number"),
    (Target("actions.ACTION_7.note"), SCHEMA, "text"),
    (Target("actions.ACTION_7.note", "email"), None, "email"),
    (Target("actions.PAYMENT.amount"), None, "money"),
    (Target("actions.PAYMENT.status"), None, "dropdown"),
])
def test_target_type(target, schema, expected):
    assert target_type(target, schema) == expected


def test_identifier_comes_from_the_schema_when_one_is_known():
    m = Mapping(identifier="phone")
    assert m.identifier_field(None) == "phone"
    assert m.identifier_field(Schema(identifier_field="email")) == "email"


# -- any JSON at all: a template is read or refused with a MappingError, never a crash ------------

from hypothesis import given, settings, strategies as st  # noqa: E402

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=8,
)
_paths = st.sampled_from(["fields.phone", "fields.", "actions.PAYMENT.amount", "actions.X.y", "actions.PAYMENT.z",
                          "nowhere", "actions.ACTION_1.created_on"])
_target = st.fixed_dictionaries({"to": _paths | _json}, optional={"type": st.sampled_from(["phone", "tags", "x"]) | _json,
                                                                  "separator": _json})


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "format": st.just("telecrm-mapping/1") | _json, "header_row": _json, "identifier": _json,
    "country": st.sampled_from(["IN", "us"]) | _json, "timezone": st.sampled_from(["UTC", "Asia/Kolkata"]) | _json,
    "date_order": _json, "columns": st.dictionaries(st.text(max_size=8), st.none() | _target | st.lists(_target, max_size=3)) | _json,
    "constants": st.dictionaries(_paths, _json, max_size=3) | _json,
    "combined": st.dictionaries(_paths, st.fixed_dictionaries({"columns": _json}, optional={"labels": _json})) | _json,
}) | _json)
def test_any_json_is_read_or_refused_cleanly(data):
    try:
        m = parse_mapping(data, "fuzz.json")
    except MappingError as exc:
        assert str(exc).startswith("fuzz.json: ") or str(exc).startswith("fuzz.json")
        return
    again = parse_mapping(json.loads(json.dumps(mapping_to_dict(m))), "again.json")
    assert mapping_to_dict(again) == mapping_to_dict(m)
