"""timestamps.py: the API's times read the same on every supported Python (3.10's fromisoformat reads
neither `Z` nor fractions other than 3 or 6 digits)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clever_notify.guards.timestamps import epoch_ms, to_datetime
from clever_notify.hooks import health
from clever_notify.hooks.words import format_time

T = 1795860000000  # 2026-11-28T10:00:00Z in epoch milliseconds


@pytest.mark.parametrize(("value", "ms"), [
    ("2026-11-28T10:00:00Z", T),
    ("2026-11-28T10:00:00z", T),
    ("2026-11-28T10:00:00.1Z", T + 100),
    ("2026-11-28T10:00:00.12Z", T + 120),
    ("2026-11-28T10:00:00.123Z", T + 123),
    ("2026-11-28T10:00:00.1234Z", T + 123.4),
    ("2026-11-28T10:00:00.123456Z", T + 123.456),
    ("2026-11-28T10:00:00.123456789Z", T + 123.456),  # nanoseconds: kept to the microsecond
    ("2026-11-28T10:00:00,5Z", T + 500),
    ("2026-11-28T11:00:00+01:00", T),
    ("2026-11-28T11:00:00.250+01:00", T + 250),
    ("2026-11-28T05:30:00-04:30", T),
    ("2026-11-28T11:00:00+0100", T),
    ("2026-11-28T10:00:00+00:00", T),
    ("2026-11-28T10:00:00", T),  # no offset: the API's UTC
    ("2026-11-28 10:00:00Z", T),
    ("2026-11-28T10:00Z", T),
    (" 2026-11-28T10:00:00Z ", T),
    (T, T),
    (T + 0.5, T + 0.5),
    (str(T), T),
    (0, 0),
])
def test_readable_times(value, ms):
    assert epoch_ms(value) == pytest.approx(ms, abs=1e-6)
    assert health.failure_time_ms({"createdAt": value}) == int(ms)


@pytest.mark.parametrize("value", [
    None, "", "   ", "yesterday", "2026-11-28", "2026-11-28T10", "2026-02-30T10:00:00Z", "2026-11-28T25:00:00Z",
    "2026-11-28T10:00:60Z", "2026-11-28T10:00:00.1234567890Z", "2026-11-28T10:00:00+24:00", "2026-11-28T10:00:00+1",
    "2026-11-28T10:00:00Z+01:00", "2026-11-28T10:00:00ZZ", "२०२६-११-२८T10:00:00Z", "١٢٣", True, False,
    float("nan"), float("inf"), [], {}, {"$date": T},
])
def test_unreadable_times_are_none(value):
    assert epoch_ms(value) is None
    assert health.failure_time_ms({"createdAt": value}) is None
    assert to_datetime(value) is None


@pytest.mark.parametrize(("value", "shown"), [
    ("2026-11-28T10:00:00.123456789Z", "2026-11-28 10:00:00 UTC"),
    ("2026-11-28T10:00:00.1Z", "2026-11-28 10:00:00 UTC"),
    ("2026-11-28T11:59:59.9+01:00", "2026-11-28 10:59:59 UTC"),
    (T, "2026-11-28 10:00:00 UTC"),
    (10**20, "100000000000000000000"),  # past datetime's years: shown as given, not a crash
    ("2026-11-28T10:00:00 Z junk", "2026-11-28T10:00:00 Z junk"),
    ("9999-12-31T23:00:00-05:00", "9999-12-31T23:00:00-05:00"),
])
def test_format_time_uses_the_same_reading(value, shown):
    assert format_time(value) == shown


def test_the_newest_failure_is_found_across_forms():
    failures = [{"createdAt": "2026-11-28T10:00:00.9Z", "status": 500},
                {"createdAt": "2026-11-28T10:00:00.123456789Z", "status": 502},
                {"createdAt": T + 500, "status": 503}]
    assert health.newest_failure(failures)["status"] == 500


OFFSETS = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))


@given(
    moment=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 12, 31), timezones=OFFSETS),
    digits=st.integers(min_value=0, max_value=9),
    zulu=st.booleans(),
)
def test_round_trip(moment, digits, zulu):
    """Any moment written the ways the API may write it reads back to the same instant (to the microsecond,
    or to the digits written when fewer)."""
    if zulu:
        moment = moment.astimezone(timezone.utc)
    micro = f"{moment.microsecond:06d}"
    fraction = "" if digits == 0 else "." + (micro + "000")[:digits]
    if zulu:
        zone = "Z"
    else:
        off = int(moment.utcoffset().total_seconds() // 60)
        zone = f"{'-' if off < 0 else '+'}{abs(off) // 60:02d}:{abs(off) % 60:02d}"
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone
    kept = int((micro + "000")[:min(digits, 6)].ljust(6, "0")) if digits else 0
    expected = moment.replace(microsecond=kept)
    assert to_datetime(text) == expected
    exact_us = (expected - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)
    assert epoch_ms(text) == exact_us / 1000
