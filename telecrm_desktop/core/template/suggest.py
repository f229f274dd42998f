"""A first mapping for a sheet, guessed from its column names and a few sample values.

What it recognises:
- the workspace's own fields, when a schema is known (API name or display name, any case);
- the standard fields under the names people and ad platforms give them ("Mobile No.",
  "Contact Number", "E-mail ID", "Full Name", Facebook's `phone_number`, Google's "User Phone",
  LinkedIn's "Email Address"...); "First Name" + "Last Name" become one combined name;
- common extras (city, state, country, pin code, company, job title, lead source) as custom
  fields under conventional API names, or under the workspace's matching field with a schema;
- free-text columns (notes, remarks, comments) and a lead form's own questions
  ("what_is_your_budget?") joined, each labelled, into `fields.remarks`.

Sample values confirm the guess: a "Contact" column of e-mail addresses is the e-mail, a column
of 10-digit mobile numbers is the phone even when its name says nothing.

Choices: ad-platform bookkeeping (lead/ad/campaign/form ids, ad and campaign names, platform,
is_organic, created_time, GCLID) is mapped to null: recognised and deliberately ignored, since
telecrm has no standard field for it and a field the workspace lacks is silently dropped; the
user can point it at a real field. Columns nothing here recognises are left out of `columns`,
so the mapping screen shows them as undecided. Without a schema, only one column feeds each
target; with one, only fields the workspace has are suggested.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping as MappingABC, Sequence

from telecrm_desktop.core.convert import cell_text
from telecrm_desktop.core.template.mapping import Combined, Mapping, Target
from telecrm_desktop.core.workspace.schema import Schema

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def squeeze(header: str) -> str:
    """A header reduced for matching: "E-mail ID" -> "emailid", "phone_number" -> "phonenumber"."""
    return _NON_ALNUM.sub("", header.casefold())


def _names(*names: str) -> frozenset[str]:
    return frozenset(squeeze(n) for n in names)


# concept -> (target path, header names); earlier names in the table win ties between columns
PHONE_NAMES = _names(
    "phone", "phone number", "phone no", "phone no.", "mobile", "mobile no", "mobile no.",
    "mobile number", "mobile phone", "contact number", "contact no", "contact no.", "cell",
    "cell phone", "cell number", "telephone", "tel", "user phone", "phone_number",
    "mobile_number", "primary phone", "customer phone", "customer mobile", "lead phone",
    "work phone", "your phone number", "whatsapp number", "whatsapp no", "whatsapp", "whatsapp_number",
)
EMAIL_NAMES = _names(
    "email", "e-mail", "email id", "e-mail id", "email address", "e-mail address", "mail",
    "mail id", "user email", "work email", "customer email", "lead email", "your email",
    "email_address", "business email",
)
NAME_NAMES = _names(
    "name", "full name", "full_name", "fullname", "customer name", "lead name", "contact name",
    "client name", "visitor name", "student name", "your name", "candidate name", "person name",
)
FIRST_NAMES = _names("first name", "first_name", "firstname", "given name", "fname")
LAST_NAMES = _names("last name", "last_name", "lastname", "surname", "family name", "lname")
CONTACT_NAMES = _names("contact", "contact details", "contact info")  # phone or e-mail: samples decide
STATUS_NAMES = _names("status", "lead status", "stage", "lead stage")
ASSIGNEE_NAMES = _names("assignee", "assigned to", "lead owner", "owner", "owner email", "agent email",
                        "sales rep", "assigned agent")
RATING_NAMES = _names("rating", "lead rating")
NOTES_NAMES = _names("notes", "note", "remarks", "remark", "comments", "comment", "message",
                     "description", "requirement", "requirements", "query", "enquiry", "inquiry",
                     "additional information", "additional info")
EXTRAS: dict[str, frozenset[str]] = {
    "fields.city": _names("city", "town", "user city"),
    "fields.state": _names("state", "province", "region", "state/province"),
    "fields.country": _names("country", "country/region", "user country"),
    "fields.pincode": _names("pincode", "pin code", "pin", "postal code", "post code", "postcode",
                             "zip", "zip code", "zipcode", "postal_code", "zip_code"),
    "fields.company_name": _names("company", "company name", "company_name", "organisation",
                                  "organization", "business name"),
    "fields.job_title": _names("job title", "job_title", "designation", "title", "position", "role"),
    "fields.contact_source": _names("lead source", "source", "contact source", "lead_source",
                                    "utm source", "utm_source", "channel"),
}
AD_METADATA = _names(
    "id", "lead id", "lead_id", "leadid", "created_time", "created time", "ad_id", "ad id", "ad_name",
    "ad name", "adset_id", "adset id", "adset_name", "adset name", "ad group id", "ad group name",
    "campaign_id", "campaign id", "campaign_name", "campaign name", "form_id", "form id",
    "form_name", "form name", "is_organic", "platform", "gclid", "google click id", "lead_status",
    "inbox_url", "is_test_lead", "submitted at", "submit time", "creative id", "account id",
    "asset id", "ad account id", "campaign group id", "lead type", "lead form id",
)
STANDARD = {"fields.name": NAME_NAMES, "fields.phone": PHONE_NAMES, "fields.email": EMAIL_NAMES,
            "fields.status": STATUS_NAMES, "fields.assignee": ASSIGNEE_NAMES,
            "fields.rating": RATING_NAMES}

_EMAIL = re.compile(r"^\s*(mailto:)?[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}\s*$")
_PHONE_TEXT = re.compile(r"^\s*(p:|tel:)?\s*\+?[\d\s().-]{8,20}\s*$", re.IGNORECASE)


def _looks_like_phone(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    text = cell_text(value).strip()
    if not text or not _PHONE_TEXT.match(text):
        return False
    digits = re.sub(r"\D", "", text)
    if text.lstrip().lstrip("pP:tTeElL").lstrip().startswith("+"):
        return 8 <= len(digits) <= 15
    # Indian mobiles (10 digits from 6, or with 91/0), else a plausible international length.
    if len(digits) == 10:
        return digits[0] in "6789"
    if len(digits) == 12 and digits.startswith("91"):
        return digits[2] in "6789"
    if len(digits) == 11 and digits.startswith("0"):
        return digits[1] in "6789"
    return False


def _looks_like_email(value: Any) -> bool:
    return isinstance(value, str) and bool(_EMAIL.match(value))


def _mostly(values: Sequence[Any], test) -> bool:  # noqa: ANN001
    """True when there are samples and at least 80% of them pass `test`."""
    present = [v for v in values if v is not None and v != ""]
    if not present:
        return False
    return sum(1 for v in present if test(v)) >= 0.8 * len(present)


def _is_question(header: str) -> bool:
    """A lead form's own question: "what_is_your_budget?", "When can we call you?"."""
    text = header.strip().casefold()
    return text.endswith("?") or bool(re.match(r"^(what|when|which|how|are|do|does|is|would|will|where|why)[ _]", text))


def _sample_table(headers: Sequence[str], samples: Any) -> dict[str, list[Any]]:
    """Samples as column -> values, from a dict of that shape or from a list of rows."""
    if not samples:
        return {h: [] for h in headers}
    if isinstance(samples, MappingABC):
        return {h: list(samples.get(h) or []) for h in headers}
    table: dict[str, list[Any]] = {h: [] for h in headers}
    for row in samples:
        values = getattr(row, "values", row)
        for header, value in zip(headers, values):
            if value is not None and value != "":
                table[header].append(value)
    return table


def _schema_index(schema: Schema) -> dict[str, str]:
    """squeezed API name or display name -> API name."""
    index: dict[str, str] = {}
    for api_name, definition in schema.fields.items():
        index.setdefault(squeeze(api_name), api_name)
        if definition.display_name:
            index.setdefault(squeeze(definition.display_name), api_name)
    return index


class _Suggestion:
    def __init__(self, schema: Schema | None) -> None:
        self.schema = schema
        self.columns: dict[str, list[Target] | None] = {}
        self.taken: set[str] = set()  # target paths already fed by a column
        self.used: set[str] = set()  # columns decided on (mapped, ignored or combined)

    def has_field(self, path: str) -> bool:
        if self.schema is None:
            return True
        return path[len("fields."):] in self.schema.fields

    def assign(self, column: str, path: str) -> bool:
        if path in self.taken or not self.has_field(path):
            return False
        self.columns[column] = [Target(path)]
        self.taken.add(path)
        self.used.add(column)
        return True

    def ignore(self, column: str) -> None:
        self.columns[column] = None
        self.used.add(column)

    def combine(self, path: str, parts: list[str], combined: dict[str, Combined], **style: Any) -> None:
        combined[path] = Combined(parts, **style)
        self.taken.add(path)
        self.used.update(parts)  # read through `combined`, so not listed in `columns`


def suggest_mapping(headers: Sequence[str], samples: Any = None, schema: Schema | None = None) -> Mapping:
    """A Mapping for a sheet with these column names; `samples`: column -> a few values (or rows)."""
    headers = list(headers)
    values = _sample_table(headers, samples)
    s = _Suggestion(schema)
    identifier = schema.identifier_field if schema is not None else "phone"
    keys = {h: squeeze(h) for h in headers}

    # 1. the workspace's own fields, by API name or display name
    if schema is not None:
        index = _schema_index(schema)
        for header in headers:
            api_name = index.get(keys[header])
            if api_name is not None:
                s.assign(header, f"fields.{api_name}")
    else:
        for header in headers:  # exact API names of the standard fields
            if header.strip() in ("name", "phone", "email", "status", "rating", "assignee"):
                s.assign(header, f"fields.{header.strip()}")

    # 2. standard fields under their usual names, confirmed by samples where that matters
    for path, names in STANDARD.items():
        for header in headers:
            if header in s.used or keys[header] not in names:
                continue
            sample = values[header]
            if path == "fields.phone" and _mostly(sample, _looks_like_email):
                continue  # a "Mobile" column of e-mails is left for the e-mail pass
            if path == "fields.email" and sample and not _mostly(sample, _looks_like_email):
                continue
            if path == "fields.assignee" and not _mostly(sample, _looks_like_email):
                continue  # assignees are team members' e-mails; names would be dropped
            if s.assign(header, path):
                break
    for header in headers:
        if header in s.used or keys[header] not in CONTACT_NAMES:
            continue
        if _mostly(values[header], _looks_like_email):
            s.assign(header, "fields.email")
        elif _mostly(values[header], _looks_like_phone):
            s.assign(header, "fields.phone")

    # 3. first + last name -> one combined name (unless a full-name column already feeds it)
    combined: dict[str, Combined] = {}
    first = next((h for h in headers if keys[h] in FIRST_NAMES and h not in s.used), None)
    last = next((h for h in headers if keys[h] in LAST_NAMES and h not in s.used), None)
    if first and "fields.name" not in s.taken and s.has_field("fields.name"):
        s.combine("fields.name", [first] + ([last] if last else []), combined)
    # 4. common extras, by convention (or only when the workspace has them)
    for path, names in EXTRAS.items():
        for header in headers:
            if header not in s.used and keys[header] in names and s.assign(header, path):
                break
    # 5. ad-platform bookkeeping: recognised, ignored
    for header in headers:
        if header not in s.used and keys[header] in AD_METADATA:
            s.ignore(header)
    # 6. free text and form questions -> remarks
    _suggest_remarks(headers, keys, s, combined)
    # 7. unnamed columns whose values are plainly phones or e-mails
    for header in headers:
        if header in s.used:
            continue
        if "fields.phone" not in s.taken and _mostly(values[header], _looks_like_phone):
            s.assign(header, "fields.phone")
        elif "fields.email" not in s.taken and _mostly(values[header], _looks_like_email):
            s.assign(header, "fields.email")

    ordered = {h: (s.columns[h] or []) for h in headers if h in s.columns}
    return Mapping(identifier=identifier, columns=ordered, combined=combined)


def _suggest_remarks(headers: Iterable[str], keys: dict[str, str], s: _Suggestion,
                     combined: dict[str, Combined]) -> None:
    path = "fields.remarks"
    if s.schema is not None:
        index = {squeeze(n): n for n in s.schema.fields}
        found = next((index[k] for k in ("remarks", "notes", "comments", "description") if k in index), None)
        if found is None:
            return
        path = f"fields.{found}"
    if path in s.taken:
        return
    notes = [h for h in headers if h not in s.used and keys[h] in NOTES_NAMES]
    questions = [h for h in headers if h not in s.used and _is_question(h)]
    parts = notes + questions
    if not parts:
        return
    if len(parts) == 1 and not questions:
        s.assign(parts[0], path)
        return
    s.combine(path, parts, combined, separator="\n", labels=True)
