"""Suggested mappings for the sheets people really have: CRM exports and ad-platform lead forms."""

from __future__ import annotations

import pytest

from telecrm_desktop.core.template.mapping import Combined, mapping_to_dict, parse_mapping
from telecrm_desktop.core.template.suggest import suggest_mapping
from telecrm_desktop.core.workspace.schema import FieldDef, Schema


def targets(mapping) -> dict[str, str | None]:
    """column -> first target path (None when ignored), for columns the suggestion decided on."""
    return {c: (ts[0].path if ts else None) for c, ts in mapping.columns.items()}


FACEBOOK = ["id", "created_time", "ad_id", "ad_name", "adset_id", "adset_name", "campaign_id",
            "campaign_name", "form_id", "form_name", "is_organic", "platform", "what_is_your_budget?",
            "when_do_you_plan_to_buy?", "full_name", "email", "phone_number", "city"]


def test_facebook_lead_ads_export():
    m = suggest_mapping(FACEBOOK, {"phone_number": ["p:+919876543210"], "email": ["a@b.com"]})
    t = targets(m)
    assert t["full_name"] == "fields.name"
    assert t["phone_number"] == "fields.phone"
    assert t["email"] == "fields.email"
    assert t["city"] == "fields.city"
    for column in ("id", "created_time", "ad_id", "ad_name", "adset_id", "adset_name", "campaign_id",
                   "campaign_name", "form_id", "form_name", "is_organic", "platform"):
        assert t[column] is None, column  # recognised bookkeeping, deliberately ignored
    # the form's own questions go, each labelled, into the remarks
    assert m.combined["fields.remarks"] == Combined(
        ["what_is_your_budget?", "when_do_you_plan_to_buy?"], "\n", True)
    assert "what_is_your_budget?" not in m.columns


def test_google_ads_lead_form():
    headers = ["Lead ID", "User Phone", "User Email", "Full Name", "Postal Code", "City", "Campaign ID", "GCLID"]
    t = targets(suggest_mapping(headers))
    assert t == {"Lead ID": None, "User Phone": "fields.phone", "User Email": "fields.email",
                 "Full Name": "fields.name", "Postal Code": "fields.pincode", "City": "fields.city",
                 "Campaign ID": None, "GCLID": None}


def test_linkedin_lead_gen_form():
    headers = ["First Name", "Last Name", "Email Address", "Phone Number", "Company Name", "Job Title",
               "Country", "Lead ID"]
    m = suggest_mapping(headers)
    assert m.combined["fields.name"] == Combined(["First Name", "Last Name"])
    assert targets(m) == {"Email Address": "fields.email", "Phone Number": "fields.phone",
                          "Company Name": "fields.company_name", "Job Title": "fields.job_title",
                          "Country": "fields.country", "Lead ID": None}


@pytest.mark.parametrize("header, path", [
    ("Mobile No.", "fields.phone"), ("Mobile Number", "fields.phone"), ("Contact Number", "fields.phone"),
    ("Phone Number", "fields.phone"), ("WhatsApp Number", "fields.phone"), ("MOBILE", "fields.phone"),
    ("E-mail ID", "fields.email"), ("Email Address", "fields.email"), ("email", "fields.email"),
    ("Full Name", "fields.name"), ("Name", "fields.name"), ("Customer Name", "fields.name"),
    ("City", "fields.city"), ("Notes", "fields.remarks"), ("Remarks", "fields.remarks"),
    ("Lead Source", "fields.contact_source"), ("Source", "fields.contact_source"),
    ("Lead Status", "fields.status"), ("Rating", "fields.rating"), ("Pin Code", "fields.pincode"),
])
def test_common_synonyms(header, path):
    assert targets(suggest_mapping(["Sr No", header])) == {header: path}


def test_unknown_columns_are_left_for_the_user():
    m = suggest_mapping(["Mobile", "Flat preference", "Sr No"])
    assert targets(m) == {"Mobile": "fields.phone"}


def test_a_full_name_column_beats_first_and_last_name():
    m = suggest_mapping(["First Name", "Last Name", "Full Name", "Phone"])
    assert targets(m)["Full Name"] == "fields.name"
    assert "fields.name" not in m.combined


def test_only_one_column_feeds_the_phone():
    t = targets(suggest_mapping(["Mobile No.", "WhatsApp Number"]))
    assert t == {"Mobile No.": "fields.phone"}


def test_samples_decide_what_a_contact_column_holds():
    assert targets(suggest_mapping(["Contact"], {"Contact": ["asha@example.com", "ravi@example.in"]})) == {
        "Contact": "fields.email"}
    assert targets(suggest_mapping(["Contact"], {"Contact": ["98765 43210", "+91 91234 56789"]})) == {
        "Contact": "fields.phone"}
    assert targets(suggest_mapping(["Contact"], {"Contact": ["Asha", "Ravi"]})) == {}


def test_samples_reveal_an_unnamed_phone_column():
    samples = {"Col1": ["Asha", "Ravi"], "Col2": [9876543210, 919123456789.0, "09876 543210"]}
    assert targets(suggest_mapping(["Col1", "Col2"], samples)) == {"Col2": "fields.phone"}


def test_long_ids_are_not_mistaken_for_phones():
    samples = {"Ref": ["120208000123456789", "120208000123456790"]}
    assert targets(suggest_mapping(["Ref"], samples)) == {}


def test_a_phone_named_column_of_emails_is_the_email():
    m = suggest_mapping(["Mobile", "Phone"], {"Mobile": ["a@b.com", "c@d.com"], "Phone": ["9876543210"]})
    assert targets(m) == {"Mobile": "fields.email", "Phone": "fields.phone"}


def test_assignee_only_when_the_column_holds_emails():
    assert targets(suggest_mapping(["Assigned To"], {"Assigned To": ["agent@firm.com"]})) == {
        "Assigned To": "fields.assignee"}
    assert targets(suggest_mapping(["Assigned To"], {"Assigned To": ["Priya"]})) == {}


def test_samples_may_be_rows():
    rows = [["Asha", "9876543210"], ["Ravi", "9123456789"]]
    assert targets(suggest_mapping(["A", "B"], rows)) == {"B": "fields.phone"}


def test_with_a_schema_only_the_workspace_fields_are_offered():
    schema = Schema(identifier_field="email", fields={
        "email": FieldDef("email", "email", is_identifier=True),
        "phone": FieldDef("phone", "phone"),
        "name": FieldDef("name", "text"),
        "budget_inr": FieldDef("budget_inr", "money", display_name="Budget (INR)"),
        "notes": FieldDef("notes", "text"),
    })
    m = suggest_mapping(["Email", "Mobile", "Budget (INR)", "City", "Remarks"], None, schema)
    assert m.identifier == "email"
    assert targets(m) == {"Email": "fields.email", "Mobile": "fields.phone", "Budget (INR)": "fields.budget_inr",
                          "Remarks": "fields.notes"}  # no city field in this workspace


def test_schema_api_names_match_in_any_case():
    schema = Schema(fields={"phone": FieldDef("phone", "phone"), "Lead_Score": FieldDef("Lead_Score", "number")})
    assert targets(suggest_mapping(["lead score", "PHONE"], None, schema)) == {
        "lead score": "fields.Lead_Score", "PHONE": "fields.phone"}


@pytest.mark.parametrize("headers", [FACEBOOK, ["First Name", "Last Name", "Notes", "Comments"], [], ["", " "]])
def test_every_suggestion_is_a_valid_template(headers):
    data = mapping_to_dict(suggest_mapping(headers))
    assert mapping_to_dict(parse_mapping(data)) == data


from hypothesis import given, settings, strategies as st  # noqa: E402

_cells = st.none() | st.text(max_size=20) | st.integers() | st.floats() | st.booleans()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=25), max_size=12, unique=True), st.lists(st.lists(_cells, max_size=12), max_size=5))
def test_any_sheet_gets_a_valid_suggestion(headers, rows):
    m = suggest_mapping(headers, rows)
    data = mapping_to_dict(m)
    assert mapping_to_dict(parse_mapping(data)) == data
    used = [c for c in m.columns] + [c for spec in m.combined.values() for c in spec.columns]
    assert len(used) == len(set(used)) and set(used) <= set(headers)  # each column decided once
    fed = [t.path for ts in m.columns.values() for t in ts] + list(m.combined)
    assert len(fed) == len(set(fed))  # one source per target


# ----- units, form questions and other languages (issue 12) -----

def _sandbox_like_schema() -> Schema:
    return Schema(fields={
        "phone": FieldDef("phone", "phone", is_identifier=True), "name": FieldDef("name", "text"),
        "email": FieldDef("email", "email"), "city": FieldDef("city", "text", display_name="City"),
        "company_name": FieldDef("company_name", "text", display_name="Company Name"),
        "budget": FieldDef("budget", "money", display_name="Budget"),
        "monthly_salary": FieldDef("monthly_salary", "number", display_name="Salary"),
        "family_size": FieldDef("family_size", "number", display_name="Family Size"),
    })


@pytest.mark.parametrize("header, path", [
    ("Budget (Rs)", "fields.budget"), ("Budget in INR", "fields.budget"), ("Family Size (persons)", "fields.family_size"),
    ("Amount (Rs)", "fields.budget"), ("Price in USD", "fields.budget"),  # the workspace's one money field
    ("what_is_your_monthly_salary?", "fields.monthly_salary"), ("What is your family size?", "fields.family_size"),
    ("what_is_your_city?", "fields.city"), ("Your Phone Number", "fields.phone"),
    ("Ciudad", "fields.city"), ("Shahar", "fields.city"), ("Stadt", "fields.city"), ("Cidade", "fields.city"),
    ("Empresa", "fields.company_name"), ("Firma", "fields.company_name"),
])
def test_units_questions_and_languages_find_the_workspace_field(header, path):
    assert targets(suggest_mapping(["Sr No", header], None, _sandbox_like_schema())) == {header: path}


@pytest.mark.parametrize("header, path", [
    ("Telefone", "fields.phone"), ("Teléfono", "fields.phone"), ("Téléphone", "fields.phone"),
    ("Handynummer", "fields.phone"), ("Telefonnummer", "fields.phone"), ("Celular", "fields.phone"),
    ("Mobile No", "fields.phone"), ("Cellulare", "fields.phone"),
    ("Naam", "fields.name"), ("Nome", "fields.name"), ("Nombre", "fields.name"), ("Nom", "fields.name"),
    ("Correo", "fields.email"), ("Correo electrónico", "fields.email"), ("Courriel", "fields.email"),
    ("E-Mail-Adresse", "fields.email"),
    ("Shahar", "fields.city"), ("Ville", "fields.city"), ("PLZ", "fields.pincode"), ("CEP", "fields.pincode"),
    ("Pin Code (6 digits)", "fields.pincode"), ("Mobile Number (WhatsApp)", "fields.phone"),
])
def test_common_non_english_and_decorated_headers(header, path):
    assert targets(suggest_mapping(["Sr No", header])) == {header: path}


def test_french_nom_beside_prenom_is_the_family_name():
    m = suggest_mapping(["Prénom", "Nom", "Téléphone"])
    assert m.combined["fields.name"] == Combined(["Prénom", "Nom"])
    assert targets(m) == {"Téléphone": "fields.phone"}


def test_a_question_without_a_matching_field_still_goes_to_the_remarks():
    m = suggest_mapping(["phone_number", "what_is_your_monthly_salary?"], None, Schema(fields={
        "phone": FieldDef("phone", "phone"), "remarks": FieldDef("remarks", "text")}))
    assert targets(m) == {"phone_number": "fields.phone"}
    assert m.combined["fields.remarks"].columns == ["what_is_your_monthly_salary?"]  # labelled


def test_a_money_word_is_left_alone_when_the_workspace_has_two_money_fields():
    schema = Schema(fields={"phone": FieldDef("phone", "phone"), "budget": FieldDef("budget", "money"),
                            "deposit": FieldDef("deposit", "money")})
    assert targets(suggest_mapping(["Amount (Rs)"], None, schema)) == {}
