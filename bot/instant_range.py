"""The years the bot keeps time in: 1970 to 2999, for every instant and day it is given.

Python's datetimes end at year 1 and year 9999, and the bot moves every instant it is
given: into the asker's zone (up to 14 hours either way), a day back for "tonight", weeks
ahead for an agenda. An instant near either end (``BOT_NOW=0001-01-01T00:00:00+00:00``, a
session at ``9999-12-31T23:59:59-14:00``) then overflows deep inside an answer. A
workshop happens in neither, so any time or day outside these years is refused where it
comes in (settings, options, program files), with one line, and nothing downstream
needs to think about the ends of the calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

FIRST_YEAR, LAST_YEAR = 1970, 2999
EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
LATEST = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)  # the first instant after the range
YEARS = f"{FIRST_YEAR} to {LAST_YEAR}"


def check_instant(value: datetime) -> datetime:
    """``value`` when it falls in the years; ValueError that says so when it does not.
    (Comparing aware datetimes converts nothing, so this cannot overflow itself.)"""
    if value.utcoffset() is not None and not EARLIEST <= value < LATEST:
        raise ValueError(f"{value.isoformat()} is outside the years {YEARS}, the only ones "
                         "the bot keeps time in")
    return value


def check_day(value: date) -> date:
    """``value`` when its year is in the range; ValueError that says so when it is not."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{value.isoformat()} is outside the years {YEARS}, the only ones "
                         "the bot keeps time in")
    return value
