"""Load template…, Save template… and Export result files… open their dialogs when clicked (their
clicked(bool) once landed in the `path` argument: "expected str ... not bool" on every click)."""

import json

from telecrm_desktop.gui.flow_driver import wait_until
from telecrm_desktop.gui.main_window import MAP

from tests.gui.acceptance.conftest import write_leads


def test_save_then_load_template_by_clicking(window, person, tmp_path):
    sheet = write_leads(tmp_path / "expo.csv", 5)
    person.use_sandbox()
    person.open_file(sheet)
    person.to_map()
    assert window.current_step() == MAP
    screen = window.map_screen

    saved = tmp_path / "expo-template.json"
    person.answer_save(saved)
    person.click(screen.save_button)
    assert saved.exists(), window.message_bar.label.text()
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["columns"]["Mobile No."]["to"] == "fields.phone" or data["columns"]["Mobile No."] == "fields.phone" \
        or "fields.phone" in json.dumps(data["columns"]["Mobile No."])
    assert "Template saved to" in window.message_bar.label.text()

    # the template, edited outside: City goes to a custom field; loading it by clicking applies it
    data["columns"]["City"] = {"to": "fields.city"}
    saved.write_text(json.dumps(data), encoding="utf-8")
    person.answer_open(saved)
    person.click(screen.load_button)
    assert "Loaded from expo-template.json" in screen.origin_label.text(), window.message_bar.label.text()
    assert screen.model.target_paths(3) == ["fields.city"]


def test_export_result_files_by_clicking(window, person, tmp_path):
    sheet = write_leads(tmp_path / "few.csv", 3)
    person.use_sandbox()
    person.open_file(sheet)
    person.to_map()
    person.to_review()
    person.next()  # to Send
    person.send_and_wait()
    results = window.results_screen
    wait_until(lambda: window.current_step() == 5 and not results.is_loading(), 20, "the results")
    folder = tmp_path / "exported"
    folder.mkdir()
    person.answer_folder(folder)
    person.click(results.export_button)
    names = sorted(p.name for p in folder.iterdir())
    assert names and all(n.startswith(f"run-{window.session.run_id}-") for n in names), window.message_bar.label.text()
    assert f"run-{window.session.run_id}-results.csv" in names
