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
        for row in lead_rows(count, seed):
            row[1] = int(row[1])
            row[5] = int(row[5].replace(",", ""))
            row[6] = dt.datetime.strptime(row[6], "%d/%m/%Y %H:%M")
            row[8] = int(row[8])
            sheet.append(row)
        tmp = path.with_name(path.stem + ".tmp.xlsx")
        workbook.save(tmp)
        tmp.rename(path)
    return path


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
