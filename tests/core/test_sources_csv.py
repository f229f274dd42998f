"""CSV/TSV reading: encodings, delimiters, quoting, streaming. Files written by Python's csv module."""

import csv
import subprocess
import sys

import pytest

from telecrm_desktop.core.sources import open_sheet, read_table
from telecrm_desktop.core.sources.table import SourceError

ROWS = [
    ["Name", "Phone", "City", "Note"],
    ["René Dupont", "+91 98765 43210", "Pune", "paid €12"],
    ["Zoë", "9876543211", "Mumbai", ""],
]


def write_csv(path, rows, *, encoding="utf-8", delimiter=","):
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def cells(source):
    return [list(r.cells) for r in source.records()]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_each_encoding_reads_back_exactly(tmp_path, encoding):
    path = write_csv(tmp_path / "leads.csv", ROWS, encoding=encoding)
    source = open_sheet(path)
    assert cells(source) == ROWS
    assert source.kind == "csv" and source.sheet is None and source.sheet_names == []
    assert source.delimiter == ","


def test_detected_encoding_names(tmp_path):
    assert open_sheet(write_csv(tmp_path / "a.csv", ROWS, encoding="utf-8-sig")).encoding == "utf-8-sig"
    assert open_sheet(write_csv(tmp_path / "b.csv", ROWS, encoding="cp1252")).encoding == "cp1252"
    assert open_sheet(write_csv(tmp_path / "c.csv", ROWS, encoding="utf-8")).encoding == "utf-8"


def test_facebook_lead_ads_export_utf16_tab(tmp_path):
    rows = [["id", "created_time", "full_name", "phone_number"],
            ["l:123", "2026-03-01T10:00:00+05:30", "Anaïs Rao", "p:+919876543210"]]
    path = write_csv(tmp_path / "fb.csv", rows, encoding="utf-16", delimiter="\t")
    assert path.read_bytes()[:2] == b"\xff\xfe"  # little-endian with BOM, like Facebook
    source = open_sheet(path)
    assert source.delimiter == "\t"
    assert cells(source) == rows


def test_utf16_big_endian_and_without_bom(tmp_path):
    rows = [["Name", "Phone"], ["Ana", "98765"]]
    text = "\r\n".join(",".join(r) for r in rows) + "\r\n"
    big = tmp_path / "be.csv"
    big.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    bare = tmp_path / "le.csv"
    bare.write_bytes(text.encode("utf-16-le"))
    assert cells(open_sheet(big)) == rows
    assert cells(open_sheet(bare)) == rows


def test_cyrillic_cp1251_is_recognised(tmp_path):
    rows = [["Имя", "Телефон", "Город"], ["Иван Петров", "9876543210", "Москва"], ["Мария Иванова", "9876500000", "Казань"]]
    assert cells(open_sheet(write_csv(tmp_path / "ru.csv", rows, encoding="cp1251"))) == rows


def test_utf8_file_with_a_stray_cp1252_byte_late_keeps_every_row(tmp_path):
    path = tmp_path / "mixed.csv"
    good = "".join(f"Name {i},é{i}\n" for i in range(60_000)).encode("utf-8")  # > 1 MB of UTF-8
    path.write_bytes(b"Name,Note\n" + good + b"Caf\xe9 \x80,last\n")
    source = open_sheet(path)
    assert source.encoding == "utf-8"
    records = list(source.records())
    assert len(records) == 60_002
    assert records[-1].cells == ("Café €", "last")


def test_forcing_an_encoding_and_delimiter(tmp_path):
    path = write_csv(tmp_path / "x.txt", ROWS, encoding="cp1252", delimiter=";")
    source = open_sheet(path, encoding="latin-1", delimiter=";")
    assert source.encoding == "latin-1" and source.delimiter == ";"
    assert cells(source)[1][0] == "René Dupont"
    with pytest.raises(SourceError, match="x.txt"):
        open_sheet(path, encoding="no-such-codec")


def test_european_semicolon_csv_with_decimal_commas(tmp_path):
    rows = [["Name", "Amount", "Fee"], ["A", "1.234,50", "2,5"], ["B", "12,00", "0,75"], ["C", "3", "1,25"]]
    source = open_sheet(write_csv(tmp_path / "eu.csv", rows, encoding="cp1252", delimiter=";"))
    assert source.delimiter == ";"
    assert cells(source) == rows


def test_pipe_delimited(tmp_path):
    rows = [["Name", "Phone", "Email"], ["A", "1", "a@x.in"], ["B", "2", "b@x.in"]]
    source = open_sheet(write_csv(tmp_path / "p.txt", rows, delimiter="|"))
    assert source.delimiter == "|" and cells(source) == rows


def test_tsv_single_column_defaults_to_tab(tmp_path):
    path = write_csv(tmp_path / "one.tsv", [["Phone"], ["98765, 43210"]], delimiter="\t")
    source = open_sheet(path)
    assert source.delimiter == "\t"
    assert cells(source) == [["Phone"], ["98765, 43210"]]


def test_quoted_delimiters_and_newlines_and_record_numbers(tmp_path):
    rows = [["Name", "Address", "Phone"],
            ["A", "12, MG Road\nPune, 411001", "98765"],
            ["B", 'He said "hi"; left', "12345"]]
    source = open_sheet(write_csv(tmp_path / "q.csv", rows))
    records = list(source.records())
    assert [list(r.cells) for r in records] == rows
    # numbers count records, not lines: the embedded newline does not shift them
    assert [r.number for r in records] == [1, 2, 3]


def test_title_rows_and_blank_lines_are_records(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Expo 2026 visitors\n\nName,Phone,Email\nA,98765,a@x.in\n\nB,12345,b@x.in\n", encoding="utf-8")
    source = open_sheet(path)
    assert source.delimiter == ","
    table = read_table(source)
    assert table.header_row == 3
    assert table.headers == ["Name", "Phone", "Email"]
    assert [(r.number, r.values) for r in table.rows()] == [
        (4, ("A", "98765", "a@x.in")), (6, ("B", "12345", "b@x.in"))]


def test_nul_bytes_are_dropped(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"Name,Phone\nA\x00na,987\x0065\n\x00\x00B,1\n")
    assert cells(open_sheet(path)) == [["Name", "Phone"], ["Ana", "98765"], ["B", "1"]]


def test_ten_megabyte_cell(tmp_path):
    note = "x" * (10 * 1024 * 1024)
    path = write_csv(tmp_path / "big_cell.csv", [["Name", "Note"], ["A", note], ["B", "short"]])
    records = list(open_sheet(path).records())
    assert records[1].cells[1] == note and records[2].cells == ("B", "short")


def test_quote_never_closed_is_a_sentence_not_a_hang(tmp_path):
    import telecrm_desktop.core.sources.csv_source as csv_source

    old = csv.field_size_limit(1000)  # the reader's real limit is 64 MB; a small one keeps this quick
    try:
        path = tmp_path / "open_quote.csv"
        path.write_text('Name,Note\nA,"never closed\n' + "B,x\n" * 1000, encoding="utf-8")
        with pytest.raises(SourceError, match=r"open_quote.csv record 2 .*quote"):
            list(open_sheet(path).records())
    finally:
        csv.field_size_limit(old)
    assert csv_source.MAX_CELL_CHARS == old


def test_preview_and_estimate(tmp_path):
    rows = [["Name", "Phone"]] + [[f"Lead {i}", str(9876500000 + i)] for i in range(5000)]
    source = open_sheet(write_csv(tmp_path / "many.csv", rows))
    assert [r.number for r in source.preview(3)] == [1, 2, 3]
    estimate = source.estimated_records()
    assert 4000 < estimate < 6500
    iterator = source.records()
    assert source.progress() is None
    for _ in range(2500):
        next(iterator)
    assert 0 < source.progress() <= 1
    iterator.close()


MEASURE_PEAK = """
import resource, sys
from telecrm_desktop.core.sources import open_sheet, read_table
table = read_table(open_sheet(sys.argv[1]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
count = sum(1 for _ in table.rows())
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(count, (after - before) * 1024)
"""


def test_two_hundred_thousand_rows_stream_in_small_memory(tmp_path):
    """Peak memory measured in a fresh process (tracemalloc would slow this test tenfold)."""
    path = tmp_path / "huge.csv"
    line = "Lead {0},98765{0:05d},lead{0}@example.com,Pune," + "n" * 150 + "\n"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("Name,Phone,Email,City,Note\n")
        handle.writelines(line.format(i) for i in range(200_000))
    assert path.stat().st_size > 40_000_000
    done = subprocess.run([sys.executable, "-c", MEASURE_PEAK, str(path)], capture_output=True, text=True, check=True)
    count, growth = map(int, done.stdout.split())
    assert count == 200_000
    assert growth < 15_000_000  # holding the rows would take over 100 MB


def test_cp1252_export_with_utf8_rows_appended_later(tmp_path):
    path = tmp_path / "appended.csv"
    old = "Name,City\n" + "".join(f"René {i},Orléans\n" for i in range(40_000))  # > 1 MB of cp1252
    path.write_bytes(old.encode("cp1252") + "Zoë,Kraków\n".encode("utf-8"))
    source = open_sheet(path)
    assert source.encoding == "cp1252"
    records = list(source.records())
    assert records[1].cells == ("René 0", "Orléans")
    assert records[-1].cells == ("Zoë", "Kraków")


def test_excel_sep_line_and_old_mac_line_ends(tmp_path):
    path = tmp_path / "sep.csv"
    path.write_bytes(b"sep=;\r\nName;Note\r\nA;x,y\r\n")
    source = open_sheet(path)
    assert source.delimiter == ";"
    assert read_table(source).headers == ["Name", "Note"]
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"Name,Phone\rA,1\rB,2\r")
    assert cells(open_sheet(mac)) == [["Name", "Phone"], ["A", "1"], ["B", "2"]]


def test_lines_of_both_encodings_mixed_in_a_small_file(tmp_path):
    path = tmp_path / "mixed_small.csv"
    path.write_bytes("Name,City\n".encode() + "José,Málaga\n".encode("cp1252") + "Zoë,Kraków\n".encode("utf-8")
                     + "Łukasz,Łódź\n".encode("utf-8") + "Renée,Genève\n".encode("cp1252"))
    source = open_sheet(path)
    assert cells(source)[1:] == [["José", "Málaga"], ["Zoë", "Kraków"], ["Łukasz", "Łódź"], ["Renée", "Genève"]]


def test_a_sheet_name_from_a_workbook_template_is_ignored_for_csv(tmp_path):
    source = open_sheet(write_csv(tmp_path / "export.csv", ROWS), sheet="Visitors")
    assert source.sheet is None and cells(source) == ROWS
