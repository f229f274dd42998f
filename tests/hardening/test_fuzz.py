"""Fuzzing (hypothesis, bounded): the CSV reader and the converters fail only in the ways they
promise, SourceError and ValueRejected, whatever bytes or text they are given."""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telecrm_desktop.core.convert import (
    KNOWN_TYPES, ConvertContext, ValueRejected, encode_created_on, encode_payment_amount,
    encode_payment_currency, encode_payment_status, encode_value, identifier_key,
)
from telecrm_desktop.core.sources import open_sheet, read_table
from telecrm_desktop.core.sources.table import SourceError

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "cp1251", "shift_jis",
             "gb18030", "big5", "koi8-r", "iso-8859-7", "cp437", "mac-roman"]
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

csv_like_text = st.lists(
    st.lists(st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=12), min_size=1, max_size=6)
    .map(",".join),
    max_size=15,
).map("\r\n".join)


def read_everything(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        try:
            table = read_table(open_sheet(path))
            for row in table.rows():
                assert all(v is None or isinstance(v, str) for v in row.values)  # text (None: padding)
        except SourceError as error:
            assert "fuzz.csv" in str(error) and "\n" not in str(error)


@QUICK
@given(st.binary(max_size=3000))
def test_random_bytes_into_the_csv_reader(data):
    read_everything(data)


@QUICK
@given(csv_like_text, st.sampled_from(ENCODINGS), st.binary(max_size=40), st.integers(0, 3000))
def test_random_text_in_random_encodings_with_stray_bytes(text, encoding, stray, where):
    data = text.encode(encoding, errors="replace")
    where = min(where, len(data))
    read_everything(data[:where] + stray + data[where:])


cell_values = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789+-() ./,:eE", max_size=30),
    st.integers(min_value=-(10 ** 20), max_value=10 ** 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(),
    st.times(),
)
contexts = st.builds(ConvertContext, country=st.sampled_from(["IN", "US", "GB", "AE", "SG"]),
                     timezone=st.sampled_from(["Asia/Kolkata", "UTC", "America/New_York", "Asia/Dubai"]),
                     date_order=st.sampled_from(["DMY", "MDY", "YMD"]))


@settings(max_examples=1500, deadline=None)
@given(cell_values, st.sampled_from(sorted(KNOWN_TYPES)), contexts)
def test_encode_value_fails_only_with_value_rejected(value, type_name, ctx):
    try:
        encoded = encode_value(value, type_name, ctx)
    except ValueRejected as rejected:
        assert rejected.reason and "\n" not in rejected.reason
        return
    json.dumps(encoded, allow_nan=False)  # whatever comes out is valid JSON for a request body
    if encoded is not None and type_name in ("phone", "email", "text"):
        identifier_key(encoded, type_name)
    if isinstance(encoded, float):
        assert math.isfinite(encoded)


@settings(max_examples=400, deadline=None)
@given(cell_values, contexts)
def test_created_on_and_payment_fail_only_with_value_rejected(value, ctx):
    for encode in (lambda v: encode_created_on(v, ctx), encode_payment_amount, encode_payment_currency,
                   encode_payment_status):
        try:
            encoded = encode(value)
        except ValueRejected:
            continue
        json.dumps(encoded, allow_nan=False)
