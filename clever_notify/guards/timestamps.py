"""The one reading of the API's times (a hook's or a failure's `createdAt`).

The API gives epoch milliseconds (a number, the sandbox's form) or an ISO 8601 string: `…T10:00:00Z`,
with 0 to 9 fraction digits, or with a `+01:00` offset. Python 3.10's `datetime.fromisoformat` reads
neither `Z` nor fractions other than 3 or 6 digits, so the string is read here with one pattern on
every supported Python. Anything else is "unknown" (None), never an exception.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?",
    re.ASCII,  # \d is 0-9 only: int() would read other scripts' digits, the API never sends them
)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _from_iso(text: str) -> datetime | None:
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, _z, sign, off_h, off_m = match.groups()
    try:
        tz = timezone.utc
        if sign:
            offset = timedelta(hours=int(off_h), minutes=int(off_m))
            tz = timezone(-offset if sign == "-" else offset)  # ValueError when 24 hours or more
        # A time without an offset is taken as UTC: the API's clock, not the reader's.
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                        int((fraction or "").ljust(6, "0")[:6]), tzinfo=tz)
    except ValueError:  # 2026-02-30, 25:00, an offset of 24 hours
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int of 400 digits: no float, and no time either
        return None
    return number if math.isfinite(number) else None


def _read(value: Any) -> float | datetime | None:
    """Epoch milliseconds for a number (or a string of digits), a datetime for an ISO string, else None."""
    number = _number(value)
    if number is not None:
        return number
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    return _from_iso(text)


def epoch_ms(value: Any) -> float | None:
    """`value` in epoch milliseconds: a number as is, a string of digits as a number, an ISO 8601 time; None when
    it is none of these."""
    read = _read(value)
    if isinstance(read, datetime):
        return ((read - _EPOCH) // timedelta(microseconds=1)) / 1000
    return read


def to_datetime(value: Any) -> datetime | None:
    """`value` (as epoch_ms reads it) as an aware UTC datetime; None when unreadable or outside datetime's years."""
    read = _read(value)
    if read is None:
        return None
    try:
        if isinstance(read, datetime):
            return read.astimezone(timezone.utc)
        return _EPOCH + timedelta(milliseconds=read)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is in year 10000 once in UTC
        return None
