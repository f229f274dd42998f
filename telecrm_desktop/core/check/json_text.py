"""Request bodies as JSON text, built fast: compact (no spaces), UTF-8 characters as they are.

orjson writes a lead's body in a sixth of the standard library's time. What it cannot write (an
integer beyond 64 bits, text with a lone surrogate) is written by the standard library instead,
with the same separators.
"""

from __future__ import annotations

import json

import orjson

_FALLBACK = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_orjson_dumps = orjson.dumps


def dumps(value) -> str:
    try:
        return _orjson_dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError is one
        return _FALLBACK(value)
