"""Rows -> findings -> request bodies, on real files written by csv and openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from hypothesis import given, settings, strategies as st

from telecrm_desktop.core.template.mapping import MappingError, parse_mapping
from telecrm_desktop.core.check.merge import LeadMerger
from telecrm_desktop.core.check.pipeline import RowPlan, RowResult, TemplateMismatch, convert_row
from telecrm_desktop.core.check.merge import build_leads
from telecrm_desktop.core.workspace.schema import ActionDef, FieldDef, Schema
from telecrm_desktop.core.sources import open_sheet, read_table
from telecrm_desktop.core.sources.table import DataRow


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def check(tmp_path, rows, columns=None, *, schema=None, **template):
    """build_leads over a CSV holding `rows` (the first is the header)."""
    data = {"format": "telecrm-mapping/1", "columns": columns or {}, **template}
    mapping = parse_mapping(data, "test.json")
    source = open_sheet(write_csv(tmp_path / "leads.csv", rows))
    return build_leads(read_table(source, mapping.header_row), mapping, schema)


def by_row(result) -> dict[int, RowResult]:
    return {r.row: r for r in result.rows}


PHONE = {"Mobile": {"to": "fields.phone"}}


def test_each_type_is_encoded_and_empty_cells_are_left_out(tmp_path):
    rows = [["Name", "Mobile", "Mail", "Budget", "Joined", "Tags", "Rating", "Site", "Fee"],
            ["  Asha  ", "98765 43210", " Asha@Example.COM ", "1,50,000", "05/11/2026", "VIP, Returning", "4",
             "example.com", "2,500.50"],
            ["", "+91 91234 56789", "", "", "", "", "", "", ""]]
    columns = {"Name": {"to": "fields.name"}, "Mobile": {"to": "fields.phone"}, "Mail": {"to": "fields.email"},
               "Budget": {"to": "fields.budget", "type": "number"}, "Joined": {"to": "fields.joined", "type": "date"},
               "Tags": {"to": "fields.tags", "type": "tags"}, "Rating": {"to": "fields.rating"},
               "Site": {"to": "fields.site", "type": "website"}, "Fee": {"to": "fields.fee", "type": "money"}}
    result = check(tmp_path, rows, columns)
    first, second = result.rows
    assert first.status == "ready" and first.row == 2
    assert first.fields == {
        "name": "Asha", "phone": "919876543210", "email": "asha@example.com", "budget": 150000,
        "joined": int(dt.datetime(2026, 11, 5, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))).timestamp()) * 1000,
        "tags": ["VIP", "Returning"], "rating": 4, "site": "https://example.com", "fee": "2500.5",
    }
    assert second.fields == {"phone": "919123456789"}
    assert [lead.body for lead in result.leads] == [{"fields": first.fields}, {"fields": second.fields}]


def test_a_bad_value_makes_the_row_invalid_with_a_sentence(tmp_path):
    result = check(tmp_path, [["Mobile", "Rating"], ["99999", "3"], ["9876543210", "7"]],
                   {**PHONE, "Rating": {"to": "fields.rating"}})
    bad_phone, bad_rating = result.rows
    assert bad_phone.status == bad_rating.status == "invalid"
    [finding] = bad_phone.errors
    assert (finding.row, finding.column, finding.value, finding.rule) == (2, "Mobile", "99999", "phone.invalid")
    assert finding.message.startswith('Row 2, column "Mobile": "99999" is not a phone number')
    assert bad_phone.identifier == "99999"  # the cell as written, so the user can find it
    [finding] = bad_rating.errors
    assert finding.column == "Rating" and finding.value == "7" and finding.rule.startswith("rating")
    assert bad_rating.fields == {"phone": "919876543210"}  # the good values, should the user send them
    assert result.leads == []


def test_a_missing_identifier_makes_the_row_invalid(tmp_path):
    result = check(tmp_path, [["Name", "Mobile"], ["Asha", ""], ["Ravi", "   "]], {"Name": {"to": "fields.name"}, **PHONE})
    for row in result.rows:
        assert row.status == "invalid"
        assert [f.rule for f in row.errors] == ["identifier.missing"]
        assert row.errors[0].message.startswith(f'Row {row.row}, column "Mobile": there is no phone')
        assert row.identifier is None


def test_a_template_that_feeds_nothing_into_the_identifier_is_refused(tmp_path):
    with pytest.raises(TemplateMismatch, match='identifier field "phone"'):
        check(tmp_path, [["Name"], ["Asha"]], {"Name": {"to": "fields.name"}})
    with pytest.raises(TemplateMismatch, match='"Mobile No." is not in this sheet'):
        check(tmp_path, [["Name"], ["Asha"]], {"Mobile No.": {"to": "fields.phone"}})


def test_template_columns_missing_from_the_sheet_are_reported(tmp_path):
    result = check(tmp_path, [["mobile ", "City"], ["9876543210", "Pune"]],
                   {"Mobile": {"to": "fields.phone"}, "Town": {"to": "fields.city"}, "Ignored": None})
    assert result.missing_columns == ["Town"]  # "mobile " matches "Mobile" loosely; null columns don't count
    assert result.rows[0].fields == {"phone": "919876543210"}


def test_an_email_identifier(tmp_path):
    result = check(tmp_path, [["Mail", "Name"], ["Asha@Example.com", "Asha"], ["asha@example.com ", "Asha R"]],
                   {"Mail": {"to": "fields.email"}, "Name": {"to": "fields.name"}}, identifier="email")
    [lead] = result.leads
    assert lead.rows == (2, 3) and lead.identifier == "asha@example.com"
    assert lead.body == {"fields": {"email": "asha@example.com", "name": "Asha R"}}


def test_constants_fill_what_the_cells_leave_empty(tmp_path):
    result = check(tmp_path, [["Mobile", "Source"], ["9876543210", ""], ["9123456789", "Referral"]],
                   {**PHONE, "Source": {"to": "fields.source"}},
                   constants={"fields.source": "Expo 2026", "fields.tags": ["expo", "2026"], "fields.rating": 5})
    first, second = result.rows
    assert first.fields == {"phone": "919876543210", "source": "Expo 2026", "tags": ["expo", "2026"], "rating": 5}
    assert second.fields["source"] == "Referral"  # the cell wins


def test_a_constant_that_cannot_be_encoded_refuses_the_template(tmp_path):
    with pytest.raises(MappingError, match='constant "fields.rating": "9"'):
        check(tmp_path, [["Mobile"], ["9876543210"]], PHONE, constants={"fields.rating": "9"})
    with pytest.raises(MappingError, match='constant "actions.PAYMENT.currency"'):
        check(tmp_path, [["Mobile"], ["9876543210"]], PHONE, constants={"actions.PAYMENT.currency": "Rupiah"})


def test_combined_columns(tmp_path):
    rows = [["First", "Last", "Budget?", "When?", "Mobile"],
            ["Asha", "Rao", "10 lakh", "", "9876543210"],
            ["", "Iyer", "", "", "9123456789"],
            ["", "", "", "", "9988776655"]]
    result = check(tmp_path, rows, PHONE, combined={
        "fields.name": {"columns": ["First", "Last"]},
        "fields.remarks": {"columns": ["Budget?", "When?"], "separator": "\n", "labels": True}})
    a, b, c = result.rows
    assert a.fields == {"phone": "919876543210", "name": "Asha Rao", "remarks": "Budget?: 10 lakh"}
    assert b.fields == {"phone": "919123456789", "name": "Iyer"}
    assert c.fields == {"phone": "919988776655"}  # every part empty: the target is empty


def test_combined_columns_can_make_a_phone(tmp_path):
    result = check(tmp_path, [["Code", "Number"], ["+971", "50 123 4567"], ["", "9876543210"]], {},
                   combined={"fields.phone": {"columns": ["Code", "Number"], "separator": ""}})
    assert [r.fields["phone"] for r in result.rows] == ["971501234567", "919876543210"]


def test_one_column_feeds_several_targets(tmp_path):
    result = check(tmp_path, [["Mobile", "Visit"], ["9876543210", "05/11/2026 14:30"]], {
        **PHONE, "Visit": [{"to": "fields.visit_date", "type": "date"}, {"to": "fields.visit_text"},
                           {"to": "actions.ACTION_1001.created_on"}]})
    row = result.rows[0]
    assert row.fields["visit_text"] == "05/11/2026 14:30"
    assert row.fields["visit_date"] == 1793869200000
    assert row.actions == [{"type": "ACTION_1001", "fields": {}, "created_on": "05/11/2026 14:30:00"}]


ACTIONS = {
    **PHONE,
    "Note": {"to": "actions.ACTION_2002.note"},
    "Visit": [{"to": "actions.ACTION_1001.created_on"}],
    "Visit note": {"to": "actions.ACTION_1001.note"},
    "Paid": {"to": "actions.PAYMENT.amount"},
}


def test_actions_only_when_a_mapped_cell_has_a_value_in_template_order(tmp_path):
    rows = [["Mobile", "Note", "Visit", "Visit note", "Paid"],
            ["9876543210", "call back", "01/02/2026 09:05", "liked it", "5,000"],
            ["9123456789", "", "", "", ""],
            ["9988776655", "", "", "", "1500"]]
    result = check(tmp_path, rows, ACTIONS,
                   constants={"actions.PAYMENT.currency": "INR", "actions.PAYMENT.status": "completed",
                              "actions.ACTION_1001.outcome": "Visited"})
    full, none, payment_only = result.rows
    assert full.actions == [
        {"type": "ACTION_2002", "fields": {"note": "call back"}},
        {"type": "ACTION_1001", "fields": {"outcome": "Visited", "note": "liked it"}, "created_on": "01/02/2026 09:05:00"},
        {"type": "PAYMENT", "status": "COMPLETED", "currency": "INR", "amount": "5000"},
    ]
    assert none.actions == []  # constants alone never make an action
    assert none.body() == {"fields": {"phone": "919123456789"}}  # no "actions" key
    assert payment_only.actions == [{"type": "PAYMENT", "status": "COMPLETED", "currency": "INR", "amount": "1500"}]


def test_an_incomplete_payment_makes_the_row_invalid(tmp_path):
    rows = [["Mobile", "Paid", "Currency"], ["9876543210", "5000", ""], ["9123456789", "", "INR"],
            ["9988776655", "-5", "INR"]]
    result = check(tmp_path, rows, {**PHONE, "Paid": {"to": "actions.PAYMENT.amount"},
                                    "Currency": {"to": "actions.PAYMENT.currency"}},
                   constants={"actions.PAYMENT.status": "PENDING"})
    no_currency, no_amount, negative = result.rows
    assert [f.rule for f in no_currency.errors] == ["payment.incomplete"]
    assert "no currency" in no_currency.errors[0].message and no_currency.errors[0].column == "Paid"
    assert "no amount" in no_amount.errors[0].message and no_amount.errors[0].column == "Currency"
    assert [f.rule for f in negative.errors] == ["payment.amount"]  # said once, not twice
    assert all(r.status == "invalid" and r.actions == [] for r in result.rows)


def test_an_action_type_telecrm_does_not_know_makes_rows_with_its_values_invalid(tmp_path):
    rows = [["Mobile", "Note"], ["9876543210", "call back"], ["9123456789", ""]]
    result = check(tmp_path, rows, {**PHONE, "Note": {"to": "actions.1001.note"}})
    with_note, without = result.rows
    assert with_note.status == "invalid"
    [finding] = with_note.errors
    assert finding.rule == "action.type" and finding.column == "Note" and '"1001"' in finding.message
    assert without.status == "ready"


def test_duplicates_merge_later_values_win_actions_concatenate(tmp_path):
    rows = [["Mobile", "Name", "City", "Note"],
            ["98765 43210", "Asha", "Pune", "first visit"],
            ["9123456789", "Ravi", "", ""],
            ["+91-98765-43210", "Asha Rao", "", "second visit"],
            ["098765 43210", "", "Mumbai", "third"],
            ["9876543210", "Wrong", "", "bad rating"]]
    columns = {**PHONE, "Name": {"to": "fields.name"}, "City": {"to": "fields.city"},
               "Note": {"to": "actions.ACTION_1.note"}}
    result = check(tmp_path, rows, {**columns, "Rating": {"to": "fields.rating"}})  # Rating: not in sheet
    assert [lead.rows for lead in result.leads] == [(2, 4, 5, 6), (3,)]
    rows[-1].append("9")
    rows[0].append("Rating")
    for row in rows[1:-1]:
        row.append("")
    result = check(tmp_path, rows, {**columns, "Rating": {"to": "fields.rating"}})
    assert by_row(result)[6].status == "invalid"  # held back on its own, not merged
    asha, ravi = result.leads
    assert asha.rows == (2, 4, 5) and asha.identifier == "919876543210"
    assert asha.body == {
        "fields": {"phone": "919876543210", "name": "Asha Rao", "city": "Mumbai"},
        "actions": [{"type": "ACTION_1", "fields": {"note": n}} for n in ("first visit", "second visit", "third")],
    }
    assert ravi.rows == (3,) and "actions" not in ravi.body
    assert result.merged_rows == 2 and result.ready == 4 and result.invalid == 1
    assert by_row(result)[2].fields == {"phone": "919876543210", "name": "Asha", "city": "Pune"}  # rows untouched


def test_workbook_rows_are_numbered_as_excel_shows_them(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Visitors"
    sheet.append(["Expo 2026 visitors"])
    sheet.append([])
    sheet.append(["Mobile", "Visited", "Paid"])
    sheet.append([919876543210, dt.datetime(2026, 11, 5, 14, 30), 2500])
    sheet.append([None, None, None])
    sheet.append([9123456, dt.datetime(2026, 11, 6), 100.5])
    book.save(tmp_path / "expo.xlsx")
    mapping = parse_mapping({"sheet": "Visitors", "header_row": 3, "columns": {
        **PHONE, "Visited": {"to": "actions.ACTION_1001.created_on"}, "Paid": {"to": "fields.paid", "type": "money"}}})
    source = open_sheet(tmp_path / "expo.xlsx", sheet=mapping.sheet)
    result = build_leads(read_table(source, mapping.header_row), mapping)
    ok, bad = result.rows
    assert ok.row == 4 and ok.status == "ready"
    assert ok.body() == {"fields": {"phone": "919876543210", "paid": "2500"},
                         "actions": [{"type": "ACTION_1001", "fields": {}, "created_on": "05/11/2026 14:30:00"}]}
    assert bad.row == 6 and bad.status == "invalid" and bad.errors[0].message.startswith('Row 6, column "Mobile"')


SCHEMA = Schema(
    identifier_field="phone",
    fields={"phone": FieldDef("phone", "phone", is_identifier=True), "status": FieldDef("status", "status"),
            "assignee": FieldDef("assignee", "user"),
            "source": FieldDef("source", "dropdown", options=("Website", "Referral", "Walk-in"))},
    actions={"ACTION_1001": ActionDef("ACTION_1001", "Site visit", allows_backdating=True)},
    active_statuses=("Fresh", "Interested"), archived_statuses=("Call Later",),
    active_members=("agent@firm.com",),
)


def test_with_a_schema_labels_are_checked(tmp_path):
    rows = [["Mobile", "Status", "Owner", "Source"],
            ["9876543210", "Fresh", "Agent@Firm.com", "Website"],
            ["9123456789", "Call Later", "", ""],
            ["9988776655", "", "boss@firm.com", ""],
            ["9876501234", "", "", "Refferal"]]
    columns = {**PHONE, "Status": {"to": "fields.status"}, "Owner": {"to": "fields.assignee"},
               "Source": {"to": "fields.source"}}
    good, archived, stranger, typo = check(tmp_path, rows, columns, schema=SCHEMA).rows
    assert good.status == "ready" and good.warnings == ()
    assert good.fields == {"phone": "919876543210", "status": "Fresh", "assignee": "agent@firm.com", "source": "Website"}
    assert archived.status == "invalid" and archived.errors[0].rule == "status.archived"
    assert stranger.status == "invalid" and stranger.errors[0].rule == "assignee.unknown"
    assert typo.status == "ready"  # a new dropdown option is a warning: nothing is lost
    [warning] = typo.warnings
    assert warning.rule == "dropdown.new_option" and warning.severity == "warning" and "Referral" in warning.message
    assert warning.suggestion == "Referral" and typo.fields["source"] == "Refferal"


def test_the_schema_names_the_identifier(tmp_path):
    schema = Schema(identifier_field="email", fields={"email": FieldDef("email", "email", is_identifier=True)})
    with pytest.raises(TemplateMismatch, match='"email"'):
        check(tmp_path, [["Mobile"], ["9876543210"]], PHONE, schema=schema)


def test_convert_row_checks_one_row():
    mapping = parse_mapping({"columns": PHONE})
    assert convert_row(DataRow(7, ("9876543210",)), ["Mobile"], mapping).fields == {"phone": "919876543210"}
    assert convert_row(DataRow(7, ("12",)), ["Mobile"], mapping).status == "invalid"


def test_build_leads_reports_progress_and_stops_when_asked(tmp_path):
    rows = [["Mobile"]] + [[f"98{n:08d}"] for n in range(5000)]
    mapping = parse_mapping({"columns": PHONE})
    table = read_table(open_sheet(write_csv(tmp_path / "big.csv", rows)))
    seen = []
    result = build_leads(table, mapping, on_progress=lambda done, share: seen.append(done))
    assert len(result.rows) == 5000 and seen[-1] == 5000 and seen[0] == 2048
    stopped = build_leads(table, mapping, should_stop=lambda: True)
    assert stopped.stopped and len(stopped.rows) == 2048


# -- the merger: bounded memory gives the same leads as memory ------------------------------------

def _result(row: int, key: int, name: str, note: str) -> RowResult:
    phone = f"9198765{key:05d}"
    fields = {"phone": phone, **({"name": name} if name else {})}
    actions = [{"type": "ACTION_1", "fields": {"note": note}}] if note else []
    return RowResult(row, phone, "ready", (), (), fields, actions, phone)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from(["", "Asha", "Ravi ✓"]), st.sampled_from(["", "n1", "n\"2"])),
                max_size=40),
       st.integers(1, 5))
def test_spooled_merging_equals_merging_in_memory(tmp_path_factory, entries, spool_after):
    results = [_result(n + 2, *entry) for n, entry in enumerate(entries)]
    results.insert(0, RowResult(1, "x", "invalid", (), (), {}, [], None))  # takes no part
    folder = tmp_path_factory.mktemp("spool")
    with LeadMerger(mode="memory") as memory, \
            LeadMerger(mode="bounded", spool_after=spool_after, spool_dir=str(folder)) as bounded, \
            LeadMerger(mode="bounded") as compact, LeadMerger(mode="count") as count:
        for merger in (memory, bounded, compact, count):
            for result in results:
                merger.add(result)
        expected = [json.loads(line) for line in memory.payload_lines()]
        assert [json.loads(line) for line in bounded.payload_lines()] == expected
        assert [json.loads(line) for line in compact.payload_lines()] == expected
        assert list(compact.payload_lines()) == list(memory.payload_lines())  # the same text, too
        assert [(lead.rows, lead.body) for lead in bounded.leads()] == [(tuple(e["rows"]), e["body"]) for e in expected]
        assert memory.lead_count == bounded.lead_count == count.lead_count == len(expected)
        assert memory.merged_rows == bounded.merged_rows == count.merged_rows == len(entries) - len(expected)
        for lead in expected:
            assert bounded.identifier_of(lead["identifier"]) == lead["identifier"]
    assert list(folder.iterdir()) == []  # the spool file is removed on close


def test_an_identifier_that_looks_like_json_keys_merges_safely():
    # the bounded merger keeps each lead as its payload line and finds the body after ',"body":'
    nasty = 'x","body":{"fields":{}},"y":"'
    first = RowResult(2, nasty, "ready", (), (), {"email": nasty, "city": "Pune"}, [], nasty)
    second = RowResult(3, nasty, "ready", (), (), {"email": nasty, "name": "Asha"}, [], nasty)
    with LeadMerger(mode="bounded") as bounded:
        bounded.add(first)
        bounded.add(second)
        (line,) = bounded.payload_lines()
        (lead,) = bounded.leads()
    assert json.loads(line) == {"rows": [2, 3], "identifier": nasty,
                                "body": {"fields": {"email": nasty, "city": "Pune", "name": "Asha"}}}
    assert lead.body == {"fields": {"email": nasty, "city": "Pune", "name": "Asha"}}


def test_a_plan_is_compiled_once_and_reused():
    mapping = parse_mapping({"columns": {**PHONE, "Name": {"to": "fields.name"}}})
    plan = RowPlan(["Name", "Mobile"], mapping)
    results = [plan.convert(DataRow(n, (f"N{n}", f"98765{n:05d}"))) for n in range(2, 6)]
    assert [r.fields["name"] for r in results] == ["N2", "N3", "N4", "N5"]


def test_checking_in_worker_processes_gives_the_same_rows_in_order(tmp_path, monkeypatch):
    from telecrm_desktop.core.check import parallel

    monkeypatch.setattr(parallel, "BATCH", 37)  # several batches, the last one short
    rows = [["Mobile", "Name", "Note"]]
    for n in range(400):
        phone = "99999" if n % 50 == 7 else f"98765{n % 150:05d}"
        rows.append([phone, f"Lead {n} ✓", "called" if n % 3 else ""])
    mapping = parse_mapping({"columns": {**PHONE, "Name": {"to": "fields.name"}, "Note": {"to": "actions.ACTION_9.note"}}})
    table = read_table(open_sheet(write_csv(tmp_path / "many.csv", rows)))
    plan = RowPlan(table.headers, mapping)
    progress = []
    here = list(parallel.checked_rows(table, plan, workers=0))
    there = list(parallel.checked_rows(table, plan, workers=2, on_progress=lambda n, share: progress.append(n)))
    assert there == here and len(here) == 400
    assert [r.row for r in there] == list(range(2, 402))
    assert sum(r.status == "invalid" for r in there) == 8 and progress[-1] == 400
    assert parallel.worker_count(100) == 0  # a small file is checked in this process
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    assert parallel.worker_count(10**6) == 0


def test_repeated_cells_give_the_same_answers_and_their_own_lists():
    mapping = parse_mapping({"columns": {**PHONE, "Tags": {"to": "fields.tags", "type": "tags"},
                                         "Rating": {"to": "fields.rating"}}})
    plan = RowPlan(["Mobile", "Tags", "Rating"], mapping)
    rows = [plan.convert(DataRow(n, (f"98765{n:05d}", "VIP, Hot", "9" if n % 2 else 3))) for n in range(2, 8)]
    tags = [r.fields["tags"] for r in rows]
    assert all(t == ["VIP", "Hot"] for t in tags) and len({id(t) for t in tags}) == len(tags)
    assert [r.status for r in rows] == ["ready", "invalid"] * 3  # each bad cell reported, every time
    assert all(r.errors[0].row == r.row for r in rows if r.errors)


def test_standard_fields_in_the_wrong_case_are_noted():
    mapping = parse_mapping({"columns": {**PHONE, "Mail": {"to": "fields.Email"}}, "constants": {"fields.NAME": "x"}})
    notes = RowPlan(["Mobile", "Mail"], mapping).notes
    assert len(notes) == 2 and '"fields.Email"' in notes[0] and '"fields.email"' in notes[0]
    assert RowPlan(["Mobile", "Mail"], mapping, schema=Schema(fields={"Email": FieldDef("Email", "email"),
                                                                      "phone": FieldDef("phone", "phone")})).notes == []


def test_the_same_data_as_csv_and_as_xlsx_gives_the_same_requests(tmp_path):
    from openpyxl import Workbook

    header = ["Mobile", "Budget", "Visit", "Rating", "Name"]
    typed = [[919876543210, 150000, dt.datetime(2026, 3, 8, 14, 30), 4, "Asha"],
             [9123456789, 2500.5, dt.datetime(2026, 11, 1, 9, 0), 1, "Ravi"]]
    written = [["919876543210", "1,50,000", "08/03/2026 14:30", "4", "Asha"],
               ["9123456789", "2500.50", "01/11/2026 09:00", "1", "Ravi"]]
    columns = {**PHONE, "Budget": {"to": "fields.budget", "type": "number"},
               "Visit": [{"to": "fields.visit", "type": "date"}, {"to": "actions.ACTION_1.created_on"}],
               "Rating": {"to": "fields.rating"}, "Name": {"to": "fields.name"}}
    from_csv = check(tmp_path, [header] + written, columns)
    book = Workbook()
    book.active.append(header)
    for row in typed:
        book.active.append(row)
    book.save(tmp_path / "same.xlsx")
    mapping = parse_mapping({"columns": columns})
    from_xlsx = build_leads(read_table(open_sheet(tmp_path / "same.xlsx")), mapping)
    assert [(l.rows, l.body) for l in from_xlsx.leads] == [(l.rows, l.body) for l in from_csv.leads]
    assert from_csv.leads[0].body["actions"] == [{"type": "ACTION_1", "fields": {}, "created_on": "08/03/2026 14:30:00"}]


@pytest.mark.parametrize("country, budget, fee, amount", [
    ("DE", 1234, "1234.5", "99.9"),  # 1.234 and 1.234,50: a decimal comma and a dot grouping thousands
    ("IN", 1.234, "1.2345", "99.9"),
])
def test_numbers_money_and_payments_are_read_with_the_countrys_decimal_mark(tmp_path, country, budget, fee, amount):
    rows = [["Mobile", "Budget", "Fee", "Paid"],
            ["+91 98765 43210", "1.234", "1.234,50" if country == "DE" else "1.2345", "99,90" if country == "DE" else "99.90"]]
    columns = {**PHONE, "Budget": {"to": "fields.budget", "type": "number"},
               "Fee": {"to": "fields.fee", "type": "money"}, "Paid": {"to": "actions.PAYMENT.amount"}}
    result = check(tmp_path, rows, columns, country=country,
                   constants={"actions.PAYMENT.currency": "USD", "actions.PAYMENT.status": "COMPLETED"})
    (row,) = result.rows
    assert row.status == "ready", row.errors
    assert row.fields["budget"] == budget and row.fields["fee"] == fee
    assert row.actions == [{"type": "PAYMENT", "status": "COMPLETED", "currency": "USD", "amount": amount}]


def test_memos_that_fill_up_are_given_up_and_answers_stay_the_same(monkeypatch):
    import telecrm_desktop.core.check.pipeline as pipeline

    monkeypatch.setattr(pipeline, "MEMO_LIMIT", 4)
    columns = {**PHONE, "City": {"to": "fields.city"}, "Seen": [{"to": "fields.seen", "type": "date"},
                                                               {"to": "actions.ACTION_1.created_on"}]}
    mapping = parse_mapping({"columns": columns})
    plan = RowPlan(["Mobile", "City", "Seen"], mapping)
    cells = [(f"98765{n:05d}", ["Pune", "Goa"][n % 2], f"{n % 28 + 1:02d}/03/2026 10:00") for n in range(2, 40)]
    rows = [plan.convert(DataRow(n, values)) for n, values in enumerate(cells, 2)]
    memos = {column.column: column.memo for column in plan.simple_columns}
    assert memos["Mobile"] is pipeline._NO_MEMO and memos["City"] == {None: None, "": None, "Pune": "Pune", "Goa": "Goa"}
    assert all(step.memo is pipeline._NO_MEMO for cell in plan.cell_steps for step in cell.steps)  # nor timestamps
    fresh = [RowPlan(["Mobile", "City", "Seen"], mapping).convert(DataRow(n, values)) for n, values in enumerate(cells, 2)]
    assert [(r.fields, r.actions, r.status) for r in rows] == [(r.fields, r.actions, r.status) for r in fresh]
