"""`check --existing`, `send --mode` and the overwrite rules end to end: a real CSV, the sandbox holding
existing leads over real HTTP, and the exact requests that reach it, field by field."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from telecrm_desktop.cli import main
from telecrm_desktop.sandbox import SandboxServer
from telecrm_desktop.sandbox.workspace import Workspace, load_workspace

EXISTING = [
    # A: other city and rating; B: no city; C: the same values as telecrm shows them; D: the same, plus a note
    {"fields": {"phone": "919800000001", "name": "Asha", "city": "Pune", "email": "asha@example.com", "rating": 3}},
    {"fields": {"phone": "919800000002", "name": "Bala", "rating": 2}},
    {"fields": {"phone": "919800000003", "name": "Chitra", "city": "Goa", "email": "CHITRA@example.com",
                "tags": ["b", "a"]}},
    {"fields": {"phone": "919800000004", "name": "Dev", "city": "Agra"}},
    {"fields": {"phone": "919899999999", "name": "Not in the sheet", "city": "Kochi"}},
]
ROWS = [  # Name, Phone, City, Email, Rating, Tags, Note
    ["Asha", "98000 00001", "Mumbai", "asha@example.com", "4", "", ""],
    ["Bala", "98000 00002", "Delhi", "", "5", "", ""],
    ["Chitra", "+91 98000 00003", "Goa", "chitra@example.com", "", "a; b", ""],
    ["Dev", "98000 00004", "Agra", "", "", "", "called back"],
    ["Esha", "98000 00005", "Surat", "", "1", "", ""],
    ["Farid", "98000 00006", "Bhopal", "esha@example.com", "", "x", "first visit"],
]
A, B, C, D, E, F = (f"91980000000{i}" for i in range(1, 7))


def mapping(city_rule: str | None = None, email_rule: str | None = None) -> dict:
    city = {"to": "fields.city"}
    if city_rule:
        city["overwrite"] = city_rule
    email = {"to": "fields.email"}
    if email_rule:
        email["overwrite"] = email_rule
    return {
        "format": "telecrm-mapping/1",
        "columns": {
            "Name": {"to": "fields.name"},
            "Phone": {"to": "fields.phone", "type": "phone"},
            "City": city,
            "Email": email,
            "Rating": {"to": "fields.rating", "overwrite": "if_empty"} if city_rule == "if_empty" else {"to": "fields.rating"},
            "Tags": {"to": "fields.tags", "type": "tags", "separator": ";"},
            "Note": {"to": "actions.ACTION_1001.note", "type": "text"},
        },
    }


def workspace_with(existing: list[dict]) -> Workspace:
    definition = load_workspace().definition
    definition["existingLeads"] = existing
    return Workspace(definition)


@pytest.fixture
def world(tmp_path, monkeypatch):
    server = SandboxServer(workspace_with(EXISTING), existing_leads=True).start()
    server.state.keep_requests = True

    class World:
        sandbox = server
        home = tmp_path / "home"
        sheet = tmp_path / "leads.csv"
        template = tmp_path / "leads.mapping.json"
        report = tmp_path / "report.csv"

        def use(self, template: dict, rows=ROWS) -> None:
            self.template.write_text(json.dumps(template), encoding="utf-8")
            with open(self.sheet, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["Name", "Phone", "City", "Email", "Rating", "Tags", "Note"])
                w.writerows(rows)

        def send_args(self, *extra: str) -> list[str]:
            return ["send", str(self.sheet), "--mapping", str(self.template), "--enterprise",
                    server.enterprise_id, "--base-url", server.base_url, "--report", str(self.report),
                    "--rate-per-hour", "400", *extra]

        def send(self, *extra: str) -> int:
            return main(self.send_args(*extra))

        def check(self, *extra: str) -> int:
            return main(["check", str(self.sheet), "--mapping", str(self.template), "--enterprise",
                         server.enterprise_id, "--report", str(self.report), *extra])

        def requests(self) -> dict[str, dict]:
            assert server.state.wait_processed(10)
            sent = server.state.request_log()
            by_phone = {r["fields"]["phone"]: r for r in sent}
            assert len(by_phone) == len(sent), "a lead was sent twice"
            return by_phone

        def report_rows(self) -> dict[str, dict]:
            with open(self.report, encoding="utf-8-sig", newline="") as f:
                return {r["identifier"]: r for r in csv.DictReader(f)}

    env = {
        "TELECRM_DESKTOP_HOME": str(tmp_path / "home"),
        "TELECRM_ASYNC_TOKENS": ",".join(t.value for t in server.async_tokens),
        "TELECRM_SYNC_TOKEN": server.sync_token.value,
        "TELECRM_SYNC_URL": server.sync_url,
        "TELECRM_SYNC_RATE": "200",
        "TELECRM_RATE_WINDOW_SECONDS": "2",  # 400 requests per 2 s per token: a quick send
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    w = World()
    w.use(mapping())
    yield w
    server.stop()


def test_mode_all_without_rules_looks_nothing_up_and_sends_every_lead(world):
    assert world.send() == 0
    assert set(world.requests()) == {A, B, C, D, E, F}
    assert world.sandbox.state.search_log() == []
    with open(world.report, encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f)) == ["row", "identifier", "status", "reason", "warnings"]


def test_mode_all_creates_and_updates_and_leaves_identical_leads_alone(world, capsys):
    world.use(mapping(email_rule="if_empty"))  # a rule: the leads are looked up
    assert world.send() == 0
    sent = world.requests()
    assert set(sent) == {A, B, D, E, F}  # C is identical and carries no action
    assert sent[A] == {"fields": {"name": "Asha", "phone": A, "city": "Mumbai", "rating": 4}}
    assert sent[F]["fields"]["email"] == "esha@example.com"
    assert sent[D]["actions"] == [{"type": "ACTION_1001", "fields": {"note": "called back"}}]
    rows = world.report_rows()
    assert rows[C]["status"] == "unchanged" and rows[C]["reason"] == "telecrm already has these values"
    assert rows[A]["existing"] == "yes" and rows[A]["changes"] == "city: Pune -> Mumbai; rating: 3 -> 4"
    assert rows[B]["changes"] == "city: (empty) -> Delhi; rating: 2 -> 5"
    assert rows[E]["existing"] == "no" and rows[E]["status"] == "queued"
    results = next((world.home / "runs").glob("*/results.csv"))
    with open(results, encoding="utf-8-sig", newline="") as f:
        made = {r["identifier"]: r["created or updated"] for r in csv.DictReader(f)}
    assert made == {A: "updated", B: "updated", C: "", D: "updated", E: "created", F: "created"}


def test_send_all_sends_identical_leads_too(world):
    assert world.send("--send-all", "--mode", "existing") == 0
    assert set(world.requests()) == {A, B, C, D}
    world.sandbox.state.reset()
    world.use(mapping(email_rule="never"))
    assert world.send("--send-all") == 0
    assert set(world.requests()) == {A, B, C, D, E, F}


def test_mode_new_skips_leads_already_in_telecrm(world):
    assert world.send("--mode", "new") == 0
    sent = world.requests()
    assert set(sent) == {E, F}
    assert sent[E] == {"fields": {"name": "Esha", "phone": E, "city": "Surat", "rating": 1}}
    rows = world.report_rows()
    assert {rows[i]["status"] for i in (A, B, C, D)} == {"skipped"}
    assert rows[A]["reason"] == "already in telecrm"


def test_mode_existing_skips_leads_not_in_telecrm(world):
    assert world.send("--mode", "existing") == 0
    assert set(world.requests()) == {A, B, D}
    rows = world.report_rows()
    assert (rows[E]["status"], rows[E]["reason"]) == ("skipped", "not in telecrm")
    assert rows[C]["status"] == "unchanged"


@pytest.mark.parametrize("rule, a_fields, b_fields", [
    ("always", {"name": "Asha", "phone": A, "city": "Mumbai", "email": "asha@example.com", "rating": 4},
     {"name": "Bala", "phone": B, "city": "Delhi", "rating": 5}),
    # city and rating only where telecrm has none: A has both, so nothing is left to change
    ("if_empty", None, {"name": "Bala", "phone": B, "city": "Delhi"}),
    ("never", {"name": "Asha", "phone": A, "email": "asha@example.com", "rating": 4},
     {"name": "Bala", "phone": B, "rating": 5}),
])
def test_each_overwrite_rule_shapes_the_requests_field_by_field(world, rule, a_fields, b_fields):
    world.use(mapping(rule))
    assert world.send() == 0
    sent = world.requests()
    assert (sent[A]["fields"] if A in sent else None) == a_fields
    assert sent[B]["fields"] == b_fields
    # new leads get every value, whatever the rule
    assert sent[E]["fields"] == {"name": "Esha", "phone": E, "city": "Surat", "rating": 1}
    assert sent[F]["fields"] == {"name": "Farid", "phone": F, "city": "Bhopal", "email": "esha@example.com",
                                 "tags": ["x"]}
    if a_fields is None:
        assert world.report_rows()[A]["status"] == "unchanged"
    assert world.sandbox.state.lead(A).fields["city"] == (a_fields or {}).get("city", "Pune")


def test_a_rule_that_leaves_nothing_to_change_makes_the_lead_unchanged(world):
    world.use(mapping("never"), rows=[["Dev", "98000 00004", "Lucknow", "", "", "", ""]])
    assert world.send() == 0
    assert world.requests() == {}
    assert world.report_rows()[D]["status"] == "unchanged"


def test_check_existing_reports_without_sending(world, tmp_path):
    payloads = tmp_path / "out.jsonl"
    assert world.check("--existing", "--mode", "existing", "--payloads", str(payloads)) == 0
    rows = world.report_rows()
    assert [rows[i]["status"] for i in (A, B, C, D, E, F)] == ["ready", "ready", "unchanged", "ready",
                                                                "skipped", "skipped"]
    assert rows[A]["changes"] == "city: Pune -> Mumbai; rating: 3 -> 4"
    lines = [json.loads(line) for line in payloads.read_text().splitlines()]
    assert [line["identifier"] for line in lines] == [A, B, D]
    assert world.sandbox.state.received == len(world.sandbox.state.search_log())  # only lookups reached it


def test_no_sync_token_is_exit_2_with_a_sentence_and_nothing_sent(world, monkeypatch, capsys):
    monkeypatch.delenv("TELECRM_SYNC_TOKEN")
    monkeypatch.setattr("telecrm_desktop.core.secrets.load_sync_token", lambda enterprise: None)
    assert world.send("--mode", "new") == 2
    err = capsys.readouterr().err
    assert "needs a Sync token" in err and "nothing was sent" in err
    assert world.sandbox.state.received == 0
    world.use(mapping("if_empty"))
    assert world.check() == 2  # an overwrite rule needs the lookup too
    assert world.send() == 2


def test_check_with_a_lookup_needs_the_workspace(world, capsys):
    assert main(["check", str(world.sheet), "--mapping", str(world.template), "--existing"]) == 2
    assert "give the workspace with --enterprise ID" in capsys.readouterr().err


def test_sync_429_and_5xx_are_retried(world):
    world.sandbox.script_sync(["429", "503", "500"])
    assert world.send("--mode", "existing") == 0
    assert [s for _, s in world.sandbox.state.search_log()] == [429, 503, 500, 200]
    assert set(world.requests()) == {A, B, D}


def test_a_sync_token_revoked_half_way_stops_before_sending_anything(world, capsys):
    rows = [[f"Lead {i}", f"97{i:08d}", "Pune", "", "", "", ""] for i in range(250)]
    world.use(mapping(), rows=rows)
    world.sandbox.revoke_sync_token_after(2)
    assert world.send("--mode", "new") == 3
    out = capsys.readouterr()
    assert "refused the Sync token" in out.err + out.out and "not sent" in out.err + out.out
    assert world.sandbox.state.queued == 0
    rows = world.report_rows()
    assert len(rows) == 250 and {r["status"] for r in rows.values()} == {"pending"}
    assert "refused the Sync token" in next(iter(rows.values()))["reason"]
    world.sandbox.restore(world.sandbox.sync_token.label)
    asked_before = len(world.sandbox.state.search_log())
    assert world.send("--mode", "new") == 0
    again = [v for asked, _ in world.sandbox.state.search_log()[asked_before:] for v in asked]
    assert len(again) == 50  # only the leads the first run could not look up
    assert len(world.requests()) == 250


def test_a_lookup_killed_and_resumed_asks_nothing_twice_and_sends_each_lead_once(world, tmp_path):
    rows = [[f"Lead {i}", f"97{i:08d}", "Pune", "", "", "", ""] for i in range(700)]
    world.use(mapping(), rows=rows)
    env = {**os.environ, "TELECRM_SYNC_RATE": "4", "PYTHONPATH": str(Path.cwd())}
    child = subprocess.Popen([sys.executable, "-m", "telecrm_desktop.cli", *world.send_args("--mode", "new")],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(world.sandbox.state.search_log()) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    first = [v for asked, _ in world.sandbox.state.search_log() for v in asked]
    assert 400 <= len(first) < 700 and world.sandbox.state.queued == 0
    assert world.send("--mode", "new") == 0
    log = [v for asked, _ in world.sandbox.state.search_log() for v in asked]
    repeated = len(log) - len(set(log))
    assert repeated <= 100  # at most the request that was on its way at the kill
    assert len(set(log)) == 700
    assert len(world.requests()) == 700  # each lead sent once
