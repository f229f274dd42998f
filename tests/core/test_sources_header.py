"""Header detection and column naming."""

import datetime as dt

import pytest

from telecrm_desktop.core.sources import column_letter, column_names, detect_header_row
from telecrm_desktop.core.sources.table import Record


def records(*rows):
    return [Record(number, tuple(cells)) for number, cells in enumerate(rows, start=1)]


def test_plain_header_on_the_first_row():
    assert detect_header_row(records(["Name", "Phone", "Email"], ["A", "98765", "a@x.in"])) == 1


def test_title_and_blank_row_above_the_header():
    rows = records(
        ["Expo 2026 visitors", None, None],
        [None, None, None],
        ["Name", "Mobile", "Email"],
        ["Asha", 919876543210.0, "a@x.in"],
        ["Ravi", 919876543211.0, "r@x.in"],
    )
    assert detect_header_row(rows) == 3


def test_title_with_a_date_beside_it_is_not_the_header():
    rows = records(
        ["Leads export", dt.date(2026, 1, 5), "", "", ""],
        ["", "", "", "", ""],
        ["Full Name", "Phone", "City", "Source", "Budget"],
        ["Asha", "98765 43210", "Pune", "Facebook", "12,000"],
        ["Ravi", "98765 43211", "Delhi", "Expo", "8,500"],
    )
    assert detect_header_row(rows) == 3


def test_data_rows_are_not_headers_even_when_first():
    """A sheet with no header at all: the first row is data; it is still the best choice (row 1)."""
    rows = records(["Asha", "9876543210", "a@x.in"], ["Ravi", "9876543211", "r@x.in"])
    assert detect_header_row(rows) == 1


def test_a_row_of_emails_and_phones_is_skipped_for_the_real_header_below():
    rows = records(
        ["sales@acme.in", "+91 98765 43210", "www.acme.in"],
        ["Name", "Phone", "Email"],
        ["Asha", "98765", "a@x.in"],
    )
    assert detect_header_row(rows) == 2


def test_header_only_and_nothing():
    assert detect_header_row(records(["Name", "Phone"])) == 1
    assert detect_header_row([]) == 1
    assert detect_header_row(records([None, None], ["", ""])) == 1


def test_numbers_follow_the_records_not_the_list_position():
    rows = [Record(7, ("Report",)), Record(9, ("Name", "Phone")), Record(10, ("A", "1"))]
    assert detect_header_row(rows) == 9


@pytest.mark.parametrize("index, letters", [(0, "A"), (2, "C"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")])
def test_column_letters(index, letters):
    assert column_letter(index) == letters


def test_column_names_blank_duplicate_and_whitespace():
    raw = ("  Name ", "Email", None, "email", "Email", " ", 2026.0, "Email (2)")
    assert column_names(raw) == ["Name", "Email", "Column C", "email (2)", "Email (3)", "Column F", "2026", "Email (2) (2)"]


def test_two_cell_title_line_above_a_wider_header():
    rows = records(
        ["Campaign", "Expo 2026"],
        ["Name", "Phone", "Email", "City"],
        ["Asha", "98765", "a@x.in", "Pune"],
        ["Ravi", "98766", "r@x.in", "Goa"],
    )
    assert detect_header_row(rows) == 2


def test_header_with_a_few_blank_names_is_still_the_header():
    rows = records(
        ["Name", "", "Email", "", "City"],
        ["Asha", "98765", "a@x.in", "x", "Pune"],
        ["Ravi", "98766", "r@x.in", "y", "Goa"],
    )
    assert detect_header_row(rows) == 1


def test_header_with_blank_names_above_all_text_rows():
    rows = records(
        ["Name", "", "City", "", "Notes"],
        ["Asha", "Rao", "Pune", "VIP", "call later"],
        ["Ravi", "Iyer", "Goa", "", "no answer"],
    )
    assert detect_header_row(rows) == 1
