"""Output safety: result files never run a formula, and where leads go is validated (https, or
http only to this computer; a real enterprise ID; TLS verification that nothing can turn off)."""

from __future__ import annotations

import csv
import json
import re
import ssl
import zipfile
from pathlib import Path

import pytest

from telecrm_desktop.core.addresses import check_enterprise_id
from telecrm_desktop.cli import main
from telecrm_desktop.core.send import client as api
from telecrm_desktop.core.send.engine import SendEngine

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
           "=cmd|' /C calc'!A0"]
MAPPING = {
    "format": "telecrm-mapping/1",
    "name": "injection",
    "columns": {"Name": {"to": "fields.name"}, "Phone": {"to": "fields.phone", "type": "phone"},
                "Note": {"to": "actions.ACTION_1001.note", "type": "text"}},
}


def write_hostile_sheet(path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Phone", "Note", "=HEADER()"])
        for i, bad in enumerate(HOSTILE):
            w.writerow([bad, f"95{i:08d}", bad, bad])  # valid leads with hostile text
            w.writerow([bad, bad, bad, bad])  # invalid: the phone itself is hostile


def assert_csv_safe(path: Path) -> int:
    with open(path, encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert cells
    unsafe = [c for c in cells if c.startswith(FORMULA_START)]
    assert not unsafe, f"{path.name}: {unsafe[:5]}"
    return sum(c.startswith("'") for c in cells)


def assert_xlsx_safe(path: Path) -> None:
    """No formula element anywhere in the workbook, and hostile text kept as text."""
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/"):
                xml = book.read(name).decode("utf-8")
                assert not re.search(r"<(\w+:)?f[ >]", xml), f"{path.name} {name} holds a formula"
    import openpyxl

    sheet = openpyxl.load_workbook(path).active
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("=") for t in texts)  # the hostile text is there, as text
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_reports_and_result_files_never_run_a_formula(tmp_path, start_sandbox, monkeypatch):
    sandbox = start_sandbox()
    sheet, mapping = tmp_path / "leads.csv", tmp_path / "map.json"
    write_hostile_sheet(sheet)
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    home = tmp_path / "home"
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(home))
    monkeypatch.setenv("TELECRM_ASYNC_TOKENS", ",".join(t.value for t in sandbox.async_tokens))
    monkeypatch.setenv("TELECRM_RATE_WINDOW_SECONDS", "2")
    assert main(["check", str(sheet), "--mapping", str(mapping), "--report", str(tmp_path / "check.csv")]) == 1
    assert main(["send", str(sheet), "--mapping", str(mapping), "--enterprise", sandbox.enterprise_id,
                 "--base-url", sandbox.base_url, "--rate-per-hour", "40", "--report", str(tmp_path / "send.csv")]) == 1
    assert_csv_safe(tmp_path / "check.csv")
    assert_csv_safe(tmp_path / "send.csv")
    run = home / "runs" / "1"
    assert assert_csv_safe(run / "results.csv") >= len(HOSTILE) * 2  # the hostile cells, quoted
    assert_xlsx_safe(run / "results.xlsx")
    assert_xlsx_safe(run / "needs-attention.xlsx")
    # telecrm got the text as typed: neutralising is for spreadsheets only
    assert sandbox.state.wait_processed()
    assert sandbox.state.lead("9500000000") is not None


@pytest.mark.parametrize("url", [
    "https://next-api.telecrm.in", "http://127.0.0.1:8080", "http://localhost:5000/", "http://[::1]:9000",
    "http://127.5.6.7",
])
def test_allowed_base_urls(url):
    assert api.check_base_url(url) == url.rstrip("/")


@pytest.mark.parametrize("url", [
    "http://next-api.telecrm.in", "http://192.168.1.10", "http://10.0.0.1:8080", "http://localhost.evil.example",
    "http://127.0.0.1.nip.io", "ftp://127.0.0.1", "file:///etc/passwd", "javascript:alert(1)", "", "   ",
    "https://user:pass@next-api.telecrm.in", "https://next-api.telecrm.in/?x=1", "next-api.telecrm.in",
    "http://0.0.0.0", "http://[::ffff:8.8.8.8]",
])
def test_refused_base_urls(url):
    with pytest.raises(ValueError):
        api.check_base_url(url)


@pytest.mark.parametrize("value", ["", "abc", "9d2f64c4d3f07515bed076d", "9d2f64c4d3f07515bed076de0",
                                   "9d2f64c4d3f07515bed076dg", "../../../etc/passwd00000", "9d2f64c4d3f07515bed076d/"])
def test_refused_enterprise_ids(value):
    with pytest.raises(ValueError):
        check_enterprise_id(value)


def test_the_engine_refuses_a_plain_http_url_to_another_computer(tmp_path):
    with pytest.raises(ValueError, match="http:// is allowed only for this computer"):
        SendEngine(tmp_path / "j.db", 1, enterprise_id="9d2f64c4d3f07515bed076de", base_url="http://example.com",
                   tokens=[])


def test_tls_verification_is_always_on_and_no_setting_turns_it_off():
    client = api.AsyncApiClient("https://next-api.telecrm.in", "9d2f64c4d3f07515bed076de", max_connections=1)
    contexts = {id(lane._transport._pool._ssl_context): lane._transport._pool._ssl_context for lane in client._all}
    for context in contexts.values():
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    from telecrm_desktop.core.workspace.sync_client import SyncClient

    sync = SyncClient("https://next.telecrm.in/autoupdate/v2", "9d2f64c4d3f07515bed076de", "t" * 20)
    pool = sync._http._transport._pool
    assert pool._ssl_context.verify_mode == ssl.CERT_REQUIRED and pool._ssl_context.check_hostname
    # nothing in the program can turn verification off: no switch in any module, no setting in the app
    package = Path(api.__file__).resolve().parents[2]
    switches = re.compile(r"verify\s*=\s*(False|0|None|[a-z_]*setting)|CERT_NONE|check_hostname\s*=\s*False"
                          r"|_create_unverified_context|PYTHONHTTPSVERIFY|SSL_CERT|insecure", re.I)
    found = [f"{p.relative_to(package)}: {m.group(0)}" for p in package.rglob("*.py")
             for m in switches.finditer(p.read_text(encoding="utf-8"))]
    assert found == []
    from telecrm_desktop.gui.session import WorkspaceSettings  # what the app's settings store holds

    assert not [name for name in WorkspaceSettings.__dataclass_fields__ if re.search("verify|tls|ssl|secure|cert", name)]
