"""The HTTP side of sending: one POST per lead to telecrm's Async endpoint, and what its answer means.

The classification decides whether a lead may be sent again: an error raised before any byte left
(connection refused, connect timeout, no free connection) is always safe to retry; one raised after
the request may have been read (read timeout, connection closed, broken write) means the lead may
have reached telecrm, so a lead with actions must not be sent again without being asked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import ssl
from dataclasses import dataclass
from enum import StrEnum
from typing import Callable

import httpx

from telecrm_desktop.core.addresses import check_api_root, check_enterprise_id
from telecrm_desktop.core.network import NetworkSettings, client_proxy, tls_context
from telecrm_desktop.core.quoting import shortened
from telecrm_desktop.core.send import wire

DEFAULT_BASE_URL = "https://next-api.telecrm.in"
# the sandbox on this computer: an office proxy from the environment cannot reach it



class AnswerKind(StrEnum):
    """What telecrm's answer (or its absence) means; send/answers.py decides what follows."""

    QUEUED = "queued"
    RATE_LIMITED = "rate_limited"
    UNAUTHORIZED = "unauthorized"
    REJECTED = "rejected"  # other 4xx: sending it again will not help
    SERVER_ERROR = "server_error"  # 5xx: retry later
    NOT_SENT = "not_sent"  # nothing reached the server: always safe to retry
    NO_ANSWER = "no_answer"  # the request may have reached telecrm, no answer came


@dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    detail: str  # a phrase for `reason`, e.g. 'telecrm answered 400: {"error": ...}'
    status_code: int | None = None
    retry_after: float | None = None  # seconds, from a Retry-After header


def check_base_url(value: str) -> str:
    """The Async API root: https, or http only to this computer (the sandbox)."""
    return check_api_root(value, example=DEFAULT_BASE_URL, name="API root")


def endpoint(base_url: str, enterprise_id: str) -> str:
    return f"{base_url.rstrip('/')}/enterprise/{enterprise_id}/autoupdatelead"


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


def classify_response(response: httpx.Response) -> Answer:
    code = response.status_code
    text = shortened(response.text)
    if 200 <= code < 300:
        try:
            status = response.json().get("status")
        except (ValueError, AttributeError):
            status = None
        detail = "telecrm answered QUEUED" if status == "QUEUED" else f"telecrm answered {code}: {text}"
        return Answer(AnswerKind.QUEUED, detail, code)
    if code == 429:
        return Answer(AnswerKind.RATE_LIMITED, f"telecrm answered 429 (too many requests): {text}", code,
                      parse_retry_after(response.headers.get("retry-after")))
    if code == 401:
        return Answer(AnswerKind.UNAUTHORIZED, f"telecrm refused the token (401): {text}", code)
    if 500 <= code:
        return Answer(AnswerKind.SERVER_ERROR, f"telecrm answered {code}: {text}", code)
    return Answer(AnswerKind.REJECTED, f"telecrm answered {code}: {text}", code)


def _untrusted_certificate(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ssl.SSLCertVerificationError):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def classify_error(exc: httpx.HTTPError) -> Answer:
    name = type(exc).__name__
    untrusted = _untrusted_certificate(exc)
    if untrusted is not None:  # nothing left; verification is never switched off, so say what to do
        return Answer(AnswerKind.NOT_SENT, f"telecrm's certificate is not trusted by this computer ({untrusted.verify_message}); "
                                "behind a company proxy that inspects HTTPS, add the company's root certificate "
                                "to the network settings")
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)):
        return Answer(AnswerKind.NOT_SENT, f"could not connect to telecrm ({name})")
    if isinstance(exc, httpx.ReadTimeout):
        return Answer(AnswerKind.NO_ANSWER, "no answer from telecrm within the time limit (read timeout)")
    # RemoteProtocolError, ReadError, WriteError, WriteTimeout, ...: the request may have been read.
    # A pooled keep-alive connection closed by the server before reading looks the same: stay careful.
    return Answer(AnswerKind.NO_ANSWER, f"the connection to telecrm broke before an answer came ({name})")


class AsyncApiClient:
    """Posts request bodies to one workspace's Async endpoint over reused HTTPS connections.

    One small httpx client per connection ("lane"), handed out to one request at a time: httpx's
    shared pool spends time quadratic in its size looking for an idle connection, which capped
    the rate at a few hundred requests a second; lanes keep every request O(1).
    """

    def __init__(
        self,
        base_url: str,
        enterprise_id: str,
        *,
        max_connections: int = 30,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        network: NetworkSettings | None = None,
    ):
        self.url = endpoint(check_base_url(base_url), check_enterprise_id(enterprise_id))
        self._url = httpx.URL(self.url)  # parsed once: httpx parses a string on every request
        tls = tls_context(network)  # verification on, always: tokens travel in these requests
        proxy = client_proxy(self.url, network)
        timeout = httpx.Timeout(connect=connect_timeout, read=read_timeout, write=connect_timeout, pool=connect_timeout)
        self._lanes: asyncio.LifoQueue[httpx.AsyncClient] = asyncio.LifoQueue()
        self._all: list[httpx.AsyncClient] = []
        for _ in range(max(1, max_connections)):
            lane = httpx.AsyncClient(
                transport=wire.MarkingTransport(
                    verify=tls, proxy=proxy,
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=4.0)),
                timeout=timeout, follow_redirects=False,
                headers={"Content-Type": "application/json", "Accept": "application/json"},
            )
            self._all.append(lane)
            self._lanes.put_nowait(lane)

    async def post_lead(self, authorization: str, body: bytes, before_send: Callable[[], None] | None = None) -> Answer:
        """POST one body. `authorization` is the full header value ("Bearer ..."); never logged or kept.

        `before_send` runs right before the request goes on the wire, head and body at once
        (see wire.py): the engine commits its journal mark there. telecrm can act on a request only
        once its whole body has arrived, so an error before that point is known to be harmless.
        """
        written = False

        def mark() -> None:
            nonlocal written
            before_send()
            written = True

        async def trace(name: str, info: dict) -> None:
            if name == "http11.send_request_body.started":
                wire.body_next.set(True)

        lane = await self._lanes.get()  # the most recently used first: its connection is warm
        wire.pending_mark.set(mark if before_send else None)
        wire.body_next.set(False)
        try:
            response = await lane.post(self._url, content=body, headers={"Authorization": authorization},
                                       extensions={"trace": trace})
        except wire.MarkFailed as exc:
            return Answer(AnswerKind.NOT_SENT, f"not sent: the journal could not record it ({exc})")
        except wire.NothingSent as exc:
            return Answer(AnswerKind.NOT_SENT, f"the connection to telecrm was closed before the request left ({exc})")
        except httpx.HTTPError as exc:
            answer = classify_error(exc)
            if before_send is not None and not written:  # failed before the request left
                return Answer(AnswerKind.NOT_SENT, answer.detail)
            return answer
        finally:
            wire.pending_mark.set(None)
            self._lanes.put_nowait(lane)
        return classify_response(response)

    async def aclose(self) -> None:
        for lane in self._all:
            await lane.aclose()


def canonical_body(body: dict) -> bytes:
    """The exact bytes sent for a request body; equal bodies give equal bytes (and hashes)."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
