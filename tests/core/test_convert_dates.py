"""Dates: one moment written many ways gives the same epoch milliseconds, in any zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import from_excel

from telecrm_desktop.core.convert import (
    ConvertContext,
    ValueRejected,
    encode_created_on,
    encode_value,
)

UTC = dt.timezone.utc
ZONES = ["Asia/Kolkata", "America/New_York", "Europe/London", "Australia/Lord_Howe",
         "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "UTC", "America/Sao_Paulo"]


def ms(moment: dt.datetime) -> int:
    return round(moment.timestamp() * 1000)


def first_occurrence_ms(local: dt.datetime, zone: ZoneInfo) -> int:
    """Epoch ms of a wall-clock time, earliest reading when clocks went back (independent of fold)."""
    candidates = {ms(local.replace(tzinfo=zone, fold=fold)) for fold in (0, 1)}
    # A reading is real when converting back gives the same wall clock.
    real = [c for c in candidates
            if dt.datetime.fromtimestamp(c / 1000, zone).replace(tzinfo=None) == local]
    return min(real)


moments = st.builds(
    lambda naive, zone_name, millis: (naive.replace(microsecond=millis * 1000), zone_name),
    st.datetimes(min_value=dt.datetime(1960, 1, 1), max_value=dt.datetime(2090, 12, 31)),
    st.sampled_from(ZONES),
    st.integers(0, 999),
)

AWARE_WRITINGS = [
    lambda m: m.isoformat(timespec="milliseconds"),
    lambda m: m.strftime("%Y-%m-%dT%H:%M:%S") + f".{m.microsecond // 1000:03d}" + m.strftime("%z"),  # Facebook
    lambda m: m.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{m.microsecond // 1000:03d}Z",
    lambda m: m,  # an aware datetime object
]

LOCAL_WRITINGS = {  # wall-clock writings (no offset), with the date order they need
    "dmy": ("DMY", lambda t: t.strftime("%d/%m/%Y %H:%M:%S")),
    "dmy-dash": ("DMY", lambda t: t.strftime("%d-%m-%Y %H:%M:%S")),
    "dmy-dots": ("DMY", lambda t: t.strftime("%d.%m.%Y %H:%M:%S")),
    "mdy-12h": ("MDY", lambda t: t.strftime("%m/%d/%Y %I:%M:%S %p")),
    "ymd": ("YMD", lambda t: t.strftime("%Y/%m/%d %H:%M:%S")),
    "iso-local": ("DMY", lambda t: t.strftime("%Y-%m-%dT%H:%M:%S")),
    "month-name": ("DMY", lambda t: t.strftime("%d %b %Y %I:%M:%S %p")),
    "us-month-name": ("MDY", lambda t: t.strftime("%B %d, %Y %H:%M:%S")),
    "weekday": ("DMY", lambda t: t.strftime("%A, %d %B %Y, %H:%M:%S")),
    "excel-cell": ("DMY", lambda t: t),  # a naive datetime from an Excel date cell
}


@settings(max_examples=300)
@given(moments, st.sampled_from(AWARE_WRITINGS), st.sampled_from(ZONES))
def test_writings_with_an_offset_keep_it(moment_zone, writing, template_zone):
    naive, zone_name = moment_zone
    moment = naive.replace(tzinfo=ZoneInfo(zone_name))
    ctx = ConvertContext(timezone=template_zone)  # must not matter: the offset is written
    assert encode_value(writing(moment), "date", ctx) == ms(moment)


@settings(max_examples=300)
@given(moments, st.sampled_from(sorted(LOCAL_WRITINGS)))
def test_wall_clock_writings_are_read_in_the_templates_zone(moment_zone, writing_name):
    naive, zone_name = moment_zone
    order, writing = LOCAL_WRITINGS[writing_name]
    zone = ZoneInfo(zone_name)
    local = naive.replace(microsecond=0)
    if writing_name == "excel-cell":
        local = naive  # cells carry milliseconds
    real_local = dt.datetime.fromtimestamp(ms(local.replace(tzinfo=zone)) / 1000, zone).replace(tzinfo=None)
    if real_local != local:
        local = real_local  # the generated wall clock fell in a spring-forward gap; use one that exists
    ctx = ConvertContext(timezone=zone_name, date_order=order)
    assert encode_value(writing(local), "date", ctx) == first_occurrence_ms(local, zone)


@settings(max_examples=200)
@given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2099, 12, 31)), st.sampled_from(ZONES))
def test_date_only_writings_are_midnight_in_the_templates_zone(day, zone_name):
    zone = ZoneInfo(zone_name)
    midnight = dt.datetime(day.year, day.month, day.day)
    expected = first_occurrence_ms(midnight, zone) if _exists(midnight, zone) else None
    writings = [
        ("DMY", day.strftime("%d/%m/%Y")), ("DMY", f"{day.day}-{day.month}-{day.year}"),
        ("DMY", day.strftime("%d.%m.%Y")), ("MDY", day.strftime("%m/%d/%Y")),
        ("YMD", day.strftime("%Y/%m/%d")), ("DMY", day.isoformat()),
        ("DMY", day.strftime("%d %b %Y")), ("MDY", day.strftime("%b %d, %Y")),
        ("DMY", day.strftime("%B %d %Y")), ("DMY", day.strftime("%d-%b-%Y")),
        ("DMY", day.strftime("%Y%m%d")), ("DMY", day),
    ]
    results = {encode_value(text, "date", ConvertContext(timezone=zone_name, date_order=order))
               for order, text in writings}
    assert len(results) == 1
    if expected is not None:
        assert results == {expected}


def _exists(local: dt.datetime, zone: ZoneInfo) -> bool:
    back = dt.datetime.fromtimestamp(ms(local.replace(tzinfo=zone)) / 1000, zone)
    return back.replace(tzinfo=None) == local


@settings(max_examples=100)
@given(st.floats(min_value=20000, max_value=80000, allow_nan=False))
def test_excel_serial_numbers_match_openpyxl(serial):
    ctx = ConvertContext(timezone="UTC")
    expected = from_excel(serial).replace(tzinfo=UTC)
    assert abs(encode_value(serial, "date", ctx) - ms(expected)) <= 1


def test_daylight_saving_gap_and_overlap():
    new_york = ConvertContext(country="US", timezone="America/New_York", date_order="MDY")
    # 02:30 never happens on 8 March 2026: read with the offset before the change (EST) = 03:30 EDT.
    gap = encode_value("03/08/2026 02:30", "date", new_york)
    assert gap == ms(dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC))
    assert encode_created_on("03/08/2026 02:30", new_york) == "08/03/2026 03:30:00"
    # 01:30 happens twice on 1 November 2026: the first time (EDT).
    assert encode_value("11/01/2026 01:30", "date", new_york) == ms(dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("05/11/2026", "05/11/2026 00:00:00"),
        ("05/11/2026 2:30 PM", "05/11/2026 14:30:00"),
        ("2026-11-05T09:00:00Z", "05/11/2026 14:30:00"),
        ("2026-11-05T14:30:00-07:00", "06/11/2026 03:00:00"),
        (dt.datetime(2026, 11, 5, 14, 29, 59, 999_700), "05/11/2026 14:30:00"),  # Excel's float error
        (dt.date(2026, 11, 5), "05/11/2026 00:00:00"),
        (46000.5, "09/12/2025 12:00:00"),
        ("Thursday, 5th November 2026 at 2 pm", "05/11/2026 14:00:00"),
        ("05/11/26 12:00 AM", "05/11/2026 00:00:00"),
        ("1793867400000", "05/11/2026 14:00:00"),
        ("2026-11-05 09:00:00 UTC", "05/11/2026 14:30:00"),
        ("05/11/2026 14:30 IST", "05/11/2026 14:30:00"),
        ("05/11/2026 13:00 GMT+4", "05/11/2026 14:30:00"),
        ("Thu Nov 05 2026 14:30:00 GMT+0530 (India Standard Time)", "05/11/2026 14:30:00"),
        ("   ", None),
    ],
)
def test_created_on_is_written_in_the_templates_zone(value, expected):
    assert encode_created_on(value, ConvertContext()) == expected


@pytest.mark.parametrize(
    "value, order, reason",
    [
        ("31/02/2026", "DMY", "is not a date: February 2026 has no day 31"),
        ("11/25/2026", "DMY", "is not a date: there is no month 25 (read as DD/MM/YYYY); "
                              "if the sheet writes the month first, set the date order to MDY"),
        ("25/11/2026", "MDY", "is not a date: there is no month 25 (read as MM/DD/YYYY); "
                              "if the sheet writes the day first, set the date order to DMY"),
        ("25/13/2026", "DMY", "is not a date: there is no month 13 (read as DD/MM/YYYY)"),
        ("Nov 2026", "DMY", "is not a date: it needs a day, a month and a year"),
        ("next Tuesday", "DMY", "is not a date"),
        ("05/11/2026 25:00", "DMY", "is not a date and time: the time of day is out of range"),
        ("05/11/2026 13:00 PM", "DMY", "is not a date and time: there is no hour 13 PM"),
        ("123456", "DMY", "is not a date: it is a plain number"),
        (1234, "DMY", "is not a date: the cell holds the number 1234"),
        (True, "DMY", "is not a date: it is TRUE or FALSE"),
        (dt.time(14, 30), "DMY", "is a time of day without a date"),
        (dt.timedelta(hours=3), "DMY", "is a duration, not a date"),
        (dt.datetime(1899, 12, 30, 14, 30), "DMY", "is a time of day without a date"),
        (dt.date(1066, 10, 14), "DMY", "is not a date: the year 1066 is out of range"),
    ],
)
def test_rejections_say_why(value, order, reason):
    with pytest.raises(ValueRejected) as caught:
        encode_value(value, "date", ConvertContext(date_order=order))
    assert (caught.value.rule, caught.value.reason) == ("date.invalid", reason)
