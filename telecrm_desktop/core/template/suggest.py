"""A first mapping for a sheet, guessed from its column names and a few sample values.

What it recognises:
- the workspace's own fields, when a schema is known (API name or display name, any case);
- the standard fields under the names people and ad platforms give them ("Mobile No.",
  "Contact Number", "E-mail ID", "Full Name", Facebook's `phone_number`, Google's "User Phone",
  LinkedIn's "Email Address"...); "First Name" + "Last Name" become one combined name;
- common extras (city, state, country, pin code, company, job title, lead source) as custom
  fields under conventional API names, or under the workspace's matching field with a schema;
- free-text columns (notes, remarks, comments) and a lead form's own questions
  ("what_is_your_budget?") joined, each labelled, into `fields.remarks`, unless the question
  asks for a field the workspace has ("what_is_your_monthly_salary?" -> its salary field);
- a header's unit or currency ("Amount (Rs)", "Price in USD", "Area - sq ft") does not hide it;
- the usual names in French, Spanish, German, Portuguese, Italian and Hindi written in Latin
  letters ("Nom", "Teléfono", "Handynummer", "Telefone", "Naam", "Shahar"); accents are ignored.

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
import unicodedata
from typing import Any, Iterable, Mapping as MappingABC, Sequence

from telecrm_desktop.core.convert import cell_text
from telecrm_desktop.core.template.mapping import Combined, Mapping, Target
from telecrm_desktop.core.workspace.schema import Schema

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _fold_accents(text: str) -> str:
    """Latin letters without their accents ("téléfono" -> "telefono"); other scripts kept."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def squeeze(header: str) -> str:
    """A header reduced for matching: "E-mail ID" -> "emailid", "Teléfono" -> "telefono"."""
    return _NON_ALNUM.sub("", _fold_accents(header.casefold()))


# a unit or currency after the name: "Amount (Rs)", "Price in USD", "Budget - INR", "Salary ₹"
_UNIT = (r"(rs\.?|inr|usd|eur|gbp|aed|sgd|aud|cad|rupees?|dollars?|euros?|lakhs?|lacs?|crores?|cr|"
         r"k|%|percent|sq\.? ?ft\.?|sq\.? ?m|sqft|sqm|kgs?|km|years?|yrs?|months?|days?|nos?\.?|[₹$€£])")
_UNIT_SUFFIX = re.compile(
    rf"(\s*[(\[][^)\]]*[)\]]|\s+(in|per)\s+{_UNIT}|(\s*[-–:/]\s*|\s+){_UNIT}|\s*[₹$€£%])\s*$", re.IGNORECASE)
# the words a lead form puts before the thing it asks for
_QUESTION_WORDS = frozenset("please kindly what whats s which when where how is are was enter share provide tell "
                            "us me select choose mention give your you the of".split())


def core_words(header: str) -> str:
    """The header without a unit suffix or a question's wording, words separated by spaces:
    "Amount (Rs)" -> "amount", "what_is_your_monthly_salary?" -> "monthly salary"."""
    text = _fold_accents(header.casefold()).replace("_", " ").strip()
    text = text.rstrip("?:*. ").strip()
    for _ in range(2):  # "Budget (INR) in lakhs"
        text = _UNIT_SUFFIX.sub("", text).strip()
    words = re.findall(r"[a-z0-9]+", text)
    if _is_question(header) or words[:1] in (["your"], ["enter"], ["please"]):
        while len(words) > 1 and words[0] in _QUESTION_WORDS:
            words.pop(0)
    return " ".join(words)


def _names(*names: str) -> frozenset[str]:
    return frozenset(squeeze(n) for n in names)


# concept -> (target path, header names); earlier names in the table win ties between columns
PHONE_NAMES = _names(
    "phone", "phone number", "phone no", "phone no.", "mobile", "mobile no", "mobile no.",
    "mobile number", "mobile phone", "contact number", "contact no", "contact no.", "cell",
    "cell phone", "cell number", "telephone", "tel", "user phone", "phone_number",
    "mobile_number", "primary phone", "customer phone", "customer mobile", "lead phone",
    "work phone", "your phone number", "whatsapp number", "whatsapp no", "whatsapp", "whatsapp_number",
    "mob no", "mobile num", "mob",
    # French, Spanish, German, Portuguese, Italian, Hindi (Latin letters)
    "téléphone", "numéro de téléphone", "portable", "numéro de portable", "mobile",
    "teléfono", "telefono", "número de teléfono", "celular", "móvil", "movil", "número de celular",
    "telefon", "telefonnummer", "handy", "handynummer", "mobilnummer", "mobiltelefon", "rufnummer",
    "telefone", "número de telefone", "numero de telefone", "celular", "telemóvel", "telemovel",
    "cellulare", "numero di telefono", "numero di cellulare",
    "phone number", "mobile no", "sampark", "sampark number", "sampark sankhya", "mobile sankhya",
    "phone nambar", "mobail", "mobail number", "dooradhwani",
)
EMAIL_NAMES = _names(
    "email", "e-mail", "email id", "e-mail id", "email address", "e-mail address", "mail",
    "mail id", "user email", "work email", "customer email", "lead email", "your email",
    "email_address", "business email",
    "courriel", "adresse e-mail", "adresse email", "adresse électronique", "correo",
    "correo electrónico", "correo electronico", "email", "e-mail-adresse", "emailadresse",
    "e-mail adresse", "endereço de e-mail", "endereço de email", "indirizzo email", "posta elettronica",
    "email pata", "ईमेल",
)
NAME_NAMES = _names(
    "name", "full name", "full_name", "fullname", "customer name", "lead name", "contact name",
    "client name", "visitor name", "student name", "your name", "candidate name", "person name",
    "nom complet", "nom et prénom", "nombre", "nombre completo", "vollständiger name",
    "nome", "nome completo", "nome e cognome", "naam", "pura naam", "poora naam", "grahak naam",
    "grahak ka naam", "aapka naam",
)
FIRST_NAMES = _names("first name", "first_name", "firstname", "given name", "fname", "prénom", "prenom",
                     "vorname", "primeiro nome", "nombre de pila", "pehla naam")
LAST_NAMES = _names("last name", "last_name", "lastname", "surname", "family name", "lname",
                    "nom de famille", "apellido", "apellidos", "nachname", "familienname", "sobrenome",
                    "apelido", "cognome", "upnaam")
# "Nom" is the family name in French only beside a "Prénom"; alone it is the whole name
FRENCH_NOM = _names("nom")
CONTACT_NAMES = _names("contact", "contact details", "contact info")  # phone or e-mail: samples decide
STATUS_NAMES = _names("status", "lead status", "stage", "lead stage", "statut", "estado del lead")
ASSIGNEE_NAMES = _names("assignee", "assigned to", "lead owner", "owner", "owner email", "agent email",
                        "sales rep", "assigned agent")
RATING_NAMES = _names("rating", "lead rating")
NOTES_NAMES = _names("notes", "note", "remarks", "remark", "comments", "comment", "message",
                     "description", "requirement", "requirements", "query", "enquiry", "inquiry",
                     "additional information", "additional info", "remarques", "commentaire",
                     "commentaires", "comentarios", "comentario", "notas", "bemerkung", "bemerkungen",
                     "kommentar", "observações", "observacoes", "note", "tippani", "vivaran")
EXTRAS: dict[str, frozenset[str]] = {
    "fields.city": _names("city", "town", "user city", "ville", "ciudad", "stadt", "ort", "wohnort",
                          "cidade", "città", "citta", "shahar", "sheher", "shehar", "nagar", "gaon"),
    "fields.state": _names("state", "province", "region", "state/province", "état", "estado",
                           "bundesland", "regione", "rajya", "pradesh"),
    "fields.country": _names("country", "country/region", "user country", "pays", "país", "pais",
                             "paese", "desh"),
    "fields.pincode": _names("pincode", "pin code", "pin", "postal code", "post code", "postcode",
                             "zip", "zip code", "zipcode", "postal_code", "zip_code", "code postal",
                             "código postal", "codigo postal", "plz", "postleitzahl", "cep"),
    "fields.company_name": _names("company", "company name", "company_name", "organisation",
                                  "organization", "business name", "entreprise", "société", "societe",
                                  "empresa", "firma", "unternehmen", "azienda", "kampani", "company ka naam"),
    "fields.job_title": _names("job title", "job_title", "designation", "title", "position", "role",
                               "poste", "fonction", "cargo", "puesto", "berufsbezeichnung", "ruolo"),
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
    cores = {h: squeeze(core_words(h)) for h in headers}  # without a unit or a question's wording

    def named(header: str, names: frozenset[str] | dict[str, str]) -> bool:
        return keys[header] in names or (bool(cores[header]) and cores[header] in names)

    # 1. the workspace's own fields, by API name or display name
    if schema is not None:
        index = _schema_index(schema)
        for header in headers:
            api_name = index.get(keys[header]) or index.get(cores[header])
            if api_name is not None:
                s.assign(header, f"fields.{api_name}")
        _suggest_custom_fields(headers, values, s)
    else:
        for header in headers:  # exact API names of the standard fields
            if header.strip() in ("name", "phone", "email", "status", "rating", "assignee"):
                s.assign(header, f"fields.{header.strip()}")

    # 2. standard fields under their usual names, confirmed by samples where that matters
    for path, names in STANDARD.items():
        for header in headers:
            if header in s.used or not named(header, names):
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
        if header in s.used or not named(header, CONTACT_NAMES):
            continue
        if _mostly(values[header], _looks_like_email):
            s.assign(header, "fields.email")
        elif _mostly(values[header], _looks_like_phone):
            s.assign(header, "fields.phone")

    # 3. first + last name -> one combined name (unless a full-name column already feeds it)
    combined: dict[str, Combined] = {}
    first = next((h for h in headers if named(h, FIRST_NAMES) and h not in s.used), None)
    last = next((h for h in headers if named(h, LAST_NAMES) and h not in s.used), None)
    if first and last is None:
        last = next((h for h in headers if keys[h] in FRENCH_NOM and h not in s.used), None)
    if first and "fields.name" not in s.taken and s.has_field("fields.name"):
        s.combine("fields.name", [first] + ([last] if last else []), combined)
    for header in headers:  # a French "Nom" with no "Prénom" beside it is the whole name
        if header not in s.used and keys[header] in FRENCH_NOM and s.assign(header, "fields.name"):
            break
    # 4. common extras, by convention (or only when the workspace has them)
    for path, names in EXTRAS.items():
        for header in headers:
            if header not in s.used and named(header, names) and s.assign(header, path):
                break
    # 5. ad-platform bookkeeping: recognised, ignored
    for header in headers:
        if header not in s.used and keys[header] in AD_METADATA:
            s.ignore(header)
    # 6. free text and form questions -> remarks
    _suggest_remarks(headers, keys, cores, s, combined)
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


STANDARD_API_NAMES = frozenset({"name", "phone", "email", "status", "rating", "assignee", "lost_reason"})
MONEY_WORDS = _names("amount", "budget", "price", "cost", "value", "salary", "income", "fee", "fees",
                     "package", "ctc", "investment", "deal value", "deal amount", "monthly salary",
                     "monthly income", "annual income", "expected salary", "current salary")


def _suggest_custom_fields(headers: Sequence[str], values: dict[str, list[Any]], s: _Suggestion) -> None:
    """Columns whose name only ends with one of the workspace's own fields: a form's question
    ("what_is_your_monthly_salary?" -> Salary), or a money column beside the one money field."""
    assert s.schema is not None
    custom = {api: d for api, d in s.schema.fields.items() if api.casefold() not in STANDARD_API_NAMES}
    money = [api for api, d in custom.items() if d.type == "money"]
    for header in headers:
        if header in s.used:
            continue
        words = core_words(header).split()
        if not words:
            continue
        if _is_question(header):
            found = [api for api, d in custom.items()
                     if any(_ends_with_words(words, name) for name in (api, d.display_name or ""))]
            if len(found) == 1 and s.assign(header, f"fields.{found[0]}"):
                continue
        if len(money) == 1 and squeeze(" ".join(words)) in MONEY_WORDS:
            s.assign(header, f"fields.{money[0]}")


def _ends_with_words(words: list[str], name: str) -> bool:
    """True when `words` end with all of `name`'s words ("monthly salary" ends with "Salary")."""
    tail = re.findall(r"[a-z0-9]+", _fold_accents(name.casefold().replace("_", " ")))
    return bool(tail) and sum(len(w) for w in tail) >= 3 and words[-len(tail):] == tail


def _suggest_remarks(headers: Iterable[str], keys: dict[str, str], cores: dict[str, str], s: _Suggestion,
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
    notes = [h for h in headers if h not in s.used and (keys[h] in NOTES_NAMES or cores[h] in NOTES_NAMES)]
    questions = [h for h in headers if h not in s.used and _is_question(h)]
    parts = notes + questions
    if not parts:
        return
    if len(parts) == 1 and not questions:
        s.assign(parts[0], path)
        return
    s.combine(path, parts, combined, separator="\n", labels=True)
