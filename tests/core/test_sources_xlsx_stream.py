"""The .xlsx stream (sheets too big for calamine) must give exactly what calamine gives."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from telecrm_desktop.core.sources import open_sheet, read_table, workbook_size, xlsx_stream
from telecrm_desktop.core.sources.excel_source import WorkbookSource
from telecrm_desktop.core.sources.table import SourceError
from telecrm_desktop.core.sources.xlsx_stream import SheetStream, StreamProblem
from tests.core.test_sources_xlsx_preview import to_shared_strings


def varied_workbook(path: Path, *, epoch=None) -> Path:
    wb = openpyxl.Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "Leads"
    ws["A1"] = "Leads from the expo"
    ws.append([])
    ws.append(["Name", "Mobile", "Budget", "Visit", "Visit date", "Call at", "Hot", "Notes", None, "Score"])
    ws.append(["Asha <Rao> & \"Sons\" 'Ltd'", 919876543210, 250000.5, dt.datetime(2026, 3, 17, 14, 45, 30),
               dt.date(2026, 3, 18), dt.time(9, 30), True, "line one\nline two  ", None, 7])
    ws.append(["Ravi", 9876543210, -3, dt.datetime(2026, 1, 1), dt.date(1900, 3, 1), dt.time(0, 0), False,
               "देवनागरी ✓ 😀", None, 0])
    ws["A6"] = CellRichText(["plain ", TextBlock(InlineFont(b=True), "bold"), " tail"])
    ws["C7"] = "sparse row: only column C"
    ws["J8"] = 3.25
    ws["A9"] = "=1+2"  # a formula saved without its value: empty, as in calamine
    ws["B10"] = dt.timedelta(hours=30, minutes=15)
    ws["C10"] = 1.5
    ws["C10"].number_format = "[h]:mm:ss"
    ws["D10"] = 44000.25
    ws["D10"].number_format = "[$-409]d-mmm-yy h:mm AM/PM;@"
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
    ws["K10"] = 45000
    ws["K10"].number_format = "yyyy-mm-dd hh:mm"
    ws["L10"] = 45000.5
    ws["L10"].number_format = "d mmmm yyyy"
    ws["M10"] = 12345678901234567890
    ws["K11"].number_format = "0.00"  # styled but empty
    for row in range(14, 40, 5):  # gaps of blank rows between
        ws.cell(row, 1, f"Lead {row}")
        ws.cell(row, 2, 9800000000 + row)
    ws["AB20"] = "beyond Z"
    ws["BC21"] = 42
    ws["A41"] = "=A14&\" x\""
    ws["B41"] = "=2+3"
    ws["A45"] = "last"
    wb.save(path)
    return with_saved_formula_results(path)


def rewrite_sheet(path: Path, change) -> Path:
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, content in parts.items():
            target.writestr(part, content)
    return path


def with_saved_formula_results(path: Path) -> Path:
    """Excel saves a formula's last result beside it; openpyxl cannot, so it is put in as Excel writes it."""
    def change(xml: bytes) -> bytes:
        xml = xml.replace(b'<c r="A41"><f>A14&amp;" x"</f><v /></c>',
                          b'<c r="A41" t="str"><f>A14&amp;" x"</f><v>Lead 14 &amp; x</v></c>')
        xml = xml.replace(b'<c r="B41"><f>2+3</f><v /></c>', b'<c r="B41"><f>2+3</f><v>5</v></c>')
        assert b"<v>5</v>" in xml and b"Lead 14 &amp; x" in xml
        return xml
    return rewrite_sheet(path, change)


def calamine_records(path: Path, sheet: str | None = None):
    source = WorkbookSource(path, "xlsx", sheet=sheet)
    assert not source._uses_stream()
    return source.sheet, list(source.records())


def assert_same_records(streamed, expected):
    assert [r.number for r in streamed] == [r.number for r in expected]
    for got, want in zip(streamed, expected):
        # calamine's rows are as wide as the sheet; the stream's as wide as the widest so far
        width = max(len(got.cells), len(want.cells))
        got_cells = got.cells + (None,) * (width - len(got.cells))
        want_cells = want.cells + (None,) * (width - len(want.cells))
        assert got_cells == want_cells, f"row {got.number}"
        assert [type(c) for c in got_cells] == [type(c) for c in want_cells], f"row {got.number}"


def assert_stream_equals_calamine(path: Path, sheet: str | None = None, *, parser_chunks: int = 0):
    """`parser_chunks`: how many chunks the stream must have handed to ElementTree (the others
    went through the fast pattern)."""
    name, expected = calamine_records(path, sheet)
    streamed = list(SheetStream(path, name).records())
    assert_same_records(streamed, expected)
    assert PARSER_CHUNKS.count == parser_chunks
    return streamed


class PARSER_CHUNKS:
    count = 0


@pytest.fixture(autouse=True)
def count_parser_chunks(monkeypatch):
    original = xlsx_stream._Decoder._rows_by_elementtree

    def counted(self, *args):
        PARSER_CHUNKS.count += 1
        return original(self, *args)

    PARSER_CHUNKS.count = 0
    monkeypatch.setattr(xlsx_stream._Decoder, "_rows_by_elementtree", counted)


def test_varied_sheet_equals_calamine(tmp_path):
    rows = assert_stream_equals_calamine(varied_workbook(tmp_path / "leads.xlsx"))
    by_number = {r.number: r.cells for r in rows}
    assert by_number[4][:3] == ("Asha <Rao> & \"Sons\" 'Ltd'", 919876543210.0, 250000.5)
    assert by_number[6][0] == "plain bold tail"  # rich text: the runs joined
    assert by_number[10][10] == dt.date(2023, 3, 15) and isinstance(by_number[10][11], dt.datetime)
    assert by_number[20][27] == "beyond Z" and by_number[21][54] == 42.0
    assert by_number[41][:2] == ("Lead 14 & x", 5.0)  # formulas' saved results
    assert rows[-1].number == 45 and not any(by_number[12])


def test_shared_strings_rich_text_and_phonetic_runs_equal_calamine(tmp_path):
    path = to_shared_strings(varied_workbook(tmp_path / "shared.xlsx"))
    with zipfile.ZipFile(path) as archive:
        assert b't="s"' in archive.read("xl/worksheets/sheet1.xml")
    rows = assert_stream_equals_calamine(path)
    assert rows[0].cells[0] == "Leads from the expo"


@pytest.mark.parametrize("offsets", ["4 bytes", "8 bytes past 4 GB"])
def test_strings_beyond_the_listed_ones_come_from_the_blob(tmp_path, monkeypatch, offsets):
    path = to_shared_strings(varied_workbook(tmp_path / "shared.xlsx"))
    monkeypatch.setattr(xlsx_stream, "_LIST_STRINGS", 2)
    if offsets != "4 bytes":
        monkeypatch.setattr(xlsx_stream, "_SMALL_OFFSETS_UP_TO", 30)  # "4 GB" after 30 bytes of text
    typecodes = []
    original = xlsx_stream.SharedStrings.close
    monkeypatch.setattr(xlsx_stream.SharedStrings, "close", lambda self: (typecodes.append(self.ends.typecode),
                                                                         original(self)))
    assert_stream_equals_calamine(path)
    assert typecodes == ["I" if offsets == "4 bytes" else "Q"]


def test_1904_date_system_equals_calamine(tmp_path):
    assert_stream_equals_calamine(varied_workbook(tmp_path / "mac.xlsx", epoch=CALENDAR_MAC_1904))


def test_rows_split_across_chunks_equal_calamine(tmp_path, monkeypatch):
    path = to_shared_strings(varied_workbook(tmp_path / "leads.xlsx"))
    monkeypatch.setattr(xlsx_stream, "_HEAD_BYTES", 400)  # the root element, no row
    monkeypatch.setattr(xlsx_stream, "CHUNK_BYTES", 97)  # every row and most strings cut in two
    assert_stream_equals_calamine(path)
    assert PARSER_CHUNKS.count == 0


def test_other_attribute_orders_and_quotes_are_parsed_by_elementtree(tmp_path):
    """Writers other than Excel may put t before s, quote with ' or add spaces: still exact."""
    path = varied_workbook(tmp_path / "odd.xlsx")

    def change(xml: bytes) -> bytes:
        odd = (xml.replace(b'<c r="D4" s="1" t="n">', b'<c r="D4" t="n" s="1">')
               .replace(b'<c r="A14" t="inlineStr">', b"<c t='inlineStr'  r='A14' >"))
        assert odd.count(b'<c r="D4" t="n" s="1">') == 1 and odd.count(b"r='A14' >") == 1
        return odd

    rewrite_sheet(path, change)
    rows = assert_stream_equals_calamine(path, parser_chunks=1)
    assert isinstance(rows[3].cells[3], dt.datetime) and rows[13].cells[0] == "Lead 14"


def test_a_dimension_that_lies_changes_nothing(tmp_path):
    path = varied_workbook(tmp_path / "lies.xlsx")
    rewrite_sheet(path, lambda xml: xml.replace(b'<dimension ref="A1:BC45" />', b'<dimension ref="A1:B2" />'))
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:B2" />' in archive.read("xl/worksheets/sheet1.xml")
    assert_stream_equals_calamine(path)


def test_big_sheets_take_the_stream_and_read_the_same(tmp_path, monkeypatch):
    path = to_shared_strings(varied_workbook(tmp_path / "big.xlsx"))
    _, expected = calamine_records(path)
    monkeypatch.setattr(workbook_size, "STREAM_ABOVE_CELLS", 100)  # 45 rows x 55 columns is "big" now
    source = open_sheet(path)
    assert source._uses_stream()
    assert source.estimated_records() == 45
    progress = []
    records = []
    for record in source.records():
        records.append(record)
        progress.append(source.progress())
    assert_same_records(records, expected)
    assert progress[-1] == 1.0 and progress == sorted(progress)
    assert source._loaded is None and source._workbook is None  # calamine never loaded it
    table = read_table(source)
    assert table.header_row == 3 and table.headers[:3] == ["Name", "Mobile", "Budget"]


def test_a_lying_dimension_on_a_big_part_still_streams(tmp_path, monkeypatch):
    """A big part's <dimension> is trusted without reading the sheet; its XML size is judged too."""
    path = varied_workbook(tmp_path / "lies.xlsx")
    rewrite_sheet(path, lambda xml: xml.replace(b'<dimension ref="A1:BC45" />', b'<dimension ref="A1" />'))
    monkeypatch.setattr(workbook_size, "_ALWAYS_SCAN_BYTES", 100)
    monkeypatch.setattr(workbook_size, "STREAM_ABOVE_XML_BYTES", 1000)
    source = open_sheet(path)
    assert source.estimated_records() == 1  # what the file claims
    assert source._uses_stream()
    assert [r.number for r in source.records()][-1] == 45


def test_sheet_choice_does_not_load_a_big_sheet(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    wb.active.append(["Total", 40])
    leads = wb.create_sheet("Leads")
    leads.append(["Name", "Phone"])
    for n in range(40):
        leads.append([f"Lead {n}", 9800000000 + n])
    wb.save(tmp_path / "two.xlsx")
    monkeypatch.setattr(workbook_size, "STREAM_ABOVE_CELLS", 10)
    source = open_sheet(tmp_path / "two.xlsx")
    assert source.sheet == "Leads" and source.sheet_chosen == "data"
    assert source._workbook is None and source._loaded is None
    assert len(list(source.records())) == 41


def test_a_sheet_cut_short_is_damaged_not_shorter(tmp_path, monkeypatch):
    path = varied_workbook(tmp_path / "cut.xlsx")
    rewrite_sheet(path, lambda xml: xml[: xml.index(b'<row r="20"')] + b'<row r="20"><c r="A20" t="inlineStr"><is><t>Le')
    with pytest.raises(StreamProblem):
        list(SheetStream(path, "Leads").records())
    monkeypatch.setattr(workbook_size, "STREAM_ABOVE_CELLS", 10)
    source = open_sheet(path)
    with pytest.raises(SourceError, match=r"^cut.xlsx is damaged or not a complete Excel file; open it in Excel"):
        list(source.records())


def test_a_dtd_is_refused(tmp_path):
    path = varied_workbook(tmp_path / "dtd.xlsx")
    rewrite_sheet(path, lambda xml: b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + xml)
    with pytest.raises(StreamProblem, match="DTD"):
        list(SheetStream(path, "Leads").records())


def test_hidden_and_chart_sheets_listed_as_calamine_lists_them(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Lookup"
    wb.active["A1"] = "code"
    wb.active.sheet_state = "hidden"
    wb.create_sheet("Leads")["A1"] = "Name"
    wb.create_chartsheet("Chart")
    wb.save(tmp_path / "mixed.xlsx")
    import python_calamine

    from telecrm_desktop.core.sources.excel_source import _worksheet_names
    from telecrm_desktop.core.sources.xlsx_preview import xlsx_sheet_names

    calamine = _worksheet_names(python_calamine.CalamineWorkbook.from_path(str(tmp_path / "mixed.xlsx")))
    assert xlsx_sheet_names(tmp_path / "mixed.xlsx") == calamine == (["Lookup", "Leads"], ["Leads"])


def test_a_big_sheet_only_calamine_can_read_goes_to_calamine(tmp_path, monkeypatch):
    """The stream refuses a DTD; a sheet small enough for calamine is then loaded by calamine."""
    path = varied_workbook(tmp_path / "dtd.xlsx")
    _, expected = calamine_records(path)
    rewrite_sheet(path, lambda xml: xml.replace(b"<worksheet", b"<!DOCTYPE worksheet>\n<worksheet", 1))
    monkeypatch.setattr(workbook_size, "STREAM_ABOVE_CELLS", 100)
    source = open_sheet(path)
    assert source._uses_stream()
    assert list(source.records()) == expected
    assert source._loaded is not None


def test_self_closing_rows_between_chunks(tmp_path, monkeypatch):
    """Rows without cells (<row r="11"/>, as some writers save styled rows) end no </row>."""
    path = varied_workbook(tmp_path / "rows.xlsx")

    def change(xml: bytes) -> bytes:
        empty = b"".join(b'<row r="%d" ht="20" customHeight="1"/>' % n for n in range(15, 19))
        changed = xml.replace(b'<row r="11"><c r="K11" s="13" t="n" /></row>', b'<row r="11" s="2"/>').replace(
            b'<row r="19">', empty + b'<row r="19">')
        assert changed.count(b"/>") == xml.count(b"/>") + 4
        return changed

    rewrite_sheet(path, change)
    monkeypatch.setattr(xlsx_stream, "_HEAD_BYTES", 400)
    monkeypatch.setattr(xlsx_stream, "CHUNK_BYTES", 40)
    assert_stream_equals_calamine(path)


ESCAPES = {  # as a writer may save them -> what calamine reads
    b"XX1": b"a_x000D_b",  # OOXML's escape for a carriage return, as Excel writes it
    b"XX2": b"line1\r\nline2",  # XML's line ends become \n
    b"XX3": b"cr\ralone",
    b"XX4": b"ref&#13;kept&#10;too",
    b"XX5": b"_x005F_x000D_ literal",  # an escaped underscore
    b"XX6": b"tab\there &amp; _x0041_",
}


def escapes_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    for row, placeholder in enumerate(ESCAPES, start=1):
        ws.cell(row, 1, placeholder.decode())
        ws.cell(row, 2, f"={row}")  # becomes a formula with a saved text result below
    wb.save(path)

    def change(xml: bytes) -> bytes:
        for row, (placeholder, raw) in enumerate(ESCAPES.items(), start=1):
            xml = xml.replace(placeholder, raw)
            formula = b'<c r="B%d"><f>%d</f><v /></c>' % (row, row)
            assert formula in xml
            xml = xml.replace(formula, b'<c r="B%d" t="str"><f>%d</f><v>%s</v></c>' % (row, row, raw))
        return xml

    return rewrite_sheet(path, change)


@pytest.mark.parametrize("layout", ["inline", "shared", "elementtree"])
def test_line_ends_references_and_ooxml_escapes_equal_calamine(tmp_path, layout):
    path = escapes_workbook(tmp_path / "escapes.xlsx")
    if layout == "shared":
        path = to_shared_strings(path)
    if layout == "elementtree":
        rewrite_sheet(path, lambda xml: xml.replace(b'<c r="A1" t="inlineStr">', b"<c t='inlineStr' r='A1'>"))
    rows = assert_stream_equals_calamine(path, parser_chunks=1 if layout == "elementtree" else 0)
    # the shared layout splits A1 into rich-text runs "a_" + "x000D_b": each run is decoded alone
    assert rows[0].cells == ("a_x000D_b" if layout == "shared" else "a\rb", "a\rb")
    assert rows[1].cells[0] == "line1\nline2" and rows[2].cells[0] == "cr\nalone"
    assert rows[3].cells[0] == "ref\rkept\ntoo" and rows[4].cells[0] == "_x000D_ literal"


_TEXT = st.text(st.sampled_from(list("aZ9 _x0D&<>\"'\t\n\r;é😀")), max_size=12)
_CELL = st.one_of(
    st.none(), _TEXT, st.booleans(), st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELL, max_size=6), min_size=1, max_size=8), shared=st.booleans())
def test_random_cells_equal_calamine(tmp_path_factory, rows, shared):
    path = tmp_path_factory.mktemp("random") / "random.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    for row in rows:
        ws.append(row)
    ws["H1"] = "anchor"  # never an empty sheet
    wb.save(path)
    if shared:
        path = plainly_shared(path)
    assert_stream_equals_calamine(path)


def plainly_shared(path: Path) -> Path:
    """openpyxl's inline strings moved to a shared string table, each item as written (escaped)."""
    items: list[bytes] = []

    def shared(match: re.Match) -> bytes:
        items.append(match.group(2))
        return match.group(1) + b' t="s"><v>%d</v></c>' % (len(items) - 1)

    inline = re.compile(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is>(<t(?: xml:space="preserve")?>[^<]*</t>)</is></c>')
    rewrite_sheet(path, lambda xml: inline.sub(shared, xml))
    plainly_shared_strings(path, items)
    return path


BODIES = [  # string items as writers may save them, and what calamine reads from each
    (b"<t> a </t>", "a"),  # without xml:space="preserve", white space at the ends is dropped
    (b'<t xml:space="preserve"> a </t>', " a "),
    (b"<t>\t</t>", None),
    (b"<t>&#10;a&#13;</t>", "a"),  # after references are decoded...
    (b"<t>a_x0020_</t>", "a "),  # ...and before _xHHHH_ escapes are
    ("<t>\u00a0a</t>".encode(), "\u00a0a"),  # only XML white space
    (b'<r><t>a </t></r><r><rPr><b/></rPr><t xml:space="preserve"> b</t></r>', "a b"),  # per run
    (b"<t xml:space='preserve'> q </t>", " q "),
]


@pytest.mark.parametrize("layout", ["inline", "shared", "elementtree"])
def test_white_space_at_the_ends_as_calamine_reads_it(tmp_path, layout):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    for row in range(1, len(BODIES) + 1):
        ws.cell(row, 1, f"PLACE{row}")
    path = tmp_path / "spaces.xlsx"
    wb.save(path)

    def change(xml: bytes) -> bytes:
        for row, (body, _) in enumerate(BODIES, start=1):
            cell = b'<c r="A%d" t="inlineStr"><is><t>PLACE%d</t></is></c>' % (row, row)
            assert cell in xml
            if layout == "shared":
                xml = xml.replace(cell, b'<c r="A%d" t="s"><v>%d</v></c>' % (row, row - 1))
            elif layout == "elementtree":  # single quotes: not the fast pattern's layout
                xml = xml.replace(cell, b"<c r='A%d' t='inlineStr'><is>%s</is></c>" % (row, body))
            else:
                xml = xml.replace(cell, b'<c r="A%d" t="inlineStr"><is>%s</is></c>' % (row, body))
        return xml

    rewrite_sheet(path, change)
    if layout == "shared":
        plainly_shared_strings(path, [body for body, _ in BODIES])
    rows = assert_stream_equals_calamine(path, parser_chunks=1 if layout == "elementtree" else 0)
    assert [r.cells[0] if r.cells else None for r in rows] == [read for _, read in BODIES]


def test_rows_and_cells_without_references(tmp_path):
    """r is optional on <row> and <c>: the next row, the next column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    for n in range(1, 6):
        ws.append([f"Lead {n}", 9800000000 + n, n % 2 == 0])
    path = tmp_path / "bare.xlsx"
    wb.save(path)
    _, expected = calamine_records(path)
    rewrite_sheet(path, lambda xml: re.sub(rb'(<(?:row|c)) r="[A-Z]*\d+"', rb"\1", xml))
    with zipfile.ZipFile(path) as archive:
        assert b' r="' not in archive.read("xl/worksheets/sheet1.xml").split(b"<sheetData>")[1]
    assert_same_records(list(SheetStream(path, "Leads").records()), expected)
    assert_stream_equals_calamine(path)


THERE_OR_NOT = [  # a last row holding only B2, as written; whether calamine counts it (a row and a column)
    (b'<c r="B2" t="inlineStr"><is><t> </t></is></c>', True),
    (b'<c r="B2" t="inlineStr"><is><t></t></is></c>', True),
    (b'<c r="B2" t="inlineStr"></c>', False),
    (b'<c r="B2" t="str"><v></v></c>', True),
    (b'<c r="B2" t="str"><f>1</f></c>', False),
    (b'<c r="B2" t="e"><v>#N/A</v></c>', True),
    (b'<c r="B2" t="s"><v>1</v></c>', True),  # shared string 1 is ""
    (b'<c r="B2"><v></v></c>', False),
    (b'<c r="B2"><f>1</f><v /></c>', False),
    (b'<c r="B2" t="b"><v></v></c>', False),
    (b'<c r="B2" t="s"/>', False),
    (b'<c r="B2" s="0"/>', False),
]


@pytest.mark.parametrize("parser", ["pattern", "elementtree"])
@pytest.mark.parametrize(("cell", "counted"), THERE_OR_NOT)
def test_empty_cells_calamine_counts_in_the_extent(tmp_path, cell, counted, parser):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    ws["A1"] = "anchor"
    ws["A2"] = "PLACE"
    path = tmp_path / "there.xlsx"
    wb.save(path)
    if parser == "elementtree":  # single quotes: not the fast pattern's layout
        cell = cell.replace(b'r="B2"', b"r='B2'")

    def change(xml: bytes) -> bytes:
        placed = b'<c r="A2" t="inlineStr"><is><t>PLACE</t></is></c>'
        assert placed in xml
        return xml.replace(placed, cell)

    rewrite_sheet(path, change)
    plainly_shared_strings(path, [b"<t>x</t>", b"<t></t>"])
    rows = assert_stream_equals_calamine(path, parser_chunks=1 if parser == "elementtree" else 0)
    # row 1 as wide as the rows so far; calamine's as wide as the sheet: ("anchor", None)
    assert [r.cells for r in rows] == ([("anchor",), (None, None)] if counted else [("anchor",)])


def plainly_shared_strings(path: Path, items: list[bytes]) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = b'<?xml version="1.0"?><sst xmlns="%s">%s</sst>' % (
        main, b"".join(b"<si>%s</si>" % item for item in items))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml" Id="rIdStrings"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)


def test_the_app_streams_a_sheet_of_any_size_and_reads_what_calamine_reads(tmp_path):
    """open_sheet(stream_xlsx=True), as the desktop app opens workbooks: memory before speed."""
    path = varied_workbook(tmp_path / "small.xlsx")
    assert not open_sheet(path)._uses_stream()  # the command line: calamine, twice as fast
    source = open_sheet(path, stream_xlsx=True)
    assert source._uses_stream()
    assert_same_records(list(source.records()), calamine_records(path)[1])
    assert source._workbook is None and source._loaded is None  # calamine never loaded the sheet
