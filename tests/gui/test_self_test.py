"""`telecrm-desktop --self-test`, as the installer's CI runs it: the whole sandbox flow, exit 0; and
`--self-test FILE --mapping TEMPLATE`, the door for automated checks on a person's own sheet."""

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from telecrm_desktop.core.send.journal import Journal


def run_app(*args, home, timeout=300):
    env = dict(os.environ, TELECRM_DESKTOP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "telecrm_desktop.gui.app", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=timeout)


def write_sheet(path, rows, repeated=0):
    """`rows` leads, one a row; the last `repeated` rows give the first leads' mobiles again (a lead
    in two rows, merged by the check)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Mobile", "E-mail", "City"])
        for i in range(rows):
            mobile = i - (rows - repeated) if i >= rows - repeated else i
            writer.writerow([f"Lead {i + 1}", f"98{mobile:08d}", f"lead{i + 1}@example.com", ["Pune", "Delhi"][i % 2]])
    return path


def write_template(path, columns=None):
    template = {
        "format": "telecrm-mapping/1", "name": "Self-test", "identifier": "phone", "country": "IN",
        "columns": columns or {
            "Name": {"to": "fields.name"},
            "Mobile": {"to": "fields.phone", "type": "phone"},
            "E-mail": {"to": "fields.email", "type": "email"},
            "City": {"to": "fields.city"},
        },
    }
    path.write_text(json.dumps(template), encoding="utf-8")
    return path


def test_self_test_walks_the_flow_and_exits_0(tmp_path):
    done = run_app("--self-test", home=tmp_path, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "self-test passed" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "journal.sqlite3").exists()  # it used the data folder it was given


def test_self_test_on_a_file_sends_its_first_1000_leads_and_reports_the_peak(tmp_path):
    # 1,500 rows, 1,450 leads: rows 1451-1500 belong to the first 50 leads and go out with them; the
    # last row's mobile is no phone number: held back, the one row the problems filter shows
    sheet = write_sheet(tmp_path / "expo.csv", 1500, repeated=50)
    with sheet.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["Lead 1501", "12", "lead1501@example.com", "Pune"])
    template = write_template(tmp_path / "expo-template.json")
    home = tmp_path / "data-folder"
    home.mkdir()
    done = run_app("--self-test", sheet, "--mapping", template, home=home)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    step_lines = [line for line in lines if " ok: " in line]
    steps = [re.match(r"self-test: ([a-z ]+) ok: ", line).group(1) for line in step_lines]
    assert steps == ["workspace", "open", "map", "review", "problems filter", "all rows", "last row",
                     "leave out", "send", "results"]
    # each step's line: its wall time, the GUI thread's longest stall while it ran, the peak so far
    figures = [re.search(r" \((\d+\.\d\d) s, longest GUI stall (\d+) ms, peak memory so far (\d+) MB\)$", line)
               for line in step_lines]
    assert all(figures), step_lines
    peaks = [int(f.group(3)) for f in figures]
    assert peaks == sorted(peaks)  # a peak so far never falls
    by_step = dict(zip(steps, step_lines))
    first_screen = float(re.search(r"expo\.csv, 1,501 rows; first screen of rows after (\d+\.\d\d) s", by_step["open"]).group(1))
    assert 0 < first_screen <= float(figures[1].group(1))  # painted before the whole file was read
    assert "the template expo-template.json" in by_step["map"]
    check = float(re.search(r"1,501 rows checked, 1,450 leads to send; the check took (\d+\.\d\d) s", by_step["review"]).group(1))
    assert check > 0
    # the Show list pressed with the arrow keys, then Ctrl+End to the sheet's last row (the header is row 1)
    assert "problems filter ok: 1 row with problems shown" in by_step["problems filter"]
    assert "all rows ok: 1,501 rows shown" in by_step["all rows"]
    assert "Ctrl+End went to the sheet's row 1502, the last of the 1,501 shown" in by_step["last row"]
    assert "the rows of the 450 leads after the first 1,000 left out" in by_step["leave out"]
    assert "sent 1,000 of 1,450 leads to the sandbox" in by_step["send"]
    summary = re.fullmatch(r"self-test summary: first screen of rows (\d+\.\d\d) s, whole-sheet check (\d+\.\d\d) s, "
                           r"longest GUI stall (\d+) ms at the ([a-z ]+) step, whole walk (\d+\.\d) s", lines[-2])
    assert summary, lines[-2]
    assert (float(summary.group(1)), float(summary.group(2))) == (first_screen, check)
    # the longest stall is the longest of every step's
    stalls = {step: int(f.group(2)) for step, f in zip(steps, figures)}
    assert int(summary.group(3)) == max(stalls.values()) and stalls[summary.group(4)] == max(stalls.values())
    last = re.fullmatch(r"self-test passed: (\d+) rows, peak memory (\d+) MB", lines[-1])
    assert last, lines[-1]
    assert int(last.group(1)) == 1501
    assert 30 < int(last.group(2)) < 4000  # the app with Qt loaded: tens of MB at least
    assert "Traceback" not in done.stderr
    # the journal of the throw-away data folder agrees: one run, 1,000 leads queued, nothing else;
    # the rows of later leads left out, the merged rows of the first leads sent with them
    with Journal(home / "journal.sqlite3") as journal:
        (run,) = journal.runs()
        assert {s: n for s, n in journal.lead_counts(run.id).items() if n} == {"queued": 1000}
        assert {s: n for s, n in journal.row_counts(run.id).items() if n} == {"queued": 1050, "left out": 450, "invalid": 1}
        assert Path(run.file_path).resolve() == sheet.resolve()


def test_a_missing_file_is_one_sentence_and_exit_1(tmp_path):
    missing = tmp_path / "nowhere.csv"
    done = run_app("--self-test", missing, "--mapping", write_template(tmp_path / "t.json"), home=tmp_path, timeout=120)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == f"self-test failed at the open step: the file {missing} does not exist."


def test_an_unreadable_template_is_one_sentence_and_exit_1(tmp_path):
    template = tmp_path / "broken.json"
    template.write_text("{ not json", encoding="utf-8")
    done = run_app("--self-test", write_sheet(tmp_path / "s.csv", 5), "--mapping", template, home=tmp_path, timeout=120)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("self-test failed at the map step: ") and "broken.json" in line and "not valid JSON" in line


def test_a_template_that_does_not_fit_the_file_fails_at_the_map_step(tmp_path):
    sheet = write_sheet(tmp_path / "s.csv", 20)
    template = write_template(tmp_path / "other.json", {"Phone number": {"to": "fields.phone", "type": "phone"},
                                                        "Name": {"to": "fields.name"}})
    done = run_app("--self-test", sheet, "--mapping", template, home=tmp_path, timeout=180)
    assert done.returncode == 1, done.stdout
    assert [line.split(" ok")[0] for line in done.stdout.splitlines()] == ["self-test: workspace", "self-test: open"]
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("self-test failed at the map step: The template other.json does not fit")
    assert "Phone number" in line
    assert "Traceback" not in done.stderr


def test_mapping_needs_a_file_to_self_test(tmp_path):
    done = run_app("--mapping", write_template(tmp_path / "t.json"), home=tmp_path, timeout=60)
    assert done.returncode == 2 and "a mapping template is used only by the self-test on a FILE" in done.stderr


def test_version():
    done = subprocess.run([sys.executable, "-m", "telecrm_desktop.gui.app", "--version"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("telecrm-desktop ")
