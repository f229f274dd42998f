"""The client alone: answers classified, addresses checked, and the mark runs before any byte of
the body leaves, with head and body put on the wire together."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest

from telecrm_desktop.core.addresses import check_enterprise_id
from telecrm_desktop.core.send import client as api

ENT = "66f6bc6faf29b5a6f29c9bbf"


class RecordingServer:
    """A raw loopback server: stores what arrives per recv, answers 200 QUEUED once a body is in."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.chunks: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        conn, _ = self.sock.accept()
        data = b""
        while b"}" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            self.chunks.append(chunk)
            data += chunk
        conn.sendall(b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 19\r\n\r\n{"status":"QUEUED"}')
        conn.close()


def test_the_mark_runs_before_the_request_leaves_and_the_request_leaves_whole():
    server = RecordingServer()
    seen_at_mark = []

    async def go():
        http = api.AsyncApiClient(server.url, ENT, max_connections=1)
        try:
            return await http.post_lead("Bearer x", b'{"fields":{"phone":"919800000001"}}',
                                        before_send=lambda: seen_at_mark.append(list(server.chunks)))
        finally:
            await http.aclose()

    answer = asyncio.run(go())
    assert answer.kind == api.AnswerKind.QUEUED
    assert seen_at_mark == [[]]  # nothing had arrived when the mark was committed
    assert server.chunks[0].endswith(b'{"fields":{"phone":"919800000001"}}')  # head and body in one piece


def test_a_failing_mark_keeps_the_request_home():
    server = RecordingServer()

    def broken():
        raise OSError("disk full")

    async def go():
        http = api.AsyncApiClient(server.url, ENT, max_connections=1)
        try:
            return await http.post_lead("Bearer x", b'{"fields":{}}', before_send=broken)
        finally:
            await http.aclose()

    answer = asyncio.run(go())
    assert answer.kind == api.AnswerKind.NOT_SENT and "disk full" in answer.detail
    assert server.chunks == []


def test_nothing_listening_is_not_sent():
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()

    async def go():
        http = api.AsyncApiClient(f"http://127.0.0.1:{port}", ENT, max_connections=1)
        try:
            return await http.post_lead("Bearer x", b"{}", before_send=lambda: None)
        finally:
            await http.aclose()

    assert asyncio.run(go()).kind == api.AnswerKind.NOT_SENT


@pytest.mark.parametrize("value, ok", [
    ("https://next-api.telecrm.in", True), ("https://next-api.telecrm.in/", True),
    ("http://127.0.0.1:8765", True), ("http://localhost:1", True), ("http://[::1]:80", True),
    ("http://next-api.telecrm.in", False), ("http://10.0.0.1", False), ("ftp://x", False), ("", False),
    ("https://user:pw@host", False),
])
def test_base_urls(value, ok):
    if ok:
        assert api.check_base_url(value).startswith(("http://", "https://"))
    else:
        with pytest.raises(ValueError):
            api.check_base_url(value)


def test_enterprise_ids():
    assert check_enterprise_id(" 66F6BC6FAF29B5A6F29C9BBF ") == ENT
    for bad in ("", "66f6bc6faf29b5a6f29c9bb", "66f6bc6faf29b5a6f29c9bbg", "x" * 24):
        with pytest.raises(ValueError, match="not a telecrm enterprise ID"):
            check_enterprise_id(bad)


def test_retry_after_forms():
    assert api.parse_retry_after("3") == 3.0
    assert api.parse_retry_after(None) is None and api.parse_retry_after("soon") is None
    assert 0 <= api.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
