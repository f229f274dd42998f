"""Request bodies as JSON text: the house writing (", " and ": ", UTF-8 as is), built fast.

`json.JSONEncoder.encode` builds a new C encoder on every call (about half its cost for a lead's
body); this one is built once. Bodies are trees, so the circular-reference check is left out;
the text is the same as `json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode`.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring

try:
    from json.encoder import c_make_encoder
except ImportError:  # pragma: no cover - CPython always has the C encoder
    c_make_encoder = None

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def _build():
    if c_make_encoder is None:  # pragma: no cover
        return _ENCODER.encode
    encode = c_make_encoder(None, _ENCODER.default, encode_basestring, None, ": ", ", ", False, False, True)

    def dumps(value) -> str:
        if type(value) is str:
            return encode_basestring(value)
        return "".join(encode(value, 0))

    return dumps


dumps = _build()
