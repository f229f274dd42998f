"""Office networks: a CONNECT proxy on loopback and a company root certificate made at test time
(trustme), trusted the way an OS store is (SSL_CERT_FILE, which OpenSSL and truststore read), never
through an httpx argument. The journal's crash safety holds through the proxy: a kill -9 mid-run
and the same command again lose and double nothing."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time

import httpx
import pytest

trustme = pytest.importorskip("trustme")

from telecrm_desktop.core.network import NetworkSettings, NetworkSettingsError, proxy_for, tls_context  # noqa: E402
from telecrm_desktop.core.send import wire  # noqa: E402
from telecrm_desktop.sandbox import SandboxServer  # noqa: E402
from tests.send.connect_proxy import ConnectProxy  # noqa: E402
from tests.send.conftest import LIMIT, WINDOW, fast_settings, lead_states, make_run, send  # noqa: E402
from tests.send.test_cli_send import MAPPING, write_sheet  # noqa: E402


@pytest.fixture
def company_ca(tmp_path):
    ca = trustme.CA(organization_name="Example Corp inspection root")
    path = tmp_path / "company-root.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, path


@pytest.fixture
def tls_sandbox(company_ca):
    ca, _ = company_ca
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = SandboxServer(rate_limit=LIMIT, window_seconds=WINDOW, tls=context).start()
    yield server
    server.stop()


@pytest.fixture
def proxy():
    p = ConnectProxy()
    yield p
    p.close()


def cli_env(tmp_path, sandbox, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k.upper() not in (
        "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR")}
    env.update({
        "TELECRM_DESKTOP_HOME": str(tmp_path / "home"),
        "TELECRM_ASYNC_TOKENS": ",".join(t.value for t in sandbox.async_tokens),
        "TELECRM_RATE_WINDOW_SECONDS": str(WINDOW),
    })
    env.update(extra)
    return env


def cli_args(tmp_path, sandbox, *extra) -> list[str]:
    mapping = tmp_path / "leads.mapping.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    return [sys.executable, "-m", "telecrm_desktop.cli", "send", str(tmp_path / "leads.csv"), "--mapping",
            str(mapping), "--enterprise", sandbox.enterprise_id, "--base-url", sandbox.base_url,
            "--rate-per-hour", str(LIMIT), *extra]


@pytest.mark.slow
def test_send_through_a_connect_proxy_trusting_the_os_store_survives_a_kill(tmp_path, tls_sandbox, proxy, company_ca):
    _, ca_file = company_ca
    valid = write_sheet(tmp_path / "leads.csv", 60, invalid=False)
    env = cli_env(tmp_path, tls_sandbox, SSL_CERT_FILE=str(ca_file), HTTPS_PROXY=proxy.url, NO_PROXY="",
                  TELECRM_PROXY=proxy.url)
    state = tls_sandbox.state
    args = cli_args(tmp_path, tls_sandbox)
    killer = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while state.queued < 20 and killer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(killer.pid, signal.SIGKILL)
    assert killer.wait() == -signal.SIGKILL, killer.stderr.read().decode()
    assert 20 <= state.queued < 60, state.summary()

    done = subprocess.run(args + ["--report", str(tmp_path / "r.csv")], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert state.wait_processed()
    assert state.doubled_actions() == []
    assert sorted(set(valid) - set(state.leads())) == []
    target = f"127.0.0.1:{tls_sandbox.port}"
    assert proxy.tunnels and set(proxy.tunnels) == {target}  # every connection went through the proxy
    assert proxy.refused == []


def test_a_company_root_not_in_the_store_sends_nothing(tmp_path, tls_sandbox, proxy, monkeypatch):
    """Verification is never off: without the company root in the store, no request leaves, and
    the leads' reason says what to do."""
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    journal = tmp_path / "journal.sqlite3"
    run_id = make_run(journal, tls_sandbox.enterprise_id, 4)
    settings = fast_settings(network=NetworkSettings(proxy=proxy.url), unreachable_limit=0.5)
    summary = send(journal, run_id, tls_sandbox, settings=settings)
    assert summary.stopped == "unreachable"
    assert tls_sandbox.state.summary()["received"] == 0
    assert proxy.tunnels  # it got as far as the tunnel, and no further
    assert {s for s, _ in lead_states(journal, run_id).values()} == {"pending"}


def test_the_ca_file_setting_is_trusted_in_addition_to_the_store(tmp_path, tls_sandbox, proxy, company_ca, monkeypatch):
    _, ca_file = company_ca
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    run_id = make_run(tmp_path / "journal.sqlite3", tls_sandbox.enterprise_id, 8)
    settings = fast_settings(network=NetworkSettings(proxy=proxy.url, ca_file=str(ca_file)))
    summary = send(tmp_path / "journal.sqlite3", run_id, tls_sandbox, settings=settings)
    assert summary.counts == {"queued": 8}
    assert {s for s, _ in lead_states(tmp_path / "journal.sqlite3", run_id).values()} == {"queued"}
    assert set(proxy.tunnels) == {f"127.0.0.1:{tls_sandbox.port}"}


def test_a_ca_file_that_is_not_a_certificate_is_one_sentence(tmp_path):
    bad = tmp_path / "root.pem"
    bad.write_text("not a certificate", encoding="utf-8")
    with pytest.raises(NetworkSettingsError, match="root.pem cannot be used"):
        tls_context(NetworkSettings(ca_file=str(bad)))
    assert tls_context().verify_mode == ssl.CERT_REQUIRED and tls_context().check_hostname


def test_proxies_come_from_the_setting_then_the_environment_with_no_proxy(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    url = "https://next-api.telecrm.in/enterprise/x/autoupdatelead"
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    monkeypatch.setenv("NO_PROXY", "intranet.example,.corp.example")
    assert proxy_for(url) == "http://proxy.corp.example:3128"
    assert proxy_for("https://wiki.corp.example/") is None
    assert proxy_for(url, NetworkSettings(proxy="other.example:8080")) == "http://other.example:8080"
    with pytest.raises(NetworkSettingsError):
        proxy_for(url, NetworkSettings(proxy="ftp://x"))


def test_the_transport_refuses_an_httpx_whose_pool_moved(monkeypatch):
    """wire.py replaces httpx's private pool; an httpx that keeps it elsewhere is a clear error."""
    original = httpx.AsyncHTTPTransport.__init__

    def moved(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self._connection_pool = self.__dict__.pop("_pool")

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "__init__", moved)
    with pytest.raises(wire.TransportShapeError, match="AsyncHTTPTransport._pool"):
        wire.MarkingTransport(verify=tls_context(), limits=httpx.Limits(max_connections=1))
    monkeypatch.setattr(httpx.AsyncHTTPTransport, "__init__", original)
    wire.MarkingTransport(verify=tls_context(), limits=httpx.Limits(max_connections=1))  # today's httpx fits


def test_the_existing_lead_lookup_takes_the_same_proxy_and_certificates(tls_sandbox, proxy, company_ca, monkeypatch):
    """The Sync lookup of existing leads goes through the proxy and trusts the company root as sending
    does (it once built its own client: certifi's list and the environment's proxy only)."""
    from telecrm_desktop.core.secrets import SYNC, Token
    from telecrm_desktop.core.workspace.lookup import LeadLookup
    from telecrm_desktop.core.workspace.lookup_record import LookupRecord

    _, ca_file = company_ca
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    token = Token("sync-1", SYNC, tls_sandbox.sync_token.value)
    lookup = LeadLookup(tls_sandbox.sync_url, tls_sandbox.enterprise_id, token, "phone",
                        network=NetworkSettings(proxy=proxy.url, ca_file=str(ca_file)))
    summary = lookup.run(["919800000001", "919800000002"], LookupRecord.in_memory(), 0)
    assert summary.looked_up == 2 and lookup.requests == 1
    assert set(proxy.tunnels) == {f"127.0.0.1:{tls_sandbox.port}"}
