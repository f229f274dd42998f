"""Deterministic lead sheets for the benchmarks: nothing large is committed, everything is made here."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"  # git-ignored
SEED = 2026

HEADERS = [
    "Full Name", "Mobile No.", "E-mail ID", "City", "Lead Source", "Budget", "Visit Date",
    "Interests", "Rating", "Status", "Notes", "Company", "Job Title", "Country", "Pincode",
    "Campaign", "Ad Name", "Form", "Created Time", "Remarks",
]
FIRST = ["Aarav", "Vivaan", "Aditya", "Diya", "Ananya", "Ishaan", "Kavya", "Rohan", "Meera", "Arjun"]
LAST = ["Sharma", "Verma", "Iyer", "Reddy", "Khan", "Patel", "Gupta", "Nair", "Singh", "Das"]
CITIES = ["Mumbai", "Delhi", "Bengaluru", "Pune", "Chennai", "Kolkata", "Jaipur", "Hyderabad"]
SOURCES = ["Website", "Referral", "Facebook", "Google", "Expo"]
TAGS = ["VIP", "Returning", "Hot", "Cold", "Follow-up"]
STATUSES = ["Fresh", "Interested", "Follow Up"]


def lead_rows(count: int, seed: int = SEED):
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1, 9, 0)
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        visit = start + dt.timedelta(minutes=rng.randrange(0, 525_600))
        yield [
            f"{first} {last}",
            f"9{rng.randrange(100_000_000, 999_999_999)}",
            f"{first.lower()}.{last.lower()}{i}@example.com",
            rng.choice(CITIES),
            rng.choice(SOURCES),
            f"{rng.randrange(1, 500) * 1000:,}",
            visit.strftime("%d/%m/%Y %H:%M"),
            ", ".join(rng.sample(TAGS, rng.randrange(1, 3))),
            str(rng.randrange(1, 6)),
            rng.choice(STATUSES),
            f"Called on {visit:%d %b}, asked for brochure #{i}",
            f"Company {rng.randrange(1, 5000)}",
            rng.choice(["Manager", "Engineer", "Owner", "Analyst"]),
            "India",
            str(rng.randrange(110_001, 860_000)),
            f"Campaign {rng.randrange(1, 20)}",
            f"Ad {rng.randrange(1, 200)}",
            "Expo form",
            (visit - dt.timedelta(days=2)).isoformat(timespec="seconds") + "+05:30",
            "",
        ]


def csv_sheet(count: int, seed: int = SEED) -> Path:
    """The benchmark sheet as CSV, made once per size and seed and kept in bench/out."""
    OUT.mkdir(exist_ok=True)
    return write_csv(OUT / f"leads-{count}-s{seed}.csv", count, seed)


def xlsx_sheet(count: int, seed: int = SEED) -> Path:
    """The same sheet as .xlsx (about a minute per 100k rows to write, hence the cache)."""
    OUT.mkdir(exist_ok=True)
    return write_xlsx(OUT / f"leads-{count}-s{seed}.xlsx", count, seed)


def excel_like_xlsx_sheet(count: int, seed: int = SEED) -> Path:
    """The same sheet as Excel saves it (shared strings, a date style), written in seconds rather
    than openpyxl's minutes: the 1,048,576-row benchmark needs it."""
    OUT.mkdir(exist_ok=True)
    return write_excel_like_xlsx(OUT / f"leads-{count}-s{seed}-excel.xlsx", count, seed)


def mapping_file() -> Path:
    OUT.mkdir(exist_ok=True)
    return write_mapping(OUT / "leads.mapping.json")


def write_csv(path: Path, count: int, seed: int = SEED) -> Path:
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            writer.writerows(lead_rows(count, seed))
        tmp.rename(path)
    return path


def write_xlsx(path: Path, count: int, seed: int = SEED) -> Path:
    """Number cells hold numbers and date cells dates, as Excel users' files do."""
    if not path.exists():
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Leads")
        sheet.append(HEADERS)
        for row in typed_lead_rows(count, seed):
            sheet.append(row)
        tmp = path.with_name(path.stem + ".tmp.xlsx")
        workbook.save(tmp)
        tmp.rename(path)
    return path


def typed_lead_rows(count: int, seed: int = SEED):
    """lead_rows with numbers as numbers and the visit as a datetime, as in a workbook."""
    for row in lead_rows(count, seed):
        row[1] = int(row[1])
        row[5] = int(row[5].replace(",", ""))
        row[6] = dt.datetime.strptime(row[6], "%d/%m/%Y %H:%M")
        row[8] = int(row[8])
        yield row


def write_excel_like_xlsx(path: Path, count: int, seed: int = SEED) -> Path:
    """The rows of write_xlsx as Excel lays them out: strings in xl/sharedStrings.xml, numbers as
    bare <v>, dates as serials under a cell style whose number format is a date. 20x faster than
    openpyxl (which writes inline strings), and read back to the same values (tests/bench)."""
    if path.exists():
        return path
    import zipfile
    from xml.sax.saxutils import escape

    def column_letters(number: int) -> str:
        letters = ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(65 + rest) + letters
        return letters

    letters = [column_letters(n) for n in range(1, len(HEADERS) + 1)]
    strings: dict[str, int] = {}
    epoch = dt.datetime(1899, 12, 30)

    def string_cell(ref: str, text: str) -> str:
        index = strings.setdefault(text, len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    def row_xml(number: int, row: list) -> str:
        cells = []
        for letter, value in zip(letters, row):
            ref = f"{letter}{number}"
            if isinstance(value, str):
                if value:
                    cells.append(string_cell(ref, value))
            elif isinstance(value, dt.datetime):
                serial = (value - epoch) / dt.timedelta(days=1)
                cells.append(f'<c r="{ref}" s="1"><v>{serial!r}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        return f'<row r="{number}" spans="1:{len(row)}">{"".join(cells)}</row>'

    tmp = path.with_name(path.stem + ".tmp.xlsx")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, text in _EXCEL_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" '
                       f'xmlns:r="{_REL}"><dimension ref="A1:{letters[-1]}{count + 1}"/>'
                       '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
                       '<sheetFormatPr defaultRowHeight="15"/><sheetData>'.encode())
            batch = [row_xml(1, HEADERS)]
            for number, row in enumerate(typed_lead_rows(count, seed), start=2):
                batch.append(row_xml(number, row))
                if len(batch) >= 2000:
                    part.write("".join(batch).encode())
                    batch = []
            batch.append("</sheetData></worksheet>")
            part.write("".join(batch).encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}" '
                       f'count="{len(strings)}" uniqueCount="{len(strings)}">'.encode())
            batch = []
            for text in strings:
                batch.append(f"<si><t>{escape(text)}</t></si>")
                if len(batch) >= 10000:
                    part.write("".join(batch).encode())
                    batch = []
            batch.append("</sst>")
            part.write("".join(batch).encode())
    tmp.rename(path)
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EXCEL_PARTS = {
    "[Content_Types].xml": _HEAD + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/></Types>'),
    "_rels/.rels": _HEAD + (
        f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": _HEAD + (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/><bookViews><workbookView/></bookViews>'
        '<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": _HEAD + (
        f'<Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
    "xl/styles.xml": _HEAD + (
        f'<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm"/>'
        '</numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


MAPPING = {
    "format": "telecrm-mapping/1",
    "name": "Benchmark leads",
    "identifier": "phone",
    "country": "IN",
    "timezone": "Asia/Kolkata",
    "date_order": "DMY",
    "columns": {
        "Full Name": {"to": "fields.name"},
        "Mobile No.": {"to": "fields.phone", "type": "phone"},
        "E-mail ID": {"to": "fields.email", "type": "email"},
        "City": {"to": "fields.city"},
        "Lead Source": {"to": "fields.lead_source", "type": "dropdown"},
        "Budget": {"to": "fields.budget", "type": "number"},
        "Visit Date": [{"to": "fields.visit_date", "type": "date"},
                       {"to": "actions.ACTION_1001.created_on"}],
        "Interests": {"to": "fields.interests", "type": "tags"},
        "Rating": {"to": "fields.rating", "type": "rating"},
        "Status": {"to": "fields.status", "type": "status"},
        "Notes": {"to": "actions.ACTION_1001.note"},
        "Company": {"to": "fields.company"},
        "Job Title": {"to": "fields.job_title"},
        "Country": {"to": "fields.country"},
        "Pincode": {"to": "fields.pincode"},
        "Campaign": {"to": "fields.campaign"},
        "Ad Name": {"to": "fields.ad_name"},
        "Form": {"to": "fields.form"},
        "Created Time": {"to": "fields.created_time", "type": "date"},
        "Remarks": {"to": "fields.remarks"},
    },
}


# the same sheet mapped onto the built-in sandbox workspace's fields (the app's self-test sends there)
SANDBOX_MAPPING = {
    "format": "telecrm-mapping/1",
    "name": "Benchmark leads, sandbox",
    "identifier": "phone",
    "country": "IN",
    "timezone": "Asia/Kolkata",
    "columns": {
        "Full Name": {"to": "fields.name"},
        "Mobile No.": {"to": "fields.phone", "type": "phone"},
        "E-mail ID": {"to": "fields.email", "type": "email"},
        "City": {"to": "fields.city"},
        "Company": {"to": "fields.company_name"},
    },
}


def sandbox_mapping_file() -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / "leads.sandbox-mapping.json"
    path.write_text(json.dumps(SANDBOX_MAPPING, indent=2), encoding="utf-8")
    return path


def write_mapping(path: Path) -> Path:
    path.write_text(json.dumps(MAPPING, indent=2), encoding="utf-8")
    return path


def sandbox_schema_file() -> Path:
    """The built-in sandbox workspace's schema, pulled as the app pulls it when a person picks the
    sandbox, for `telecrm-import check --schema`: the command line then checks the sheet against
    the same workspace as the app's self-test does."""
    from telecrm_desktop.core.secrets import SYNC, Token
    from telecrm_desktop.core.workspace.schema_io import pull_schema, save_schema
    from telecrm_desktop.core.workspace.sync_client import SyncClient
    from telecrm_desktop.sandbox import SandboxServer

    OUT.mkdir(exist_ok=True)
    server = SandboxServer(existing_leads=True).start()
    try:
        token = server.sync_token
        with SyncClient(server.sync_url, server.enterprise_id, Token(token.label, SYNC, token.value)) as client:
            schema = pull_schema(client)
    finally:
        server.stop()
    return save_schema(schema, OUT / "sandbox.schema.json")
