"""The fast .xlsx preview (rows streamed from the zip) must give exactly what calamine gives."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from telecrm_desktop.core.sources import open_sheet, read_table
from telecrm_desktop.core.sources.excel_source import WorkbookSource
from telecrm_desktop.core.sources.xlsx_preview import (
    PreviewUnavailable,
    excel_date,
    format_code_kind,
)
from telecrm_desktop.core.sources.xlsx_stream import xlsx_preview
from telecrm_desktop.core.sources.table import SourceError


def calamine_rows(path: Path, sheet: str | None = None, limit: int = 250):
    """The first rows through calamine, the normal (whole-sheet) path."""
    source = WorkbookSource(path, "xlsx", sheet=sheet)
    rows = []
    for record in source.records():
        if len(rows) >= limit:
            break
        rows.append(record)
    return source.sheet, rows


def assert_same_as_calamine(path: Path, sheet: str | None = None, limit: int = 250):
    name, expected = calamine_rows(path, sheet, limit)
    fast = xlsx_preview(path, name, limit)
    assert fast == expected
    assert all(type(a) is type(b) for f, e in zip(fast, expected) for a, b in zip(f.cells, e.cells))
    return fast


def leads_workbook(path: Path, *, epoch=None) -> Path:
    wb = openpyxl.Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "Leads"
    ws["A1"] = "Leads from the expo"  # a title above the header
    ws.append([])
    ws.append(["Name", "Mobile", "Budget", "Visit", "Visit date", "Call at", "Hot", "Notes", None, "Score"])
    ws.append(["Asha Rao", 919876543210, 250000.5, dt.datetime(2026, 3, 17, 14, 45, 30),
               dt.date(2026, 3, 18), dt.time(9, 30), True, "Called, asked for brochure", None, 7])
    ws.append(["Ravi", 9876543210, -3, dt.datetime(2026, 1, 1), dt.date(1900, 3, 1), dt.time(0, 0), False, "", None, 0])
    ws["C7"] = "sparse row: only column C"
    ws["J8"] = 3.25  # a row that starts far right
    ws["A9"] = "=1+2"  # a formula saved without its value
    ws["B10"] = dt.timedelta(hours=30, minutes=15)
    ws["C10"] = 1.5
    ws["C10"].number_format = "[h]:mm:ss"
    ws["D10"] = 44000.25
    ws["D10"].number_format = '[$-409]d-mmm-yy h:mm AM/PM;@'
    ws["E10"] = 12
    ws["E10"].number_format = '"day" 0'  # a date letter in quotes: still a number
    ws["F10"] = 59
    ws["F10"].number_format = "dd/mm/yyyy"  # before Excel's phantom 29 February 1900
    ws["G10"] = 0.75
    ws["G10"].number_format = "mm:ss"
    ws["H10"] = 100
    ws["H10"].number_format = "#,##0.00 ;[Red]-#,##0.00"
    ws["I10"] = "#N/A"
    ws["I10"].data_type = "e"
    ws["K11"].number_format = "0.00"  # styled but empty: not part of the sheet for calamine
    wb.save(path)
    return path


def to_shared_strings(path: Path) -> Path:
    """Rewrite openpyxl's inline strings as Excel writes them: a shared string table, with a
    rich-text item and a phonetic run among them."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    strings: list[str] = []

    def shared(match: re.Match) -> bytes:
        text = match.group(2).decode()
        strings.append(text)
        return match.group(1) + b' t="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    inline = re.compile(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t>([^<]*)</t></is></c>')
    for name in [n for n in parts if n.startswith("xl/worksheets/")]:
        parts[name] = inline.sub(shared, parts[name])
    items = []
    for index, text in enumerate(strings):
        if index == 0 and len(text) > 2:  # rich text: runs of differently styled pieces
            items.append(f"<si><r><t>{text[:2]}</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">{text[2:]}</t></r></si>")
        elif index == 1:
            items.append(f"<si><t>{text}</t><rPh sb=\"0\" eb=\"1\"><t>ignored</t></rPh></si>")
        else:
            items.append(f"<si><t xml:space=\"preserve\">{text}</t></si>")
    items.append("<si><t>never used</t></si>" * 5)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(strings)}">{"".join(items)}</sst>'
    ).encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml" Id="rIdStrings"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert strings, "the workbook had no inline strings to share"
    return path


def test_varied_cells_equal_calamine(tmp_path):
    rows = assert_same_as_calamine(leads_workbook(tmp_path / "leads.xlsx"))
    assert rows[3].cells[:3] == ("Asha Rao", 919876543210.0, 250000.5)
    assert rows[6].cells[2] == "sparse row: only column C"
    assert len(rows) == 10  # the styled empty K11 adds neither a row nor a column


def test_shared_strings_and_rich_text_equal_calamine(tmp_path):
    path = to_shared_strings(leads_workbook(tmp_path / "shared.xlsx"))
    rows = assert_same_as_calamine(path)
    assert rows[0].cells[0] == "Leads from the expo"  # the rich-text item, runs joined


def test_1904_date_system_equals_calamine(tmp_path):
    assert_same_as_calamine(leads_workbook(tmp_path / "mac.xlsx", epoch=CALENDAR_MAC_1904))


def test_stops_at_the_limit_and_keeps_blank_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Phone"])
    for n in range(2, 400):
        if n % 7:  # every seventh row left blank
            ws.cell(n, 1, f"Lead {n}")
            ws.cell(n, 2, 9800000000 + n)
    ws.cell(399, 5, "far column below the preview")
    wb.save(tmp_path / "long.xlsx")
    name, expected = calamine_rows(tmp_path / "long.xlsx", limit=250)
    fast = xlsx_preview(tmp_path / "long.xlsx", name, 250)
    assert [r.number for r in fast] == list(range(1, 251))
    # calamine's rows are as wide as the whole sheet; the preview's as wide as its own rows
    assert [r.cells[:2] for r in fast] == [r.cells[:2] for r in expected]
    assert all(c is None for r in expected for c in r.cells[2:])


def test_blank_rows_at_the_end_of_a_short_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name"])
    ws.append(["Asha"])
    ws["A6"].number_format = "0.00"  # a styled row with no value
    wb.save(tmp_path / "short.xlsx")
    assert [r.number for r in assert_same_as_calamine(tmp_path / "short.xlsx")] == [1, 2]


def test_sheet_chosen_by_name(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["not the leads"])
    wb.create_sheet("Archive").append(["old", 1])
    leads = wb.create_sheet("Leads 2026")
    leads.append(["Name", "Phone"])
    leads.append(["Asha", 919876543210])
    wb.move_sheet("Archive", offset=1)  # sheet order differs from the parts' numbering
    wb.save(tmp_path / "three.xlsx")
    rows = assert_same_as_calamine(tmp_path / "three.xlsx", sheet="Leads 2026")
    assert rows[1].cells == ("Asha", 919876543210.0)
    assert_same_as_calamine(tmp_path / "three.xlsx", sheet="Archive")
    with pytest.raises(PreviewUnavailable):
        xlsx_preview(tmp_path / "three.xlsx", "No such sheet", 10)


def test_source_preview_uses_the_zip_until_the_sheet_is_loaded(tmp_path):
    path = leads_workbook(tmp_path / "leads.xlsx")
    source = open_sheet(path)
    head = source.preview(5)
    assert source._loaded is None  # calamine has not loaded the sheet for the preview
    table = read_table(source)
    assert table.header_row == 3 and table.headers[:2] == ["Name", "Mobile"]
    assert list(table.rows(source.preview(260))) == list(table.rows())
    assert source.preview(5) == head  # now served by calamine, and the same


def _damage(path: Path, part: str, change) -> Path:
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_a_doctype_sends_the_file_to_calamine(tmp_path):
    path = _damage(leads_workbook(tmp_path / "dtd.xlsx"), "xl/worksheets/sheet1.xml",
                   lambda xml: b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x "boom">]>' + xml)
    with pytest.raises(PreviewUnavailable):
        xlsx_preview(path, "Leads", 50)


def test_a_damaged_sheet_falls_back_to_calamine(tmp_path):
    path = _damage(leads_workbook(tmp_path / "cut.xlsx"), "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(PreviewUnavailable):
        xlsx_preview(path, "Leads", 250)
    source = open_sheet(path)
    try:
        calamine = list(source.records())[:50]
    except SourceError as error:  # calamine's own verdict on the file stands
        with pytest.raises(SourceError) as again:
            open_sheet(path).preview(50)
        assert str(again.value) == str(error)
    else:
        assert open_sheet(path).preview(50) == calamine


def test_bad_shared_string_index_falls_back(tmp_path):
    path = to_shared_strings(leads_workbook(tmp_path / "bad.xlsx"))
    path = _damage(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<v>0</v>", b"<v>99999</v>", 1))
    with pytest.raises(PreviewUnavailable):
        xlsx_preview(path, "Leads", 50)


@pytest.mark.parametrize(("code", "kind"), [
    ("DD/MM/YY", "date"), ("H:MM:SS;@", "date"), ('m"M"d"D";@', "date"), ("[h]:mm:ss", "duration"),
    ("[ss]", "duration"), ("[Blue]\\+[h]:mm;[Red]\\-[h]:mm", "duration"), ("[>=100][Magenta].00", ""),
    ('"Y: "0.00"m"', ""), ("\\Y000000", ""), ('#,##0.0####" YMD"', ""), ("0_ ;[Red]\\-0\\ ", ""),
    ('"$"#,##0_);[Red]("$"#,##0)', ""), ("General", ""), ("0.00%", ""), ("ha/p\\\\m", "date"),
])
def test_format_codes_read_as_calamine_reads_them(code, kind):
    assert format_code_kind(code) == kind


_FORMATS = ["yyyy-mm-dd", "dd/mm/yyyy hh:mm", "h:mm AM/PM", "[h]:mm:ss", "0.00", "mm:ss", "General"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(st.one_of(
        st.floats(min_value=-5, max_value=2_958_465, allow_nan=False),
        st.integers(min_value=-10, max_value=2_958_465),
    ), min_size=1, max_size=len(_FORMATS)),
    date1904=st.booleans(),
)
def test_numbers_under_date_formats_equal_calamine(tmp_path, values, date1904):
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    for column, (value, fmt) in enumerate(zip(values, _FORMATS), start=1):
        cell = ws.cell(1, column, value)
        cell.number_format = fmt
    path = tmp_path / "numbers.xlsx"
    wb.save(path)
    assert_same_as_calamine(path)


def test_excel_date_rules():
    assert excel_date(0.5) == dt.time(12, 0)
    assert excel_date(61.0) == dt.date(1900, 3, 1)
    assert excel_date(60.0) == dt.date(1900, 2, 28)  # Excel's 29 February 1900, as calamine reads it
    assert excel_date(46024.395833333336) == dt.datetime(2026, 1, 2, 9, 30)
    assert excel_date(0.0, date1904=True) == dt.time(0, 0)
    assert excel_date(1.0, date1904=True) == dt.date(1904, 1, 2)
    # halves of a millisecond round away from zero, as in Rust (Python's round() would go to even)
    assert excel_date(407226.6117617651) == dt.datetime(3014, 12, 11, 14, 40, 56, 217000)


def test_cached_formula_text_and_empty_shared_string_equal_calamine(tmp_path):
    """Excel saves a formula's result with it (t="str" for text); an empty shared string reads as empty."""
    path = to_shared_strings(leads_workbook(tmp_path / "excel.xlsx"))
    path = _damage(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b'<c r="A9"><f>1+2</f><v></v></c>', b'<c r="A9" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
    ).replace(b'<c r="A9"><f>1+2</f><v /></c>', b'<c r="A9" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'))
    path = _damage(path, "xl/sharedStrings.xml", lambda xml: xml.replace(b"<si><t>never used</t></si>", b"<si><t></t></si>", 1))
    empty_index = len(re.findall(rb"<si>", zipfile.ZipFile(path).read("xl/sharedStrings.xml").split(b"<si><t></t></si>")[0]))
    path = _damage(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</row></sheetData>", b'</row><row r="12"><c r="B12" t="s"><v>' + str(empty_index).encode() + b"</v></c>"
        b'<c r="C12" t="str"><v></v></c><c r="D12" t="b"><v>1</v></c></row></sheetData>'))
    rows = assert_same_as_calamine(path)
    assert rows[8].cells[0] == "ab"
    assert rows[11].cells[1:4] == (None, None, True)
