"""A corpus of hostile and broken lead files, written at test time by real libraries (openpyxl,
xlwt, odfpy, msoffcrypto-tool) and raw bytes into a temporary folder; nothing large is committed.

`build_corpus(folder) -> list[Hostile]`. Each file says what `telecrm-import check` must do with
it: REFUSE (exit 2 with one sentence naming the file), READ (a correct result: exit 0 or 1), or
EITHER (one of the two, as long as it is clear and bounded). Most files carry the columns "Name"
and "Phone" so that the template of MAPPING fits them.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

REFUSE, READ, EITHER = "refuse", "read", "either"

MAPPING = {
    "format": "telecrm-mapping/1",
    "name": "hostile files",
    "columns": {"Name": {"to": "fields.name"}, "Phone": {"to": "fields.phone", "type": "phone"}},
}

MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384


@dataclass
class Hostile:
    path: Path
    expect: str  # REFUSE, READ or EITHER
    why: str
    ready: int | None = None  # for READ: how many rows must be ready, when known
    read_only: bool = False  # read every row through the reader instead of a whole `check`


LEADS = [("Name", "Phone"), ("Asha", "9876543210"), ("Ravi", "+91 98765 43211"), ("Meena", "98765-43212")]


# -- real files --------------------------------------------------------------------------------

def xlsx_bytes(rows=LEADS) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_bytes(rows=LEADS) -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Leads")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_bytes(rows=LEADS) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Leads")
    for row in rows:
        tr = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def csv_text(rows=LEADS) -> str:
    return "".join(",".join(row) + "\r\n" for row in rows)


def encrypted_xlsx(plain: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("s3cret", out)
    return out.getvalue()


def rezip(original: bytes, replace: dict[str, bytes | None], compress=zipfile.ZIP_DEFLATED) -> bytes:
    """The same zip with some members replaced (None: removed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(out, "w", compress) as dst:
        for name in src.namelist():
            if name in replace:
                if replace[name] is not None:
                    dst.writestr(name, replace[name])
            else:
                dst.writestr(name, src.read(name))
    return out.getvalue()


def flip_bytes(data: bytes, seed: int, count: int = 40) -> bytes:
    rng = random.Random(seed)
    data = bytearray(data)
    for _ in range(count):
        i = rng.randrange(len(data) // 4, len(data))
        data[i] = rng.randrange(256)
    return bytes(data)


# -- zip bombs: a small file whose sheet is huge once inflated -----------------------------------

SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx_with_streamed_sheet(path: Path, rows) -> None:
    """A real workbook (openpyxl) whose sheet1.xml is replaced by `rows` (an iterator of bytes)."""
    base = xlsx_bytes([("Name", "Phone")])
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name != "xl/worksheets/sheet1.xml":
                dst.writestr(name, src.read(name))
        with dst.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_HEAD)
            for chunk in rows:
                sheet.write(chunk)
            sheet.write(SHEET_TAIL)


def bomb_rows(count: int, cells_per_row: int = 2):
    batch = []
    for r in range(1, count + 1):
        cells = b"".join(b'<c t="inlineStr"><is><t>lead lead lead lead</t></is></c>' for _ in range(cells_per_row))
        batch.append(b'<row r="%d">%s</row>' % (r, cells))
        if len(batch) == 10_000:
            yield b"".join(batch)
            batch.clear()
    yield b"".join(batch)


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                  + b'<row r="1"><c t="inlineStr"><is><t>Name</t></is></c><c t="inlineStr"><is><t>Phone</t></is></c></row>'
                  + b'<row r="2"><c t="inlineStr"><is><t>&lol9;</t></is></c><c><v>9876543210</v></c></row>'
                  + SHEET_TAIL)

XXE = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
       b'<row r="1"><c t="inlineStr"><is><t>Name</t></is></c><c t="inlineStr"><is><t>Phone</t></is></c></row>'
       b'<row r="2"><c t="inlineStr"><is><t>&secret;</t></is></c><c><v>9876543210</v></c></row>' + SHEET_TAIL)


# -- the corpus ----------------------------------------------------------------------------------

def build_corpus(folder: Path) -> list[Hostile]:
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Hostile] = []

    def add(name: str, content: bytes | str | None, expect: str, why: str, **extra) -> Path:
        path = folder / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        elif content is not None:
            path.write_bytes(content)
        files.append(Hostile(path, expect, why, **extra))
        return path

    xlsx, xls, ods = xlsx_bytes(), xls_bytes(), ods_bytes()
    # sanity: the good files read correctly (the same rows every other file is judged against)
    add("good.xlsx", xlsx, READ, "a plain workbook", ready=3)
    add("good.xls", xls, READ, "a plain Excel 97 workbook", ready=3)
    add("good.ods", ods, READ, "a plain OpenDocument sheet", ready=3)
    add("good.csv", csv_text(), READ, "a plain CSV", ready=3)

    # empty and nearly empty
    for ext in ("csv", "xlsx", "xls", "ods"):
        add(f"empty.{ext}", b"", REFUSE, "zero bytes")
    add("blank-lines.csv", "\r\n" * 5000, REFUSE, "only line ends")
    add("spaces.csv", "   \n\t\n  ,  ,\n", EITHER, "only white space")
    add("header-only.csv", "Name,Phone\r\n", READ, "a header and no rows", ready=0)
    add("header-only.xlsx", xlsx_bytes([("Name", "Phone")]), READ, "a header and no rows", ready=0)
    add("no-rows.xlsx", xlsx_bytes([]), REFUSE, "a workbook with an empty sheet")

    # truncated and corrupt workbooks
    for cut in (0.1, 0.5, 0.9, 0.99):
        add(f"cut-{int(cut * 100)}.xlsx", xlsx[: int(len(xlsx) * cut)], REFUSE, f"an .xlsx cut at {cut:.0%}")
    for cut in (0.3, 0.7):
        add(f"cut-{int(cut * 100)}.xls", xls[: int(len(xls) * cut)], EITHER, f"an .xls cut at {cut:.0%}")
        add(f"cut-{int(cut * 100)}.ods", ods[: int(len(ods) * cut)], REFUSE, f"an .ods cut at {cut:.0%}")
    for seed in (1, 2, 3):
        add(f"flipped-{seed}.xlsx", flip_bytes(xlsx, seed), EITHER, "random bytes overwritten in an .xlsx")
        add(f"flipped-{seed}.xls", flip_bytes(xls, seed), EITHER, "random bytes overwritten in an .xls")
    add("flipped.ods", flip_bytes(ods, 4), EITHER, "random bytes overwritten in an .ods")
    add("garbage-sheet.xlsx", rezip(xlsx, {"xl/worksheets/sheet1.xml": b"\x00\xff not xml <<<"}), REFUSE,
        "an .xlsx whose sheet is not XML")
    add("no-workbook.xlsx", rezip(xlsx, {"xl/workbook.xml": None}), REFUSE, "an .xlsx without its workbook part")
    add("plain.zip.xlsx", rezip(xlsx, {n: None for n in zipfile.ZipFile(io.BytesIO(xlsx)).namelist()}
                                | {"readme.txt": b"hello"}), REFUSE, "a zip that is no workbook")
    add("stored.xlsx", rezip(xlsx, {}, compress=zipfile.ZIP_STORED), READ, "an uncompressed .xlsx", ready=3)
    add("xlsb-like.xlsx", rezip(xlsx, {"xl/workbook.xml": None, "xl/workbook.bin": b"\x83\x01\x00" * 50}), REFUSE,
        "a binary workbook (.xlsb) named .xlsx")

    # bombs
    xlsx_with_streamed_sheet(folder / "zip-bomb.xlsx", bomb_rows(1_200_000))
    files.append(Hostile(folder / "zip-bomb.xlsx", EITHER, "1.2 million rows of compressible data (~150 MB inflated)"))
    xlsx_with_streamed_sheet(folder / "far-apart.xlsx", iter([
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>',
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']))
    files.append(Hostile(folder / "far-apart.xlsx", EITHER, "two cells 17 billion cells apart"))
    add("billion-laughs.xlsx", rezip(xlsx, {"xl/worksheets/sheet1.xml": BILLION_LAUGHS}), EITHER,
        "XML entity expansion (a billion laughs)")
    add("xxe.xlsx", rezip(xlsx, {"xl/worksheets/sheet1.xml": XXE}), EITHER, "an external XML entity")
    add("shared-string-bomb.xlsx", rezip(xlsx, {"xl/sharedStrings.xml":
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>" + b"A" * 60_000_000 + b"</t></si></sst>"}), EITHER, "one 60 MB shared string")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="S")
    row = TableRow(numberrowsrepeated=MAX_ROWS)
    cell = TableCell(valuetype="string", numbercolumnsrepeated=MAX_COLUMNS)
    cell.addElement(P(text="x"))
    row.addElement(cell)
    table.addElement(row)
    document.spreadsheet.addElement(table)
    document.save(str(folder / "repeat-bomb.ods"))
    files.append(Hostile(folder / "repeat-bomb.ods", REFUSE, "repeat counts asking for 17 billion cells"))

    # not what the name says
    add("png.csv", b"\x89PNG\r\n\x1a\n" + os.urandom(4000), REFUSE, "a picture named .csv")
    add("elf.csv", Path("/bin/true").read_bytes()[:65536], REFUSE, "a program named .csv")
    add("random.csv", random.Random(5).randbytes(100_000), REFUSE, "random bytes named .csv")
    add("zip.csv", rezip(xlsx, {}), READ, "a real .xlsx named .csv (read by its content)", ready=3)
    add("csv.xlsx", csv_text(), READ, "a CSV named .xlsx (read by its content)", ready=3)
    add("html.xls", "<html><body><table><tr><td>Name</td></tr></table></body></html>", REFUSE,
        "a web page saved as .xls")
    add("pdf.xlsx", b"%PDF-1.4\n" + os.urandom(2000), REFUSE, "a PDF named .xlsx")

    # password protection
    add("password.xlsx", encrypted_xlsx(xlsx), REFUSE, "a password-protected .xlsx (msoffcrypto-tool)")
    add("password.xls", encrypted_xlsx(xlsx), REFUSE, "an encrypted OLE2 container named .xls")

    # encodings and NUL bytes
    mixed = ("Name,Phone\r\n".encode() + "Zoë,9876543210\r\n".encode("utf-8")
             + "Renée,9876543211\r\n".encode("cp1252") + "Łukasz,9876543212\r\n".encode("utf-8"))
    add("mixed-encodings.csv", mixed, READ, "UTF-8 and Windows-1252 lines in one file", ready=3)
    add("utf16.csv", "\ufeff".encode("utf-16-le") + csv_text().encode("utf-16-le"), READ, "UTF-16 with BOM", ready=3)
    add("utf16-nobom.csv", csv_text().encode("utf-16-le"), EITHER, "UTF-16 without BOM")
    add("nul-bytes.csv", b"Name,Phone\r\nAs\x00ha,9876543210\r\n\x00\x00\x00,\x00\r\nRavi,9876543211\r\n", EITHER,
        "NUL bytes inside cells")
    add("all-nul.csv", b"\x00" * 100_000, REFUSE, "only NUL bytes")
    add("bom-only.csv", b"\xef\xbb\xbf", REFUSE, "a UTF-8 byte order mark and nothing else")

    # sizes
    add("ten-mb-cell.csv", "Name,Phone\r\n" + "x" * 10_000_000 + ",9876543210\r\nAsha,9876543211\r\n", EITHER,
        "a 10 MB cell")
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Name", "Phone"])
    book.active.append(["y" * 10_000_000, "9876543210"])
    book.save(folder / "ten-mb-cell.xlsx")
    files.append(Hostile(folder / "ten-mb-cell.xlsx", EITHER, "a 10 MB cell in a workbook"))
    add("unclosed-quote.csv", 'Name,Phone\r\n"Asha,9876543210\r\n' + "Ravi,9876543211\r\n" * 200_000, EITHER,
        "a quote opened and never closed (the rest of the file is one cell)")
    add("one-long-line.csv", "Name,Phone," + "z" * 20_000_000, EITHER, "20 MB without a line end")
    wide_header = ["Name", "Phone"] + [f"C{i}" for i in range(3, MAX_COLUMNS + 1)]
    add("16384-columns.csv", ",".join(wide_header) + "\r\n" + ",".join(["Asha", "9876543210"] + ["v"] * (MAX_COLUMNS - 2))
        + "\r\n", READ, "16,384 columns", ready=1)
    add("too-many-columns.csv", ",".join(wide_header + ["extra"] * 5000) + "\r\nAsha,9876543210\r\n", EITHER,
        "21,384 columns")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Wide")
    sheet.append(wide_header)
    sheet.append(["Asha", "9876543210"] + [i for i in range(MAX_COLUMNS - 2)])
    book.save(folder / "16384-columns.xlsx")
    files.append(Hostile(folder / "16384-columns.xlsx", READ, "16,384 columns in a workbook", ready=1))
    with open(folder / "1048576-rows.csv", "w", encoding="utf-8", newline="") as f:
        f.write("Name,Phone\r\n")
        for start in range(0, MAX_ROWS - 1, 65_536):
            f.writelines(f"Lead {i},98{i:08d}\r\n" for i in range(start, min(start + 65_536, MAX_ROWS - 1)))
    files.append(Hostile(folder / "1048576-rows.csv", READ, "1,048,576 rows (the reader, every row)", read_only=True))
    add("many-blank-lines.csv", "Name,Phone\r\n" + "\r\n" * 1_000_000 + "Asha,9876543210\r\n", READ,
        "a million blank lines before one lead", ready=1)

    # content that looks dangerous but is data
    add("formulas.csv", 'Name,Phone\r\n"=HYPERLINK(""http://x"",""y"")",9876543210\r\n+cmd|calc,=1+1\r\n', EITHER,
        "formulas in a CSV")
    book = openpyxl.Workbook()
    book.active.append(["Name", "Phone"])
    book.active.append(["=1+1", "=9876543210"])
    book.active.append(["Asha", "9876543210"])
    book.active.append(['=WEBSERVICE("http://evil.example")', 9876543211])
    book.save(folder / "formulas.xlsx")
    files.append(Hostile(folder / "formulas.xlsx", READ, "formulas without saved results"))

    # headers
    add("duplicate-headers.csv", "Name,Phone,Name,,Phone,\r\nAsha,9876543210,A2,x,9876543219,y\r\n", READ,
        "duplicate and blank header names", ready=1)
    add("duplicate-headers.xlsx", xlsx_bytes([("Name", "Phone", "Name", None, "Phone"),
                                              ("Asha", "9876543210", "x", "y", "z")]), READ,
        "duplicate and blank header names in a workbook", ready=1)
    add("blank-headers.csv", ",,,\r\nAsha,9876543210,,\r\n", EITHER, "every header blank")
    many_sheets = openpyxl.Workbook()
    many_sheets.active.append(["Name", "Phone"])
    many_sheets.active.append(["Asha", "9876543210"])
    for i in range(300):
        many_sheets.create_sheet(f"S{i}")["A1"] = i
    many_sheets.save(folder / "300-sheets.xlsx")
    files.append(Hostile(folder / "300-sheets.xlsx", READ, "300 sheets", ready=1))

    # things that are not regular files
    files.append(Hostile(folder / "gone.csv", REFUSE, "a file that is not there"))
    (folder / "folder.csv").mkdir()
    files.append(Hostile(folder / "folder.csv", REFUSE, "a folder named .csv"))
    os.mkfifo(folder / "fifo.csv")
    files.append(Hostile(folder / "fifo.csv", REFUSE, "a named pipe nobody writes to"))
    (folder / "zero.csv").symlink_to("/dev/zero")
    files.append(Hostile(folder / "zero.csv", REFUSE, "an endless stream of NUL bytes (/dev/zero)"))
    (folder / "urandom.csv").symlink_to("/dev/urandom")
    files.append(Hostile(folder / "urandom.csv", REFUSE, "an endless stream of random bytes (/dev/urandom)"))
    (folder / "dangling.xlsx").symlink_to(folder / "nowhere.xlsx")
    files.append(Hostile(folder / "dangling.xlsx", REFUSE, "a link to a file that is not there"))
    return files
