"""A template that does not fully fit the workspace: everything that fits is applied (identifier,
country, date order, constants, combined columns, the other targets); each target the workspace
lacks is marked in red with its reason and the nearest real field."""

import json

from PySide6.QtCore import Qt

from telecrm_desktop.gui.models.mapping_model import STATUS, TARGET

from tests.gui.acceptance.conftest import HEADERS, write_leads

TEMPLATE = {
    "format": "telecrm-mapping/1",
    "name": "Expo desk",
    "identifier": "phone",
    "country": "IN",
    "timezone": "Asia/Dubai",
    "date_order": "MDY",
    "columns": {"Full Name": {"to": "fields.name"}, "Mobile No.": {"to": "fields.phone"},
                "City": {"to": "fields.City"}, "E-mail ID": {"to": "fields.emial"}},
    "constants": {"fields.company_name": "Expo 2026"},
    "combined": {"fields.PAN_Number": {"columns": ["City", "Full Name"], "separator": " / "}},
}


def status(screen, column):
    model = screen.model
    return model.data(model.index(HEADERS.index(column), STATUS))


def test_a_partly_fitting_template_is_applied_in_part(window, person, tmp_path):
    sheet = write_leads(tmp_path / "expo.csv", 4)
    (tmp_path / "expo.mapping.json").write_text(json.dumps(TEMPLATE), encoding="utf-8")
    person.use_sandbox()
    person.open_file(sheet)
    person.to_map()
    screen = window.map_screen
    origin = screen.origin_label.text()
    assert "The template “Expo desk”" in origin and "2 of its targets are not in this workspace: marked ✕, the rest is used." in origin
    # what fits is applied
    model = screen.model
    assert model.target_paths(HEADERS.index("Full Name")) == ["fields.name"]
    assert model.target_paths(HEADERS.index("Mobile No.")) == ["fields.phone"]
    assert screen.date_order_combo.currentData() == "MDY"
    assert screen.constants_model.constants() == {"fields.company_name": "Expo 2026"}
    template = screen.full_template()
    assert template["timezone"] == "Asia/Dubai" and template["identifier"] == "phone"
    assert "fields.PAN_Number" in template["combined"]
    # what does not fit is marked in red, with the reason and the nearest real field
    for column, wrong, nearest in (("City", "fields.City", "fields.city"), ("E-mail ID", "fields.emial", "fields.email")):
        assert model.target_paths(HEADERS.index(column)) == []
        text = status(screen, column)
        assert text == f"✕  No such field; nearest: {nearest}", text
        target = model.index(HEADERS.index(column), TARGET)
        assert model.data(target) == f"{wrong} — not applied"
        tooltip = model.data(model.index(HEADERS.index(column), STATUS), Qt.ItemDataRole.ToolTipRole)
        assert "the workspace has no field" in tooltip and wrong in tooltip
        for index in (target, model.index(HEADERS.index(column), STATUS)):
            colour = model.data(index, Qt.ItemDataRole.ForegroundRole)
            assert colour.red() > colour.green() and colour.red() > colour.blue()
    # the rest is usable as it is
    assert window.session.mapping is not None and window.primary_button.isEnabled()

    person.click(screen.fix_button)  # "Use the suggested names"
    assert model.target_paths(HEADERS.index("City")) == ["fields.city"]
    assert model.target_paths(HEADERS.index("E-mail ID")) == ["fields.email"]
    assert not status(screen, "City").startswith("✕")
    assert screen.date_order_combo.currentData() == "MDY"
    assert window.session.mapping is not None
    person.to_review()
    assert window.review_screen.result.lead_count == 4
