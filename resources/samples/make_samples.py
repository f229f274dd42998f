"""Writes the sample sheet and template shipped for a first run: `python resources/samples/make_samples.py`.

leads-sample.csv: 30 expo visitors as a sales team keeps them. Five rows are deliberately
invalid (a 5-digit phone, an e-mail without a domain ending, a rating of 7, 31 February, no
phone at all) and one visitor appears twice with the phone written differently, so the check
shows every kind of outcome: 25 ready rows becoming 24 leads, 5 invalid.
leads-sample.mapping.json: the template for it (telecrm-mapping/1), naming fields and actions of
the sandbox workspace (`telecrm-import sandbox`), where "Facebook" is not a lead-source option:
checked against its schema, those rows carry a warning.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

# the app reads the sample as package data (telecrm_desktop/assets/samples); this script stays out
HERE = Path(__file__).resolve().parents[2] / "telecrm_desktop" / "assets" / "samples"

HEADERS = ["Visitor Name", "Mobile No.", "E-mail ID", "City", "Interests", "Visit Date",
           "Visit Notes", "Token Paid", "Lead Source", "Rating", "Internal ref"]

NAMES = ["Aarav Sharma", "Diya Patel", "Vihaan Reddy", "Ananya Iyer", "Arjun Mehta", "Ishita Nair",
         "Kabir Singh", "Meera Joshi", "Rohan Gupta", "Saanvi Rao", "Aditya Kulkarni", "Kavya Menon",
         "Reyansh Das", "Tara Bose", "Vivaan Chopra", "Nisha Pillai", "Dev Malhotra", "Riya Kapoor",
         "Karan Verma", "Pooja Hegde", "Siddharth Jain", "Neha Agarwal", "Manav Shetty", "Aisha Khan",
         "Yash Thakur", "Zoya Mirza", "Nikhil Bhat", "Priya Ghosh", "Rahul Saxena"]
CITIES = ["Bengaluru", "Mumbai", "Hyderabad", "Chennai", "Pune", "Kochi", "Delhi", "Jaipur"]
INTERESTS = ["2BHK; Garden", "3BHK", "Villa; Pool", "", "2BHK", "Plot; Corner plot", "3BHK; Gym"]
SOURCES = ["Walk-in", "Website", "Referral", "Facebook"]
NOTES = ["Wants possession by March", "Asked for a site visit on Sunday", "", "Budget 80 lakh",
         "Comparing with two other projects", ""]


def rows() -> list[list[str]]:
    out = []
    for i, name in enumerate(NAMES):
        first, last = name.split()
        phone = f"98450 {10021 + 37 * i:05d}"
        day = 1 + i % 28
        out.append([
            name, phone, f"{first.lower()}.{last.lower()}@example.com", CITIES[i % len(CITIES)],
            INTERESTS[i % len(INTERESTS)], f"{day:02d}/11/2026 {10 + i % 8}:30", NOTES[i % len(NOTES)],
            "25,000" if i % 5 == 0 else "", SOURCES[i % len(SOURCES)], str(1 + i % 5), f"EXPO-{1000 + i}",
        ])
    # deliberately invalid rows
    out[4][1] = "99999"                       # not a phone number
    out[9][2] = "saanvi.rao@gmail"            # no domain ending
    out[14][9] = "7"                          # rating is 1..5
    out[19][5] = "31/02/2026"                 # no such date
    out[24][1] = ""                           # no identifier
    # the same visitor again, phone written with the country code: merged into one lead
    again = list(out[2])
    again[1] = "+91 " + out[2][1]
    again[6] = "Came back with family, wants 3BHK"
    again[4] = "3BHK"
    again[10] = "EXPO-2000"
    out.insert(20, again)
    return out


TEMPLATE = {
    "format": "telecrm-mapping/1",
    "name": "Expo visitors (sample)",
    "header_row": 1,
    "identifier": "phone",
    "country": "IN",
    "timezone": "Asia/Kolkata",
    "date_order": "DMY",
    "columns": {
        "Visitor Name": {"to": "fields.name"},
        "Mobile No.": {"to": "fields.phone", "type": "phone"},
        "E-mail ID": {"to": "fields.email"},
        "City": {"to": "fields.city"},
        "Interests": {"to": "fields.tags", "type": "tags", "separator": ";"},
        "Visit Date": [{"to": "actions.ACTION_1001.created_on"},
                       {"to": "actions.ACTION_1001.visit_date", "type": "date"}],
        "Visit Notes": {"to": "actions.ACTION_1001.note", "type": "text"},
        "Token Paid": {"to": "actions.PAYMENT.amount"},
        "Lead Source": {"to": "fields.contact_source", "type": "dropdown"},
        "Rating": {"to": "fields.rating"},
        "Internal ref": None,
    },
    "constants": {
        "actions.PAYMENT.currency": "INR",
        "actions.PAYMENT.status": "COMPLETED",
    },
}


def main() -> None:
    with open(HERE / "leads-sample.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(rows())
    (HERE / "leads-sample.mapping.json").write_text(json.dumps(TEMPLATE, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
