"""An answer of the sandbox before it is encoded: status, JSON body, extra headers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Reply:
    status: int
    body: object = None  # JSON-able, or bytes
    headers: list = field(default_factory=list)
    close: bool = False  # send "Connection: close" and end the connection


ABORT = object()  # close the connection without an answer


def error(status: int, code: str, message: str, headers=None, close=False) -> Reply:
    """The Sync API's error envelope, used for every error of the sandbox."""
    return Reply(status, {"error": {"code": code, "message": message}}, headers or [], close)


def not_authorized(message="The token is missing, deleted, or not valid for this API.") -> Reply:
    return error(401, "NOT_AUTHORIZED", message)


def bad_request(message: str) -> Reply:
    return error(400, "INVALID_REQUEST", message)
