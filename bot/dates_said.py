"""Calendar dates as people write them in a question ("on the 13th", "June 17", "16 Jun",
"the 17th of June"), and which conference day they mean.

A bare number is never a date here ("at 13" is a time): a date has an ordinal ending or
a month. The month may be left out ("the 16th"): the program's days settle which month.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# For embedding in a larger pattern (no groups of its own).
DATE_WORDS = (rf"(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)(?:\s+(?:of\s+)?{_MONTH})?|"
              rf"\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?")
_DATE = re.compile(
    rf"\b(?:(?:the\s+)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)(?:\s+(?:of\s+)?(?P<m1>{_MONTH}))?|"
    rf"(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})|(?P<m3>{_MONTH})\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?)"
    rf"(?![\w:])", re.IGNORECASE)


def find_date(text: str) -> tuple[int, int | None, re.Match[str]] | None:
    """The day of the month and the month (None when not said) a text names, and where."""
    found = _DATE.search(text)
    if found is None:
        return None
    day = int(found["d1"] or found["d2"] or found["d3"])
    month_word = (found["m1"] or found["m2"] or found["m3"] or "")[:3].casefold()
    month = MONTHS.index(month_word) + 1 if month_word in MONTHS else None
    if not 1 <= day <= 31:
        return None
    return day, month, found


def said_as(day: int, month: int | None) -> str:
    """How a request carries a date: "date 17-6", "date 13" (month not said)."""
    return f"date {day}-{month}" if month else f"date {day}"


def conference_day(days: Sequence[date], scope: str) -> date | None:
    """The conference day a "date D[-M]" scope names, or None when the program has none."""
    day_text, _, month_text = scope.removeprefix("date ").partition("-")
    if not day_text.isdigit():
        return None
    day, month = int(day_text), int(month_text) if month_text.isdigit() else None
    return next((d for d in days if d.day == day and (month is None or d.month == month)), None)
