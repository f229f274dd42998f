"""`telecrm-import send --verify-landed`: the queued leads looked up again over the sandbox's Sync API
(lead/search), the result printed, kept in the journal, and shown by `history`."""

from __future__ import annotations

import csv
import json
import sqlite3

import keyring
import pytest
from keyring.backends import null

from telecrm_desktop.cli import main
from telecrm_desktop.core.send.journal import Journal
from tests.keyring_session import keyring_daemons, secret_service  # noqa: F401 - fixtures
from tests.send.test_cli_send import MAPPING, cli, write_sheet  # noqa: F401 - cli is a fixture

WAIT = "0.3"  # the sandbox processes its queue in a moment; a second look comes after the same wait


@pytest.fixture
def sync_env(cli, monkeypatch):  # noqa: F811
    monkeypatch.setenv("TELECRM_SYNC_TOKEN", cli.sandbox.sync_token.value)
    monkeypatch.setenv("TELECRM_SYNC_URL", cli.sandbox.sync_url)
    return cli


def journal_runs(cli):  # noqa: F811
    with Journal(cli.home / "journal.sqlite3") as journal:
        return journal.runs()


def history(capsys) -> str:
    capsys.readouterr()
    assert main(["history"]) == 0
    return capsys.readouterr().out


def test_every_lead_landed_is_said_kept_and_shown_in_history(sync_env, capsys):
    cli = sync_env
    write_sheet(cli.sheet, 8, invalid=False)
    assert cli.send("--verify-landed", WAIT) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2] == "post-import check: 8 of 8 leads checked landed with the values sent"
    assert out[-1].startswith("send: 8 rows: 8 queued")  # the summary still ends the command
    (run,) = journal_runs(cli)
    assert run.landed["checked"] == 8 and run.landed["landed"] == 8 and run.landed["different"] == []
    assert run.landed["checked_at"]
    assert "    landed: 8 of 8 leads checked landed with the values sent (checked " in history(capsys)


def test_a_value_telecrm_dropped_is_counted_as_different(sync_env, tmp_path, capsys):
    cli = sync_env
    # "City" is not a field of the workspace ("city" is: names are case-sensitive). Without a pulled
    # schema nothing flags it before sending, and telecrm drops it without a word.
    mapping = json.loads(json.dumps(MAPPING))
    mapping["columns"]["City"] = {"to": "fields.City", "type": "text"}
    cli.mapping.write_text(json.dumps(mapping), encoding="utf-8")
    with open(cli.sheet, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Phone", "Note", "City"])
        for i in range(6):
            w.writerow([f"Lead {i}", f"98{i:08d}", "", "Pune" if i in (1, 4) else ""])
    assert cli.send("--verify-landed", WAIT) == 0  # the check never changes the exit status
    out = capsys.readouterr().out
    assert ('post-import check: 4 of 6 leads checked landed with the values sent; 2 have different values '
            '(919800000001: City sent "Pune", not stored; 919800000004: City sent "Pune", not stored)') in out
    (run,) = journal_runs(cli)
    assert run.landed["landed"] == 4
    assert [(c["identifier"], c["differences"]) for c in run.landed["different"]] == [
        ("919800000001", [{"field": "City", "sent": "Pune", "found": None}]),
        ("919800000004", [{"field": "City", "sent": "Pune", "found": None}]),
    ]
    assert "    landed: 4 of 6 leads checked landed with the values sent; 2 have different values" in history(capsys)


def skipped_line(err: str) -> str:
    lines = [line for line in err.splitlines() if "post-import check" in line]
    assert len(lines) == 1, err
    return lines[0]


def test_without_a_sync_token_the_check_is_skipped_in_one_line(cli, capsys, monkeypatch, secret_service):  # noqa: F811
    monkeypatch.delenv("TELECRM_SYNC_TOKEN", raising=False)  # and the (real, empty) keyring holds none
    write_sheet(cli.sheet, 3, invalid=True)
    assert cli.send("--verify-landed", "0") == 1  # two invalid rows: as without the check
    captured = capsys.readouterr()
    assert skipped_line(captured.err) == (
        f"telecrm-import: post-import check skipped: there is no Sync token for enterprise {cli.sandbox.enterprise_id} "
        f"(add one with `telecrm-import tokens add --enterprise {cli.sandbox.enterprise_id} --sync`, "
        "or set TELECRM_SYNC_TOKEN)")
    assert "post-import check" not in captured.out
    assert "exit status 1: rows not queued: 2 invalid" in captured.err  # the exit status explained
    (run,) = journal_runs(cli)
    assert run.landed is None
    assert "landed:" not in history(capsys)


def test_without_a_keyring_the_check_is_skipped_saying_so(cli, capsys, monkeypatch):  # noqa: F811
    monkeypatch.delenv("TELECRM_SYNC_TOKEN", raising=False)
    saved = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    try:
        write_sheet(cli.sheet, 2, invalid=False)
        assert cli.send("--verify-landed", "0") == 0
    finally:
        keyring.set_keyring(saved)
    line = skipped_line(capsys.readouterr().err)
    assert "post-import check skipped: the Sync token could not be read (no safe system keyring" in line


def test_without_the_flag_nothing_is_looked_up(sync_env, capsys):
    cli = sync_env
    write_sheet(cli.sheet, 2, invalid=False)
    assert cli.send() == 0
    assert "post-import check" not in capsys.readouterr().out
    assert journal_runs(cli)[0].landed is None


def test_a_refused_sync_token_is_reported_and_kept_without_changing_the_exit_status(sync_env, capsys):
    cli = sync_env
    write_sheet(cli.sheet, 2, invalid=False)
    cli.sandbox.revoke(cli.sandbox.sync_token.label)
    assert cli.send("--verify-landed", "0") == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "post-import check" in line)
    assert line.startswith("the post-import check could not run: ") and "Sync token" in line, line
    assert cli.sandbox.sync_token.value not in out
    (run,) = journal_runs(cli)
    assert run.landed["checked"] == 0 and run.landed["error"]


@pytest.mark.parametrize("extra, message", [
    (["--verify-landed", "-1"], "--verify-landed takes 0 to 3600 seconds"),
    (["--verify-landed", "0", "--sync-url", "http://example.com"], "--sync-url:"),
])
def test_bad_check_options_are_usage_errors_before_anything_is_sent(sync_env, capsys, extra, message):
    cli = sync_env
    write_sheet(cli.sheet, 2, invalid=False)
    assert cli.send(*extra) == 2
    assert message in capsys.readouterr().err
    assert cli.sandbox.state.summary()["received"] == 0


def test_an_old_journal_gains_the_landed_column_and_keeps_its_runs(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        run = journal.start_run("0123456789abcdef01234567", "a.csv", "f", "t")
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE runs DROP COLUMN landed")  # as a journal from before the check
    db.commit()
    db.close()
    with Journal(path) as journal:
        (old,) = journal.runs()
        assert old.id == run.id and old.landed is None
        journal.set_landed(run.id, {"checked": 2, "landed": 1, "different": [], "missing": ["9198"], "error": None})
    with Journal(path) as journal:  # opening again: the column is there, nothing is added twice
        assert journal.run(run.id).landed["missing"] == ["9198"]
