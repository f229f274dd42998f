"""The sandbox server: telecrm's Async endpoint, its Sync schema endpoints and lead/search, on loopback.

HTTP/1.1 with keep-alive, parsed by h11 over asyncio streams, in a background thread with its own
event loop, so tests and the app drive it from ordinary code:

    with SandboxServer(rate_limit=50, window_seconds=2) as sandbox:
        httpx.post(f"{sandbox.base_url}/enterprise/{sandbox.enterprise_id}/autoupdatelead", ...)
        sandbox.state.wait_processed()

Order of checks on the Async endpoint: fault `close_before` -> body size (413) -> latency ->
token (401: unknown, revoked, Sync-typed, or another enterprise ID in the path: a token belongs
to one workspace, so a wrong ID is a 401, never a 404) -> 429 storm ->
rolling window (429) -> fault 5xx -> JSON (400) -> queued -> fault `close_after` / `slow` -> 200.
Background processing (leads.py) runs in a worker task, optionally `processing_delay` seconds
after the answer, as telecrm's queue does.

Over 400 lines: the request path above is one ordered chain of checks, kept readable top to
bottom in one file; the state, replies, faults and Sync API are modules of their own.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import ssl
import threading
import time
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs

import h11

from . import admin, sync_api
from .faults import CLOSE_AFTER, CLOSE_BEFORE, ERROR, OK, SLOW, TOO_MANY, Faults
from .replies import ABORT, Reply, error, not_authorized
from .state import RollingWindow, SandboxState
from .workspace import ASYNC, SandboxToken, Workspace, load_workspace

SYNC_ROOT = "/autoupdate/v2"
_ASYNC_PREFIX, _ASYNC_SUFFIX = "/enterprise/", "/autoupdatelead"


@functools.lru_cache(maxsize=64)
def _status_line(status: int) -> bytes:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return f"HTTP/1.1 {status} {reason}\r\n".encode("ascii")


def _encode(reply: Reply, head_only: bool = False) -> bytes:
    body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
    head = [_status_line(reply.status), b"content-type: application/json\r\n", b"content-length: %d\r\n" % len(body)]
    head += [f"{name}: {value}\r\n".encode("latin-1") for name, value in reply.headers]
    if reply.close:
        head.append(b"connection: close\r\n")
    head.append(b"\r\n")
    return b"".join(head) if head_only else b"".join(head) + body


def _wants_keep_alive(request: h11.Request) -> bool:
    tokens = {t.strip() for name, value in request.headers if name == b"connection" for t in value.lower().split(b",")}
    if request.http_version == b"1.0":
        return b"keep-alive" in tokens
    return b"close" not in tokens


class SandboxServer:
    def __init__(
        self,
        workspace: Workspace | str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: int = 18000,
        window_seconds: float = 3600.0,
        retry_after: float | str | None = None,  # None, seconds, or "auto" (until a slot frees)
        faults: Faults | None = None,
        processing_delay: float = 0.0,
        max_body_bytes: int = 1_000_000,
        keepalive_timeout: float | None = None,  # close connections idle this long (as real servers do)
        tls: "ssl.SSLContext | None" = None,  # serve HTTPS with this server context (office-network tests)
        sync_rate_limit: int | None = None,  # Sync requests per sync_window_seconds per token; None: no limit
        sync_window_seconds: float = 1.0,
        existing_leads: bool = False,  # start with the workspace definition's existing leads
    ):
        self.workspace = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
        self.host = host
        self.port = port
        self.limiter = RollingWindow(rate_limit, window_seconds)
        self.clock = time.monotonic  # the rate limit's clock; tests replace it to step time exactly
        self.retry_after = retry_after
        self.faults = faults or Faults()
        self.processing_delay = processing_delay
        self.max_body_bytes = max_body_bytes
        self.keepalive_timeout = keepalive_timeout
        self.tls = tls
        self.state = SandboxState(self.workspace, existing_leads=existing_leads)
        self.sync_limiter = RollingWindow(sync_rate_limit, sync_window_seconds) if sync_rate_limit else None
        self.sync_script: list[str] = []  # answers for the next lead/search requests: "429", "500", "ok"...
        self.revoke_sync_after: int | None = None  # revoke the Sync token after this many more searches
        self.revoked: set[str] = set()  # token labels
        self._tokens = {t.value: t for t in self.workspace.tokens}
        self._storm_until = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._writers: set = set()
        self._tasks: set = set()

    # -- what clients need ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    @property
    def sync_url(self) -> str:
        return self.base_url + SYNC_ROOT

    @property
    def enterprise_id(self) -> str:
        return self.workspace.enterprise_id

    @property
    def async_tokens(self) -> list[SandboxToken]:
        return self.workspace.tokens_of(ASYNC)

    @property
    def sync_token(self) -> SandboxToken:
        return self.workspace.tokens_of("SYNC")[0]

    def token(self, label: str) -> SandboxToken:
        return next(t for t in self.workspace.tokens if t.label == label)

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> "SandboxServer":
        ready = threading.Event()
        failure: list[BaseException] = []

        def run():
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._startup())
            except BaseException as exc:  # e.g. the port is in use: re-raised in start()
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="telecrm-sandbox", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        if self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = self._thread = None

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    async def _startup(self) -> None:
        await self._listen()  # first: a busy port must leave no task behind
        self._queue: asyncio.Queue = asyncio.Queue()
        self._worker = asyncio.get_running_loop().create_task(self._process_queue())

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._connection, self.host, self.port, reuse_address=True,
                                                  ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close_listener_and_connections(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()

    async def _shutdown(self) -> None:
        tasks = [*self._tasks, self._worker]
        await self._close_listener_and_connections()
        self._worker.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- run-time controls (any thread) ---------------------------------------------------
    def set_faults(self, **changes) -> None:
        self.faults.update(**changes)

    def revoke(self, label: str) -> None:
        self.token(label)  # unknown labels raise StopIteration early
        self.revoked.add(label)

    def restore(self, label: str) -> None:
        self.revoked.discard(label)

    def set_sync_limit(self, limit: int | None, window_seconds: float = 1.0) -> None:
        """Limit Sync requests per token (429 with Retry-After); None lifts the limit."""
        self.sync_limiter = RollingWindow(limit, window_seconds) if limit else None

    def script_sync(self, steps: list[str]) -> None:
        """Answer the next lead/search requests as scripted: "429", a 5xx code, or "ok"."""
        for step in steps:
            if step != "ok" and not (step.isdigit() and (step == "429" or step.startswith("5"))):
                raise ValueError(f'unknown Sync step {step!r}: "ok", "429" or a 5xx code')
        self.sync_script = list(steps)

    def revoke_sync_token_after(self, searches: int | None) -> None:
        """Revoke the Sync token once this many more lead/search requests were answered (for tests)."""
        self.revoke_sync_after = searches

    def storm(self, seconds: float) -> None:
        """Answer every Async request 429 for `seconds` (without counting it)."""
        self._storm_until = self.clock() + seconds

    def go_down(self, seconds: float) -> None:
        """Stop accepting connections and drop open ones; listen again after `seconds`."""
        future = asyncio.run_coroutine_threadsafe(self._down(seconds), self._loop)
        future.result(10)

    async def _down(self, seconds: float) -> None:
        await self._close_listener_and_connections()
        asyncio.get_running_loop().call_later(seconds, lambda: asyncio.ensure_future(self._listen()))

    # -- connections ---------------------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # h11 parses each request (a fresh parser per request, fed what the last one left over);
        # answers are written directly, which halves the per-request cost of going through h11.
        task = asyncio.current_task()
        self._tasks.add(task)
        self._writers.add(writer)
        leftover = b""
        try:
            while True:
                conn = h11.Connection(h11.SERVER)
                if leftover:
                    conn.receive_data(leftover)
                try:
                    event = await asyncio.wait_for(self._next_event(conn, reader), self.keepalive_timeout)
                except asyncio.TimeoutError:
                    return  # idle too long: close, as a real server does
                if not isinstance(event, h11.Request):
                    return
                try:
                    reply = await self._answer(conn, reader, event)
                except (ConnectionError, h11.ProtocolError, asyncio.CancelledError):
                    raise
                except Exception as exc:  # a sandbox bug: show it as a 500 rather than a silent close
                    reply = error(500, "SANDBOX_BUG", repr(exc), close=True)
                if reply is ABORT:
                    writer.transport.abort()
                    return
                keep_alive = not reply.close and conn.their_state is h11.DONE and _wants_keep_alive(event)
                if not keep_alive:
                    reply.close = True
                writer.write(_encode(reply, head_only=event.method == b"HEAD"))
                await writer.drain()
                if not keep_alive:
                    return
                leftover = conn.trailing_data[0]
        except h11.RemoteProtocolError as exc:
            try:
                writer.write(_encode(error(exc.error_status_hint, "BAD_REQUEST", str(exc), close=True)))
                await writer.drain()
            except Exception:
                pass
        except (ConnectionError, asyncio.CancelledError, h11.LocalProtocolError):
            pass
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            writer.close()

    @staticmethod
    async def _next_event(conn: h11.Connection, reader: asyncio.StreamReader):
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            conn.receive_data(await reader.read(65536))

    async def _read_body(self, conn, reader) -> bytes | None:
        """The request body, or None when it is larger than max_body_bytes."""
        chunks, size = [], 0
        while True:
            event = await self._next_event(conn, reader)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > self.max_body_bytes:
                    return None
                chunks.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return b"".join(chunks)
            else:
                raise ConnectionError("the connection closed inside a request")

    async def _answer(self, conn, reader, request: h11.Request):
        self.state.record_received()
        method = request.method.decode("ascii")
        target = request.target.decode("latin-1")
        path, _, query = target.partition("?")
        headers = dict(request.headers)
        is_async = path.startswith(_ASYNC_PREFIX) and path.endswith(_ASYNC_SUFFIX)
        fault, status = self.faults.draw() if is_async else (OK, None)
        if fault == CLOSE_BEFORE:
            self.state.record_answer(None, "closed")
            return ABORT
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            return error(413, "PAYLOAD_TOO_LARGE", f"The body is larger than {self.max_body_bytes} bytes.", close=True)
        body = await self._read_body(conn, reader)
        if body is None:
            return error(413, "PAYLOAD_TOO_LARGE", f"The body is larger than {self.max_body_bytes} bytes.", close=True)
        if is_async:
            if method != "POST":
                return error(405, "METHOD_NOT_ALLOWED", "Use POST.")
            enterprise = path[len(_ASYNC_PREFIX) : -len(_ASYNC_SUFFIX)]
            return await self._autoupdatelead(enterprise, headers, body, fault, status)
        query_args = {k: v[-1] for k, v in parse_qs(query).items()}
        if path.startswith(SYNC_ROOT + "/"):
            token = self._token_for(headers, "SYNC", path[len(SYNC_ROOT) :])
            if token is None:
                if path.endswith("/lead/search"):
                    self.state.record_search(body, 401)
                return not_authorized()
            refusal = self._sync_gate(token, path)
            if refusal is not None:
                if path.endswith("/lead/search"):
                    self.state.record_search(body, refusal.status)
                return refusal
            reply = sync_api.answer(self, method, path[len(SYNC_ROOT) :], query_args, body)
            if path.endswith("/lead/search"):
                self.state.record_search(body, reply.status)
                if reply.status == 200 and self.revoke_sync_after is not None:
                    self.revoke_sync_after -= 1
                    if self.revoke_sync_after <= 0:
                        self.revoke_sync_after = None
                        self.revoked.add(token.label)
            return reply
        if path.startswith(admin.ROOT + "/"):
            return admin.answer(self, method, path[len(admin.ROOT) :], query_args, body)
        if path == "/" and method == "GET":
            return Reply(200, {
                "sandbox": self.workspace.name,
                "enterprise_id": self.enterprise_id,
                "async_endpoint": f"/enterprise/{self.enterprise_id}/autoupdatelead",
                "sync_root": SYNC_ROOT,
                "admin": admin.ROOT + "/state",
            })
        return error(404, "NOT_FOUND", f"No endpoint {method} {path}.")

    def _token_for(self, headers: dict, type_: str, path: str) -> SandboxToken | None:
        """The valid token of `type_` for the enterprise named in `path` ("/enterprise/{id}/..."), else None."""
        auth = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, value = auth.partition(" ")
        token = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or token.type != type_ or token.label in self.revoked:
            return None
        parts = path.split("/")
        if len(parts) < 3 or parts[1] != "enterprise" or parts[2] != self.workspace.enterprise_id:
            return None
        return token

    def _sync_gate(self, token: SandboxToken, path: str) -> Reply | None:
        """The Sync rate limit (429 with Retry-After, until a slot frees) and scripted lead/search faults."""
        if path.endswith("/lead/search") and self.sync_script:
            step = self.sync_script.pop(0)
            if step == "429":
                return error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded.", [("retry-after", "1")])
            if step != "ok":
                return error(int(step), "INTERNAL_ERROR", "Something went wrong.")
        if self.sync_limiter is not None:
            wait = self.sync_limiter.admit(token.label, time.monotonic())
            if wait is not None:
                return error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded.",
                             [("retry-after", str(max(1, math.ceil(wait))))])
        return None

    def _retry_after_header(self, wait: float) -> list:
        if self.retry_after is None:
            return []
        seconds = wait if self.retry_after == "auto" else float(self.retry_after)
        return [("retry-after", str(max(1, math.ceil(seconds))))]

    async def _autoupdatelead(self, enterprise: str, headers: dict, body: bytes, fault: str, status):
        delay = self.faults.delay()
        if delay > 0:
            await asyncio.sleep(delay)
        token = self._token_for(headers, ASYNC, f"/enterprise/{enterprise}/")
        if token is None:
            self.state.record_answer(None, 401)
            return not_authorized()
        label = token.label
        now = self.clock()
        wait = self._storm_until - now if now < self._storm_until else None
        if wait is None and fault == TOO_MANY:
            wait = 1.0
        if wait is None:
            wait = self.limiter.admit(label, now)
            if wait is None:
                self.state.record_accepted(label, now)
        if wait is not None:
            self.state.record_answer(label, 429)
            return error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded.", self._retry_after_header(wait))
        if fault == ERROR:
            self.state.record_answer(label, status)
            return error(status, "INTERNAL_ERROR", "Something went wrong.")
        try:
            lead = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            self.state.record_answer(label, 400)
            return error(400, "BAD_REQUEST", "The body is not JSON.")
        if not isinstance(lead, dict):
            self.state.record_answer(label, 400)
            return error(400, "BAD_REQUEST", "The body must be a JSON object.")
        self._queue.put_nowait((lead, label, now))
        self.state.record_queued()
        if fault == CLOSE_AFTER:
            self.state.record_answer(label, "closed")
            return ABORT
        if fault == SLOW:
            await asyncio.sleep(self.faults.slow_seconds)
        self.state.record_answer(label, 200)
        return Reply(200, {"status": "QUEUED"})

    async def _process_queue(self) -> None:
        while True:
            lead, label, received = await self._queue.get()
            if self.processing_delay > 0:
                wait = received + self.processing_delay - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            self.state.process(lead, label)
