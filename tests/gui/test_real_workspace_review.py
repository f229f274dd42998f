"""Issue 18, the Map and Review steps on a person's real workspace (a loopback stand-in reached
through TELECRM_ASYNC_URL / TELECRM_SYNC_URL, its schema learnt with a Sync token from a real
keyring): constants checked against the schema as the command line checks them."""

from __future__ import annotations

from tests.gui.real_workspace import (  # noqa: F401
    click, learn_schema, load_template_through_button, open_through_browse, real_workspace, set_up_workspace, to_map,
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


def test_the_learnt_schema_can_be_looked_at_and_the_targets_carry_labels(real_workspace, window, qtbot, monkeypatch,
                                                                         tmp_path):
    from PySide6.QtCore import Qt

    from telecrm_desktop.gui.models.mapping_model import TARGET
    from telecrm_desktop.gui.screens.schema_dialog import SchemaDialog

    screen = window.workspace_screen
    set_up_workspace(window, qtbot, monkeypatch, real_workspace)
    assert not screen.show_schema_button.isEnabled()  # nothing learnt yet
    learn_schema(window, qtbot)
    shown = {}

    def look(dialog):
        for title, view in dialog.tables.items():
            model = view.model()
            shown[title] = [[model.data(model.index(r, c)) for c in range(model.columnCount())]
                            for r in range(model.rowCount())]
        return 0

    monkeypatch.setattr(SchemaDialog, "exec", look)
    click(qtbot, screen.show_schema_button)
    assert ["Contact Source", "contact_source", "dropdown"] == shown["Fields"][
        [row[1] for row in shown["Fields"]].index("contact_source")][:3]
    assert any(row[1] == "phone" and row[4] == "lead identifier" for row in shown["Fields"])
    assert any(row[0] == "Status" and row[2] == "active" for row in shown["Statuses and lost reasons"])
    assert shown["Team"] and all("@" in row[0] for row in shown["Team"])
    assert shown["Actions"]

    sheet = tmp_path / "leads.csv"
    write_leads_csv(sheet, 5, "Source", lambda i: "Website")
    open_through_browse(window, qtbot, monkeypatch, sheet)
    to_map(window, qtbot)
    model = window.map_screen.model
    row = model.headers.index("Name")
    assert model.data(model.index(row, TARGET), Qt.ItemDataRole.DisplayRole) == "Name  ·  fields.name"


def test_one_column_feeds_a_field_and_an_action_date(real_workspace, window, qtbot, monkeypatch, tmp_path):
    import json

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from telecrm_desktop.gui.models.mapping_model import TARGET

    set_up_workspace(window, qtbot, monkeypatch, real_workspace)
    learn_schema(window, qtbot)
    sheet = tmp_path / "visits.csv"
    write_leads_csv(sheet, 4, "Visit Date", lambda i: f"0{i + 1}/11/2026 10:30")
    open_through_browse(window, qtbot, monkeypatch, sheet)
    to_map(window, qtbot)
    template = tmp_path / "visits.json"
    write_template(template, {"Name": {"to": "fields.name"}, "Mobile": {"to": "fields.phone"},
                              "Visit Date": {"to": "fields.follow_up_date"}})
    load_template_through_button(window, qtbot, monkeypatch, template)
    screen, model = window.map_screen, window.map_screen.model
    row = model.headers.index("Visit Date")
    add = screen.extra_targets.add_button
    screen.view.setCurrentIndex(model.index(model.headers.index("Name"), TARGET))
    screen.view.setCurrentIndex(model.index(row, TARGET))
    asked = []

    def get_item(parent, title, label, items, current, editable):
        asked.append(items)
        return next(i for i in items if i.endswith("actions.ACTION_1001.created_on")), True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    click(qtbot, add)
    assert model.target_paths(row) == ["fields.follow_up_date", "actions.ACTION_1001.created_on"]
    shown = model.data(model.index(row, TARGET), Qt.ItemDataRole.DisplayRole)
    assert "fields.follow_up_date" in shown and "actions.ACTION_1001.created_on" in shown
    assert screen.extra_targets.remove_button.isEnabled()

    saved = tmp_path / "saved.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    click(qtbot, screen.save_button)
    columns = json.loads(saved.read_text(encoding="utf-8"))["columns"]
    assert [t["to"] for t in columns["Visit Date"]] == ["fields.follow_up_date", "actions.ACTION_1001.created_on"]

    to_review(window, qtbot)
    body = next(iter(window.session.check.leads)).body
    assert "follow_up_date" in body["fields"]
    assert body["actions"][0]["type"] == "ACTION_1001" and body["actions"][0]["created_on"].startswith("01/11/2026")

    # the saved list template loads with both targets shown
    from telecrm_desktop.gui.main_window import MAP

    click(qtbot, window.step_buttons[MAP])
    screen.view.setCurrentIndex(model.index(row, TARGET))
    click(qtbot, screen.extra_targets.remove_button)
    assert model.target_paths(row) == ["fields.follow_up_date"]
    load_template_through_button(window, qtbot, monkeypatch, saved)
    assert model.target_paths(row) == ["fields.follow_up_date", "actions.ACTION_1001.created_on"]


def test_a_value_that_is_not_an_option_can_be_replaced_by_any_option(real_workspace, window, qtbot, monkeypatch,
                                                                      tmp_path):
    from PySide6.QtCore import Qt

    from telecrm_desktop.gui.main_window import MAP
    from telecrm_desktop.gui.models.mapping_model import STATUS

    sources = ["Expo", "Website", "Expo", "Referral", "Expo", "Website"]
    walk_to_review(window, qtbot, monkeypatch, real_workspace, tmp_path, rows=6,
                   extra_header="Source", extra=lambda i: sources[i],
                   columns={"Name": {"to": "fields.name"}, "Mobile": {"to": "fields.phone"},
                            "Source": {"to": "fields.contact_source"}})
    review = window.review_screen
    model = review.model
    problems = [f for v in review.result.sheet.verdicts() for f in v.findings]
    assert {p.value for p in problems} == {"Expo"} and all(p.rule.startswith("dropdown.") for p in problems)

    # the Map step's sample check says the same about the same values
    click(qtbot, window.step_buttons[MAP])
    mapping = window.map_screen.model
    status = mapping.data(mapping.index(mapping.headers.index("Source"), STATUS), Qt.ItemDataRole.DisplayRole)
    assert status.startswith("⚠") and '"Expo" is not an option of "Contact Source"' in status
    to_review(window, qtbot)

    review.view.setCurrentIndex(model.index(0, model.column_index("Source")))  # row 2 holds "Expo"
    bar = review.replace_bar
    assert bar.isVisible() and bar.label.text() == "Replace “Expo” in all 3 rows of “Source” with:"
    # another filter leaves no row selected: the row's offer goes with it
    from telecrm_desktop.gui.models.review_model import SHOW_ALL, SHOW_INVALID

    review.filter_combo.setCurrentIndex(review.filter_combo.findData(SHOW_INVALID))
    assert not bar.isVisible() and "Select a row" in review.row_title.text()
    review.filter_combo.setCurrentIndex(review.filter_combo.findData(SHOW_ALL))
    review.view.setCurrentIndex(model.index(0, model.column_index("Source")))
    assert bar.isVisible()
    assert [bar.combo.itemText(i) for i in range(bar.combo.count())] == [
        "Website", "Referral", "Walk-in", "Facebook Ads", "Google Ads", "Trade Show"]
    bar.combo.setCurrentIndex(bar.combo.findText("Trade Show"))  # far from "Expo": no suggestion would offer it
    click(qtbot, bar.replace_button)
    qtbot.waitUntil(lambda: not review.is_checking() and window.session.check is not None, timeout=30000)
    sent = [lead.body["fields"]["contact_source"] for lead in window.session.check.leads]
    assert sent == ["Trade Show", "Website", "Trade Show", "Referral", "Trade Show", "Website"]


def test_a_lead_can_be_sent_without_a_bad_value_when_chosen(real_workspace, window, qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import QPoint, Qt

    from telecrm_desktop.gui.main_window import RESULTS
    from tests.gui.real_workspace import primary, to_send

    ratings = ["3", "7", "4", "5"]
    walk_to_review(window, qtbot, monkeypatch, real_workspace, tmp_path, rows=4,
                   extra_header="Rating", extra=lambda i: ratings[i],
                   columns={"Name": {"to": "fields.name"}, "Mobile": {"to": "fields.phone"},
                            "Rating": {"to": "fields.rating"}})
    review, model = window.review_screen, window.review_screen.model
    assert review.result.lead_count == 3  # the rating of 7 holds row 3 back
    box = review.send_without_box

    review.view.setCurrentIndex(model.index(0, model.column_index("Rating")))  # a good row: nothing offered
    assert not box.isVisible()
    review.view.setCurrentIndex(model.index(1, model.column_index("Name")))  # row 3
    assert box.isVisible() and not box.isChecked()  # off by default
    assert box.text() == "Send this lead without its bad value of “Rating”"
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on the tick box
    qtbot.waitUntil(lambda: not review.is_checking() and window.session.check is not None, timeout=30000)
    assert box.isChecked() and box.text().startswith("Sent without “Rating”")
    leads = {lead.rows[0]: lead.body["fields"] for lead in window.session.check.leads}
    assert len(leads) == 4 and "rating" not in leads[3] and leads[3]["name"] == "Lead 1" and leads[2]["rating"] == 3

    to_send(window, qtbot)
    primary(window, qtbot)
    qtbot.waitUntil(lambda: not window.send_screen.is_running(), timeout=60000)
    click(qtbot, window.step_buttons[RESULTS])
    results = window.results_screen
    qtbot.waitUntil(lambda: not results.is_loading(), timeout=20000)
    texts = [" | ".join(str(results.model.data(results.model.index(r, c))) for c in range(results.model.columnCount()))
             for r in range(results.model.rowCount())]
    row3 = next(t for t in texts if t.startswith("3 |"))
    assert "queued" in row3 and "sent without “Rating” (“7” left out, as chosen in Review)" in row3
