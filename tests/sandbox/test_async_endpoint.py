"""The Async endpoint's answers: QUEUED, token checks, bad bodies, keep-alive."""

import time

import httpx
import pytest

from telecrm_desktop.sandbox import SandboxServer

LEAD = {"fields": {"phone": "919876543210", "name": "Asha"}}


def test_valid_async_token_is_queued_and_processed(talk):
    r = talk.post(LEAD)
    assert r.status_code == 200
    assert r.json() == {"status": "QUEUED"}
    state = talk.processed()
    assert state.lead("9876543210").fields == {"phone": "919876543210", "name": "Asha"}
    assert state.accepted_times("sandbox-async-1") and state.count(200) == 1


@pytest.mark.parametrize("label", ["sandbox-async-1", "sandbox-async-2", "sandbox-async-3"])
def test_every_async_token_works(talk, label):
    assert talk.post(LEAD, label=label).status_code == 200


def _expect_401(response, sandbox):
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "NOT_AUTHORIZED"
    assert all(t.value not in response.text for t in sandbox.workspace.tokens)


def test_sync_token_unknown_token_and_no_token_get_401(talk, sandbox):
    _expect_401(talk.post(LEAD, label="sandbox-sync"), sandbox)
    _expect_401(talk.http.post(talk.async_url, json=LEAD, headers={"Authorization": "Bearer nope"}), sandbox)
    _expect_401(talk.http.post(talk.async_url, json=LEAD), sandbox)
    token = sandbox.token("sandbox-async-1").value
    _expect_401(talk.http.post(talk.async_url, json=LEAD, headers={"Authorization": token}), sandbox)
    assert talk.processed().queued == 0


def test_a_token_of_this_workspace_on_another_enterprise_gets_401(talk, sandbox):
    url = f"{sandbox.base_url}/enterprise/{'a' * 24}/autoupdatelead"
    r = talk.http.post(url, json=LEAD, headers={"Authorization": f"Bearer {sandbox.token('sandbox-async-1').value}"})
    _expect_401(r, sandbox)


def test_revoked_token_gets_401_until_restored(talk, sandbox):
    sandbox.revoke("sandbox-async-2")
    _expect_401(talk.post(LEAD, label="sandbox-async-2"), sandbox)
    assert talk.post(LEAD, label="sandbox-async-1").status_code == 200
    sandbox.restore("sandbox-async-2")
    assert talk.post(LEAD, label="sandbox-async-2").status_code == 200


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b""])
def test_body_that_is_not_a_json_object_is_a_400(talk, body):
    r = talk.post(body)
    assert r.status_code == 400
    assert "error" in r.json()
    assert talk.processed().queued == 0


def test_body_over_the_size_limit_is_a_413_and_not_queued():
    with SandboxServer(max_body_bytes=2000) as sandbox:
        token = sandbox.token("sandbox-async-1").value
        url = f"{sandbox.base_url}/enterprise/{sandbox.enterprise_id}/autoupdatelead"
        big = {"fields": {"phone": "919876543210", "name": "x" * 5000}}
        with httpx.Client() as http:
            r = http.post(url, json=big, headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 413
            # streamed without a Content-Length: the size is counted while reading
            chunks = iter([b'{"fields": {"phone": "919876543210", "name": "', b"y" * 3000, b'"}}'])
            r = http.post(url, content=chunks, headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 413
            assert http.post(url, json=LEAD, headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert sandbox.state.wait_processed(5) and sandbox.state.queued == 1


def test_wrong_method_and_unknown_path(talk, sandbox):
    headers = {"Authorization": f"Bearer {sandbox.token('sandbox-async-1').value}"}
    assert talk.http.get(talk.async_url, headers=headers).status_code == 405
    assert talk.http.post(f"{sandbox.base_url}/enterprise/x/other", headers=headers).status_code == 404


def test_keep_alive_serves_many_requests_on_one_connection(sandbox):
    url = f"{sandbox.base_url}/enterprise/{sandbox.enterprise_id}/autoupdatelead"
    headers = {"Authorization": f"Bearer {sandbox.token('sandbox-async-1').value}"}
    connects = []

    def trace(name, info):
        if name == "connection.connect_tcp.complete":
            connects.append(name)

    with httpx.Client(limits=httpx.Limits(max_connections=1)) as http:
        for n in range(20):
            r = http.post(url, json={"fields": {"phone": f"91987654{n:04d}"}}, headers=headers,
                          extensions={"trace": trace})
            assert r.status_code == 200
    assert len(connects) == 1  # one TCP connection for 20 requests
    assert sandbox.state.wait_processed(5) and len(sandbox.state.leads()) == 20


def test_malformed_http_gets_a_400_not_a_hang(sandbox):
    import socket

    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400")


def test_idle_keep_alive_connections_are_closed_when_asked():
    with SandboxServer(keepalive_timeout=0.2) as sandbox:
        url = f"{sandbox.base_url}/enterprise/{sandbox.enterprise_id}/autoupdatelead"
        headers = {"Authorization": f"Bearer {sandbox.token('sandbox-async-1').value}"}
        connects = []

        def trace(name, info):
            if name == "connection.connect_tcp.complete":
                connects.append(name)

        with httpx.Client(limits=httpx.Limits(max_connections=1)) as http:
            for pause in (0, 0.05, 0.4):
                time.sleep(pause)
                assert http.post(url, json=LEAD, headers=headers, extensions={"trace": trace}).status_code == 200
        assert len(connects) == 2  # reused after 0.05 s, a new connection after 0.4 s


def test_root_says_what_this_is(talk, sandbox):
    body = talk.http.get(sandbox.base_url + "/").json()
    assert body["enterprise_id"] == sandbox.enterprise_id
    assert body["async_endpoint"] == f"/enterprise/{sandbox.enterprise_id}/autoupdatelead"


def test_a_sandbox_bug_is_answered_500_not_a_silent_close(talk, sandbox, monkeypatch):
    from telecrm_desktop.sandbox import sync_api

    def broken(*args):
        raise KeyError("oops")

    monkeypatch.setattr(sync_api, "answer", broken)
    r = talk.sync_get("metadata")
    assert r.status_code == 500 and r.json()["error"]["code"] == "SANDBOX_BUG"
    assert talk.post(LEAD).status_code == 200  # the server keeps serving


def _raw_request(sandbox, phone: str, extra: str = "", version: str = "1.1") -> bytes:
    body = ('{"fields": {"phone": "%s"}}' % phone).encode()
    token = sandbox.token("sandbox-async-1").value
    return (
        f"POST /enterprise/{sandbox.enterprise_id}/autoupdatelead HTTP/{version}\r\nHost: sandbox\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


def _read_all(sock) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_pipelined_requests_connection_close_and_http_1_0(sandbox):
    import socket

    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(_raw_request(sandbox, "919800000001") + _raw_request(sandbox, "919800000002")
                     + _raw_request(sandbox, "919800000003", "Connection: close\r\n"))
        answers = _read_all(sock)  # the server closes after the third
    assert answers.count(b"HTTP/1.1 200 OK\r\n") == 3
    assert answers.count(b"connection: close\r\n") == 1
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(_raw_request(sandbox, "919800000004", version="1.0"))
        assert _read_all(sock).startswith(b"HTTP/1.1 200 OK\r\n")  # and closed: HTTP/1.0 without keep-alive
    assert sandbox.state.wait_processed(5) and len(sandbox.state.leads()) == 4
