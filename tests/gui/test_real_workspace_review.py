"""Issue 18, the Map and Review steps on a person's real workspace (a loopback stand-in reached
through TELECRM_ASYNC_URL / TELECRM_SYNC_URL, its schema learnt with a Sync token from a real
keyring): constants checked against the schema as the command line checks them."""

from __future__ import annotations

from tests.gui.real_workspace import (  # noqa: F401
    learn_schema, load_template_through_button, open_through_browse, real_workspace, set_up_workspace, to_map,
    to_review, write_leads_csv, write_template,
)


def walk_to_review(window, qtbot, monkeypatch, real_workspace, tmp_path, *, constants=None, columns=None,
                   extra_header="", extra=lambda i: "", rows=12):
    set_up_workspace(window, qtbot, monkeypatch, real_workspace)
    learn_schema(window, qtbot)
    sheet = tmp_path / "leads.csv"
    write_leads_csv(sheet, rows, extra_header, extra)
    open_through_browse(window, qtbot, monkeypatch, sheet)
    to_map(window, qtbot)
    template = tmp_path / "template.json"
    write_template(template, columns or {"Name": {"to": "fields.name"}, "Mobile": {"to": "fields.phone"}}, constants)
    load_template_through_button(window, qtbot, monkeypatch, template)
    to_review(window, qtbot)


def test_a_constant_that_is_not_a_dropdown_option_shows_in_review(real_workspace, window, qtbot, monkeypatch, tmp_path):
    from telecrm_desktop.cli.schema import require_fit
    import io

    walk_to_review(window, qtbot, monkeypatch, real_workspace, tmp_path,
                   constants={"fields.contact_source": "Expo 2026"})
    label = window.review_screen.every_lead_label
    assert label.isVisible()
    assert "On every lead" in label.text() and "Expo 2026" in label.text() and "contact_source" in label.text()
    cli_said = io.StringIO()  # the command line's warning for the same template and schema
    require_fit(window.session.mapping, window.session.schema, stream=cli_said)
    assert "Expo 2026" in cli_said.getvalue()


def test_a_constant_that_is_an_option_says_nothing(real_workspace, window, qtbot, monkeypatch, tmp_path):
    walk_to_review(window, qtbot, monkeypatch, real_workspace, tmp_path,
                   constants={"fields.contact_source": "Trade Show"})
    assert not window.review_screen.every_lead_label.isVisible()
