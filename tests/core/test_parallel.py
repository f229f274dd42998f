"""Checking a big CSV on several cores (core.check.parallel): the workers parse chunks of the file's
bytes, and what comes back must be exactly what one process reading record by record gives,
wherever the chunks are cut: inside quoted notes with line breaks, next to stray quotes, in
files with a byte-order mark, Windows-1252 text, blank lines, or no newline at all."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from telecrm_desktop.core.check import parallel
from telecrm_desktop.core.findings import Finding
from telecrm_desktop.core.template.mapping import parse_mapping
from telecrm_desktop.core.check.pipeline import RowPlan
from telecrm_desktop.core.sources import open_sheet, read_table
from telecrm_desktop.core.sources.csv_source import _record_end
from telecrm_desktop.core.check.wording import renumbered, value_finding

MAPPING = parse_mapping({
    "format": "telecrm-mapping/1",
    "country": "IN",
    "columns": {
        "Mobile": {"to": "fields.phone", "type": "phone"},
        "Name": {"to": "fields.name"},
        "Rating": {"to": "fields.rating", "type": "rating"},
        "Note": {"to": "actions.ACTION_9.note"},
    },
})


def messy_rows(count: int) -> list[list[str]]:
    """Leads with what real exports hold: notes over several lines, quotes, bad phones, blank
    lines, short and long rows, repeated leads."""
    rows = [["Mobile", "Name", "Rating", "Note"]]
    for n in range(count):
        phone = "12345" if n % 41 == 7 else f"98765{n % 300:05d}"
        note = ""
        if n % 9 == 1:
            note = f'called twice,\nsaid "call back"\nat 5 pm ({n})'
        elif n % 13 == 2:
            note = "see below,\n" + "x" * 700  # a quoted cell longer than the smallest chunks
        row = [phone, f"Lead {n} Zoë", str(n % 7), note]
        if n % 31 == 5:
            row = row[:2]
        if n % 37 == 6:
            row = row + ["extra"]
        rows.append(row)
        if n % 29 == 3:
            rows.append([])
    return rows


def write(path, rows, *, encoding="utf-8", terminator="\r\n", delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=terminator, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def both_ways(path, monkeypatch, chunk_bytes: int, header_row: int | None = None):
    monkeypatch.setattr(parallel, "CHUNK_BYTES", chunk_bytes)
    table = read_table(open_sheet(path), header_row)
    here = list(parallel.checked_rows(table, RowPlan(table.headers, MAPPING), workers=0))
    progress = []
    there = list(parallel.checked_rows(table, RowPlan(table.headers, MAPPING), workers=2,
                                       on_progress=lambda done, share: progress.append((done, share))))
    return here, there, progress


@pytest.mark.parametrize("chunk_bytes", [200, 1000, 7777, 1 << 20])
def test_chunked_check_gives_exactly_the_rows_of_a_plain_read(tmp_path, monkeypatch, chunk_bytes):
    path = write(tmp_path / "leads.csv", messy_rows(1500))
    here, there, progress = both_ways(path, monkeypatch, chunk_bytes)
    assert there == here
    assert len(here) == 1500
    invalid = [r for r in there if r.status == "invalid"]
    assert invalid and all(f.message.startswith(f"Row {r.row}, ") for r in invalid for f in r.errors)
    assert progress[-1] == (1500, 1.0)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_encodings_that_can_and_cannot_be_cut(tmp_path, monkeypatch, encoding):
    path = write(tmp_path / "leads.csv", messy_rows(600), encoding=encoding, delimiter=";")
    assert open_sheet(path).splittable() is (encoding != "utf-16")
    here, there, _ = both_ways(path, monkeypatch, 500)
    assert there == here and len(here) == 600
    assert here[0].identifier == "919876500000"  # the byte-order mark is not in the first cell


def test_a_header_below_title_rows_and_old_mac_line_ends(tmp_path, monkeypatch):
    rows = [["Leads export"], ["made 24/11/2026"]] + messy_rows(300)
    here, there, _ = both_ways(write(tmp_path / "titled.csv", rows), monkeypatch, 100, header_row=3)
    assert there == here and here[0].row == 4
    # only carriage returns: no newline byte to cut at, the whole file is read in this process
    mac = write(tmp_path / "mac.csv", [r for r in messy_rows(300) if "\n" not in "".join(r)], terminator="\r")
    here, there, _ = both_ways(mac, monkeypatch, 100)
    assert there == here and len(here) == 248


def test_a_stray_quote_in_an_unquoted_cell(tmp_path, monkeypatch):
    lines = ["Mobile,Name,Rating,Note"] + [f'98765{n:05d},Lead {n},3,5" screen' if n % 10 == 0 else
                                          f"98765{n:05d},Lead {n},3," for n in range(400)]
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    here, there, _ = both_ways(path, monkeypatch, 300)
    assert there == here and len(here) == 400


def test_a_chunk_ending_inside_a_quoted_cell_is_known():
    source_rows = b'Mobile,Note\n9876500001,"first line\nsecond line"\n'
    assert _record_end(source_rows) == len(source_rows)
    assert _record_end(source_rows[:-1]) == len(b"Mobile,Note\n")  # the cut avoids the quoted newline
    assert _record_end(b'a,"b\nc') == len(b'a,"b\n')  # no newline outside quotes: the last one (checked later)
    assert _record_end(b"no newline") == 0


def test_chunk_records_refuses_a_chunk_cut_inside_quotes(tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes(b'Mobile,Note\n9876500001,"first line\nsecond"\n')
    source = open_sheet(path)
    assert source.chunk_records(b'Mobile,Note\n9876500001,"first line\n', True) is None
    assert source.chunk_records(b'second"\n', False) == [['second"']]  # plausible, but never asked for
    assert source.chunk_records(path.read_bytes(), True) == [["Mobile", "Note"], ["9876500001", "first line\nsecond"]]


def test_a_finding_moved_to_its_row_in_the_file():
    finding = value_finding(1, "Mobile", "12345", "phone.invalid", "is not a phone number")
    moved = renumbered(finding, 12)
    assert moved.row == 12 and moved.message.startswith('Row 12, column "Mobile": "12345"')
    assert renumbered(Finding(1, None, None, "x", "Row 1: no phone."), 1201).message == "Row 1201: no phone."
    # only the leading "Row N" changes, never a number that merely starts the same way
    assert renumbered(Finding(1, None, None, "x", "Row 12: no phone."), 5).message == "Row 12: no phone."


def chunked_records(source, size: int) -> list[tuple]:
    """What core.check.parallel gets out of `source` in chunks of `size` bytes: each chunk's records,
    and from the first chunk it cannot parse on its own, the records read from there on."""
    records: list[tuple] = []
    for start, data in source.chunks(size):
        rows = None if data is None else source.chunk_records(data, start == 0)
        if rows is None:
            records += [r.cells for r in source.records(start, len(records) + 1)]
            break
        records += [tuple(r) for r in rows]
    return records


raw_text = st.text(alphabet='ab,;"\n\r \t\x00ë', max_size=400)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=raw_text, size=st.integers(1, 64), encoding=st.sampled_from(["utf-8", "cp1252"]))
def test_any_text_cut_anywhere_reads_as_a_whole(tmp_path, text, size, encoding):
    # not only well-formed CSV: stray quotes, lone carriage returns, NULs, blank lines
    path = tmp_path / "any.csv"
    path.write_bytes(("Mobile,Name\n" + text).encode(encoding))
    source = open_sheet(path, encoding=encoding, delimiter=",")
    assert chunked_records(source, size) == [r.cells for r in source.records()]
