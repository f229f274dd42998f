"""The Sync client over real HTTP: the sandbox for the documented answers, a raw loopback server
for failures the sandbox does not stage on its Sync side."""

from __future__ import annotations

import json
import time

import pytest

from telecrm_desktop.core.secrets import SYNC, Token
from telecrm_desktop.core.workspace.sync_client import SyncClient, SyncError, SyncTokenRefused, check_sync_url
from telecrm_desktop.sandbox import load_workspace

from .conftest import http_reply

WORKSPACE = load_workspace()


def test_metadata_fields_actions_pipeline(client, sandbox):
    assert client.metadata()["leadIdentifierFieldId"] == "phone"
    fields = client.custom_fields(detail=True)
    assert [f["apiName"] for f in fields] == list(WORKSPACE.fields)
    source = next(f for f in fields if f["apiName"] == "contact_source")
    assert {"id", "label"} <= set(source["options"][0])  # the detail form
    actions = client.custom_actions(detail=True)
    assert {a["code"] for a in actions} == set(WORKSPACE.actions)
    assert all("fieldSchema" in a and "allowPredatedActivity" in a for a in actions)
    plain = client.custom_actions(detail=False)
    assert all("fieldSchema" not in a for a in plain)
    assert client.lead_stage_pipeline()["leadStages"]


def test_team_members_reads_every_page(client):
    members = client.team_members()
    assert len(WORKSPACE.members) > 20  # several pages of 10
    assert [m["email"] for m in members] == [m["email"] for m in WORKSPACE.members]


def test_an_async_token_is_refused_by_label_and_never_shown(sandbox):
    value = sandbox.async_tokens[0].value
    token = Token("office-async", SYNC, value)
    with SyncClient(sandbox.sync_url, sandbox.enterprise_id, token) as client:
        with pytest.raises(SyncTokenRefused) as caught:
            client.metadata()
    message = str(caught.value)
    assert 'telecrm refused the Sync token "office-async" (401' in message
    assert value not in message and value[-12:] not in message
    assert caught.value.status_code == 401


def test_error_envelope_becomes_one_sentence(client):
    with pytest.raises(SyncError) as caught:
        client._json("GET", "no-such-endpoint")
    assert caught.value.status_code == 404 and caught.value.code == "NOT_FOUND"
    assert str(caught.value).startswith("telecrm's Sync API answered no-such-endpoint with 404 (NOT_FOUND: ")
    assert "\n" not in str(caught.value)


def test_search_limit_is_checked_before_sending(client):
    with pytest.raises(ValueError):
        client.search_leads({"phone": ["919876543210"]}, limit=101)


def test_search_pages_through_every_match(sandbox, client):
    http_token = sandbox.async_tokens[0].value
    import httpx

    with httpx.Client() as http:
        for n in range(7):
            body = {"fields": {"phone": f"91987650{n:04d}", "city": "Pune"}}
            r = http.post(f"{sandbox.base_url}/enterprise/{sandbox.enterprise_id}/autoupdatelead",
                          json=body, headers={"Authorization": f"Bearer {http_token}"})
            assert r.status_code == 200
    assert sandbox.state.wait_processed(5)
    phones = [f"91987650{n:04d}" for n in range(7)]
    found = client.search_leads({"phone": phones}, limit=3)  # three pages
    assert sorted(lead["fields"]["phone"] for lead in found) == phones


@pytest.mark.parametrize("url", ["http://example.com/autoupdate/v2", "ftp://127.0.0.1/x", "next.telecrm.in",
                                 "https://next.telecrm.in/v2?x=1"])
def test_sync_url_refuses_unencrypted_and_malformed(url):
    with pytest.raises(ValueError, match="^\""):
        check_sync_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/autoupdate/v2/", "http://localhost:1/x",
                                 "http://[::1]:9/x", "https://next.telecrm.in/autoupdate/v2"])
def test_sync_url_allows_https_and_loopback(url):
    assert check_sync_url(url) == url.rstrip("/")


def test_enterprise_id_is_checked(sync_token):
    with pytest.raises(ValueError, match="not a telecrm enterprise ID"):
        SyncClient("https://next.telecrm.in/autoupdate/v2", "1234", sync_token)


def test_5xx_is_retried_then_succeeds(raw_server, sync_token):
    server = raw_server([http_reply(503, b'{"error":{"code":"UNAVAILABLE","message":"busy"}}'),
                         http_reply(200, b'{"name":"W","id":"x","leadIdentifierFieldId":"email"}')])
    with SyncClient(server.url, "a" * 24, sync_token, retry_wait=0.01) as client:
        assert client.metadata()["leadIdentifierFieldId"] == "email"
    assert server.requests == 2


def test_5xx_that_persists_names_the_answer(raw_server, sync_token):
    server = raw_server([http_reply(502, b'{"error":{"code":"BAD_GATEWAY","message":"upstream down"}}')])
    with SyncClient(server.url, "a" * 24, sync_token, retries=1, retry_wait=0.01) as client:
        with pytest.raises(SyncError, match=r"answered metadata with 502 \(BAD_GATEWAY: upstream down\); "
                                            r"telecrm had a problem"):
            client.metadata()
    assert server.requests == 2


def test_silence_is_a_timeout(raw_server, sync_token):
    server = raw_server([None])
    started = time.monotonic()
    with SyncClient(server.url, "a" * 24, sync_token, read_timeout=0.3, retries=0) as client:
        with pytest.raises(SyncError, match="did not answer metadata within 0.3 seconds"):
            client.metadata()
    assert time.monotonic() - started < 3


def test_html_instead_of_json_points_at_the_url(raw_server, sync_token):
    server = raw_server([http_reply(200, b"<html>login</html>", "text/html")])
    with SyncClient(server.url, "a" * 24, sync_token) as client:
        with pytest.raises(SyncError, match="not a JSON object.*is telecrm's Sync API address"):
            client.metadata()


def test_a_list_missing_from_the_answer_is_an_error(raw_server, sync_token):
    server = raw_server([http_reply(200, json.dumps({"fields": []}).encode())])
    with SyncClient(server.url, "a" * 24, sync_token) as client:
        with pytest.raises(SyncError, match='without the list "customFields"'):
            client.custom_fields()


def test_nothing_listening(sync_token):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the request
    with SyncClient(f"http://127.0.0.1:{port}", "a" * 24, sync_token, retries=0) as client:
        with pytest.raises(SyncError, match=r"could not reach telecrm's Sync API at http://127.0.0.1:\d+ \(ConnectError\)"):
            client.metadata()


def test_a_server_ignoring_paging_is_read_once(raw_server, sync_token):
    everyone = {"data": [{"email": f"m{n}@x.com", "status": "Active"} for n in range(12)]}
    server = raw_server([http_reply(200, json.dumps(everyone).encode())])
    with SyncClient(server.url, "a" * 24, sync_token) as client:
        assert len(client.team_members()) == 12
    assert server.requests == 1


def test_a_server_ignoring_skip_is_not_read_forever(raw_server, sync_token):
    first_ten = {"data": [{"email": f"m{n}@x.com"} for n in range(10)]}
    server = raw_server([http_reply(200, json.dumps(first_ten).encode())])
    with SyncClient(server.url, "a" * 24, sync_token) as client:
        assert len(client.team_members()) == 10
    assert server.requests == 2
