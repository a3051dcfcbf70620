"""Dates as people write them (bot.dates_said): which are dates, which are not, and
which conference day each means."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dates_said import conference_day, find_date, said_as

DAYS = [date(2025, 6, 16), date(2025, 6, 17)]


@pytest.mark.parametrize(("text", "day", "month"), [
    ("what's on the 16th", 16, None),
    ("the 17th of June", 17, 6),
    ("June 17 schedule", 17, 6),
    ("agenda 16 jun", 16, 6),
    ("on Dec 13th", 13, 12),
    ("sept 3", 3, 9),
])
def test_dates_are_read_with_or_without_a_month(text: str, day: int, month: int | None) -> None:
    found = find_date(text)
    assert found is not None and found[:2] == (day, month)


@pytest.mark.parametrize("text", ["who is on at 13", "at 10:30", "remind me 15 min before",
                                  "day 2", "the 2nd talk", "the 32nd", "room 16"])
def test_numbers_that_are_not_dates(text: str) -> None:
    found = find_date(text)
    # "the 2nd talk" reads as a date word, but names no day of this program
    assert found is None or conference_day(DAYS, said_as(found[0], found[1])) is None


def test_a_date_names_the_conference_day_it_falls_on() -> None:
    assert conference_day(DAYS, "date 17-6") == date(2025, 6, 17)
    assert conference_day(DAYS, "date 16") == date(2025, 6, 16)
    assert conference_day(DAYS, "date 17-7") is None  # another month
    assert conference_day(DAYS, "date 18") is None
