"""The quick date paths (bound per column) give exactly what the full readers give, DST included."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telecrm_desktop.core.convert import ValueRejected, encode_created_on, encode_date, encoder_for, make_context
from telecrm_desktop.core.convert.quick_dates import created_on_encoder, date_encoder

ZONES = ["Asia/Kolkata", "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/St_Johns",
         "Pacific/Chatham", "UTC", "America/Sao_Paulo", "Europe/Berlin"]
ORDERS = ["DMY", "MDY", "YMD"]


def outcome(encode, value):
    try:
        return ("ok", encode(value))
    except ValueRejected as exc:
        return ("rejected", exc.rule, exc.reason)


def writings(moment: dt.datetime, order: str, draw) -> list[str]:
    d, m, y = moment.day, moment.month, moment.year
    first, second = (m, d) if order == "MDY" else (d, m)
    sep = draw(st.sampled_from("/.-"))
    pad = draw(st.booleans())
    day = f"{first:02d}{sep}{second:02d}{sep}{y}" if pad else f"{first}{sep}{second}{sep}{y}"
    hm = f"{moment.hour:02d}:{moment.minute:02d}"
    offset = draw(st.sampled_from(["Z", "+05:30", "+0530", "-03:00", "+00:00", "+14:00", "-1200", "+05", "+23:59"]))
    return [day, f"{day} {hm}", f"{day} {hm}:{moment.second:02d}", f"{day} {moment.hour}:{moment.minute:02d}",
            f"{y:04d}-{m:02d}-{d:02d}T{hm}:{moment.second:02d}{offset}", f"{y:04d}-{m:02d}-{d:02d} {hm}{offset}",
            f"{y:04d}-{m:02d}-{d:02d}T{hm}"]


@settings(max_examples=300, deadline=None)
@given(st.data(), st.datetimes(min_value=dt.datetime(1890, 1, 1), max_value=dt.datetime(2210, 12, 31)),
       st.sampled_from(ZONES), st.sampled_from(ORDERS))
def test_quick_paths_equal_the_full_readers(data, moment, zone_name, order):
    ctx = make_context("IN", zone_name, order)
    quick_date, quick_created = date_encoder(ctx), created_on_encoder(ctx)
    for text in writings(moment, order, data.draw):
        for _ in range(2):  # the second time from the caches
            assert outcome(quick_date, text) == outcome(lambda v: encode_date(v, ctx), text), text
            assert outcome(quick_created, text) == outcome(lambda v: encode_created_on(v, ctx), text), text


@pytest.mark.parametrize("zone_name", ["America/New_York", "Europe/London", "Australia/Lord_Howe"])
def test_every_minute_around_the_clock_changes(zone_name):
    ctx = make_context("US", zone_name, "MDY")
    quick_date, quick_created = date_encoder(ctx), created_on_encoder(ctx)
    for day in (dt.date(2026, 3, 8), dt.date(2026, 3, 29), dt.date(2026, 4, 5), dt.date(2026, 10, 4),
                dt.date(2026, 10, 25), dt.date(2026, 11, 1)):
        for minute in range(0, 24 * 60, 7):
            text = f"{day.month:02d}/{day.day:02d}/{day.year} {minute // 60:02d}:{minute % 60:02d}"
            assert quick_date(text) == encode_date(text, ctx), text
            assert quick_created(text) == encode_created_on(text, ctx), text


@pytest.mark.parametrize("text", [
    "31/02/2026", "29/02/2027", "29/02/2028 10:00", "00/01/2026", "12/13/2026", "1/1/1899", "1/1/2201",
    "17/03/2026 24:00", "17/03/2026 23:60", "17/03/2026 10:00:61", " 17/03/2026", "17/03/2026 ", "17/03/2026  10:00",
    "17/03-2026", "2026-02-30T10:00:00Z", "2026-03-15T10:00:00+24:00", "2026-03-15T10:00:00+05:99",
    "2026-03-15T25:00:00Z", "2026-03-15t10:00:00z", "1800-01-01T00:00:00Z", "١٧/٠٣/٢٠٢٦", "17/3/26", "",
    "17/03/2026T10:00", "5 Nov 2026", "not a date", "20261105",
])
def test_odd_writings_agree(text):
    ctx = make_context("IN", "Asia/Kolkata", "DMY")
    assert outcome(date_encoder(ctx), text) == outcome(lambda v: encode_date(v, ctx), text)
    assert outcome(created_on_encoder(ctx), text) == outcome(lambda v: encode_created_on(v, ctx), text)


@pytest.mark.parametrize("value", [None, 45000, 45000.5, 1773700000000, True,
                                   dt.datetime(2026, 3, 17, 2, 42), dt.date(2026, 3, 17)])
def test_cells_that_are_not_text_take_the_full_path(value):
    ctx = make_context("US", "America/New_York", "MDY")
    assert outcome(encoder_for("date", ctx), value) == outcome(lambda v: encode_date(v, ctx), value)
    assert outcome(created_on_encoder(ctx), value) == outcome(lambda v: encode_created_on(v, ctx), value)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1899, 12, 1), max_value=dt.datetime(2210, 12, 31)), st.sampled_from(ZONES))
def test_excel_date_cells_written_as_created_on_equal_the_full_reader(moment, zone_name):
    ctx = make_context("IN", zone_name, "DMY")
    assert outcome(created_on_encoder(ctx), moment) == outcome(lambda v: encode_created_on(v, ctx), moment)
    assert outcome(date_encoder(ctx), moment) == outcome(lambda v: encode_date(v, ctx), moment)


@pytest.mark.parametrize("zone_name", ["America/New_York", "Europe/London"])
def test_excel_date_cells_around_the_clock_changes(zone_name):
    ctx = make_context("US", zone_name, "MDY")
    quick, quick_date = created_on_encoder(ctx), date_encoder(ctx)
    for day in (dt.datetime(2026, 3, 8), dt.datetime(2026, 3, 29), dt.datetime(2026, 10, 25), dt.datetime(2026, 11, 1)):
        for minute in range(0, 24 * 60, 7):
            cell = day + dt.timedelta(minutes=minute, seconds=59, microseconds=999_700)  # Excel's 14:29:59.9997
            assert quick(cell) == encode_created_on(cell, ctx), cell
            assert quick_date(cell) == encode_date(cell, ctx), cell
