"""Request bodies as JSON text (core.check.json_text): compact, characters as they are, and written
even where orjson cannot write them."""

from __future__ import annotations

import json

from hypothesis import given, strategies as st

from telecrm_desktop.core.check.json_text import dumps

leaf = st.one_of(st.none(), st.booleans(), st.integers(-(2**80), 2**80), st.floats(allow_nan=False, allow_infinity=False),
                 st.text())
bodies = st.recursive(leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                      max_leaves=20)


@given(bodies)
def test_every_body_reads_back_as_itself(body):
    assert json.loads(dumps(body)) == body


def test_compact_with_characters_as_they_are():
    body = {"fields": {"name": "Zoë \"Z\" Nair", "tags": ["VIP"], "budget": 150000}}
    assert dumps(body) == '{"fields":{"name":"Zoë \\"Z\\" Nair","tags":["VIP"],"budget":150000}}'


def test_what_orjson_cannot_write_is_still_written():
    assert dumps({"amount": 2**70}) == '{"amount":1180591620717411303424}'
    assert dumps("lone \udc80 surrogate") == json.dumps("lone \udc80 surrogate", ensure_ascii=False)
