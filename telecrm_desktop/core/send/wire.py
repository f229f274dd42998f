"""The last step before a request leaves: commit the journal mark, then put the whole request on
the wire at once, with nothing in between that could pause.

httpx (through httpcore) writes a request's head and body separately, and each write first yields
to the event loop. A process killed between the journal's "sending" mark and the body leaving
would leave a lead marked as maybe-sent that telecrm never saw (and a lead with actions is never
sent twice on a guess). So each connection's stream here holds the writes back, and when the body
comes (or a read starts) it runs the request's mark and hands head and body to the socket in one
call, right after the commit: the gap is a few microseconds of plain code.
"""

from __future__ import annotations

import contextvars
import socket
import ssl
from typing import Callable

import httpcore
import httpx

# the mark of the request this task is sending; set by the client around one POST
pending_mark: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar("pending_mark", default=None)
# set by the client's trace hook when httpcore is about to write the body
body_next: contextvars.ContextVar[bool] = contextvars.ContextVar("body_next", default=False)


class MarkFailed(Exception):
    """The journal could not record a request about to leave: it must not leave."""


class NothingSent(Exception):
    """The socket refused the request's first byte (the server had closed the connection)."""


class _MarkingStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream):
        self._inner = inner
        self._held = bytearray()

    async def _flush(self, timeout: float | None) -> None:
        mark = pending_mark.get()
        # a proxy's CONNECT is not the request: the tunnel opens first, the mark waits for the request
        if mark is not None and not self._held.startswith(b"CONNECT "):
            pending_mark.set(None)
            try:
                mark()
            except Exception as exc:
                self._held.clear()
                raise MarkFailed(str(exc)) from exc
        data = bytes(self._held)
        self._held.clear()
        sent = 0
        raw = self._inner.get_extra_info("socket")
        if isinstance(raw, socket.socket) and self._inner.get_extra_info("ssl_object") is None:
            try:  # plain TCP (the loopback sandbox): straight to the kernel, no await in between
                sent = raw.send(data)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError as exc:  # reset or broken pipe: not one byte left
                raise NothingSent(str(exc)) from exc
        if sent < len(data):  # TLS, or a full socket buffer: the ordinary path
            await self._inner.write(data[sent:], timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._held += buffer
        if body_next.get():
            body_next.set(False)
            await self._flush(timeout)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._held:
            await self._flush(timeout)
        return await self._inner.read(max_bytes, timeout)

    async def aclose(self) -> None:
        self._held.clear()
        await self._inner.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        return _MarkingStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _MarkingBackend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return _MarkingStream(await self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _MarkingStream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class TransportShapeError(RuntimeError):
    """The installed httpx no longer keeps its connection pool where this module replaces it."""


def _check_httpx_shape(transport: httpx.AsyncHTTPTransport) -> None:
    """httpx passes no network backend through, so the pool it builds (private `_pool`) is replaced
    by one that takes ours. If an httpx upgrade renames or reshapes that attribute, replacing it would
    silently send without the journal mark's guarantee: refuse to build the transport instead."""
    pool = getattr(transport, "_pool", None)
    uses_pool = "_pool" in httpx.AsyncHTTPTransport.handle_async_request.__code__.co_names
    if not isinstance(pool, httpcore.AsyncConnectionPool) or not uses_pool:
        raise TransportShapeError(
            f"httpx {httpx.__version__} does not keep its connection pool in AsyncHTTPTransport._pool as "
            f"httpx 0.27 to 0.29 do (found {type(pool).__name__}); the sending transport needs it to commit the "
            "journal before a request leaves. Install an httpx version this program was tested with.")


class MarkingTransport(httpx.AsyncHTTPTransport):
    """httpx's transport, with connections whose writes go out as described above; through `proxy`
    (an http:// or https:// proxy URL, tunnelled with CONNECT) when one is given."""

    def __init__(self, *, verify: ssl.SSLContext, limits: httpx.Limits, proxy: str | None = None):
        super().__init__(verify=verify, limits=limits, trust_env=False)
        _check_httpx_shape(self)
        common = dict(
            ssl_context=verify,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=_MarkingBackend(),
        )
        if proxy is None:
            self._pool = httpcore.AsyncConnectionPool(**common)
            return
        spec = httpx.Proxy(url=proxy)
        self._pool = httpcore.AsyncHTTPProxy(
            proxy_url=httpcore.URL(scheme=spec.url.raw_scheme, host=spec.url.raw_host, port=spec.url.port,
                                   target=spec.url.raw_path),
            proxy_auth=spec.raw_auth,
            proxy_headers=spec.headers.raw,
            # an https:// proxy is verified like telecrm itself (httpcore refuses a context for http://)
            proxy_ssl_context=verify if spec.url.scheme == "https" else None,
            **common,
        )
