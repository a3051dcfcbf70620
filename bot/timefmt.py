"""Rendering instants for a reader in their own timezone.

The rule: show the clock time with the zone's abbreviation, and add the weekday and
date whenever the instant falls on another local day than the reader's "now" (Luis
Ceze at 3:50 PM in Los Angeles is "Tue 14 Dec, 00:50 CET" for a reader in Berlin on the
13th). Each zone's clock is its country's usual one, from the Unicode CLDR (through
Babel): 12-hour in the US, India, Australia or Mexico, 24-hour in Germany, Japan or Brazil.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError

# Old zone names that tzdata's country table does not list.
TWELVE_HOUR_PREFIXES = ("US/", "Canada/", "Australia/", "Mexico/")


def uses_12h(zone: ZoneInfo) -> bool:
    """Whether readers in ``zone`` read a 12-hour clock ("2:30 PM")."""
    return _twelve_hour(zone.key)


@functools.cache  # a few hundred zones at most
def _twelve_hour(key: str) -> bool:
    country = _countries().get(key)
    if country is None:
        return key.startswith(TWELVE_HOUR_PREFIXES)
    try:
        pattern = Locale.parse(f"und_{country}").time_formats["short"].pattern
    except (UnknownLocaleError, ValueError, KeyError):
        return False
    return "h" in pattern or "K" in pattern  # CLDR's 12-hour hour fields


@functools.cache
def _countries() -> dict[str, str]:
    """Zone -> ISO country code, from tzdata's zone.tab."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    found: dict[str, str] = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _, zone = line.split("\t")[:3]
            found[zone] = country
    return found


def clock(local: datetime, twelve: bool) -> str:
    """9:30 AM or 09:30."""
    if twelve:
        hour = local.hour % 12 or 12
        return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
    return f"{local.hour:02d}:{local.minute:02d}"


def short_date(day: date, with_year: bool = False) -> str:
    """Tue 14 Dec (2021)."""
    text = f"{day:%a} {day.day} {day:%b}"
    return f"{text} {day.year}" if with_year else text


def long_date(day: date) -> str:
    """Monday 13 December 2021."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _day_prefix(local: datetime, today: date) -> str:
    if local.date() == today:
        return ""
    return short_date(local.date(), with_year=local.year != today.year) + ", "


def instant(at: datetime, zone: ZoneInfo, now: datetime) -> str:
    """"9:30 AM PST" on the reader's today, else "Tue 14 Dec, 00:50 CET"."""
    return instant_on(at, zone, now.astimezone(zone).date())


def span(start: datetime, end: datetime, zone: ZoneInfo, now: datetime) -> str:
    """"9:30 AM – 10:05 AM PST", with dates where a side is not on the reader's today."""
    return span_on(start, end, zone, now.astimezone(zone).date())


# Every answer renders a few instants and the same ones recur all day (the program has a
# few dozen), so the formatted text is memoised per instant, zone and reader's date.
@functools.lru_cache(maxsize=8192)
def instant_on(at: datetime, zone: ZoneInfo, today: date) -> str:
    """:func:`instant` for a reader whose today (in ``zone``) is ``today``."""
    local = at.astimezone(zone)
    return f"{_day_prefix(local, today)}{clock(local, uses_12h(zone))} {local:%Z}"


@functools.lru_cache(maxsize=8192)
def span_on(start: datetime, end: datetime, zone: ZoneInfo, today: date) -> str:
    """:func:`span` for a reader whose today (in ``zone``) is ``today``."""
    twelve = uses_12h(zone)
    first, last = start.astimezone(zone), end.astimezone(zone)
    left = _day_prefix(first, today) + clock(first, twelve)
    right = clock(last, twelve)
    if last.date() != first.date():
        right = _day_prefix(last, first.date()) + right
    if first.strftime("%Z") != last.strftime("%Z"):
        return f"{left} {first:%Z} – {right} {last:%Z}"
    return f"{left} – {right} {last:%Z}"


def duration(delta: timedelta) -> str:
    """A rounded, readable length: "25 min", "1 h 5 min", "3 days", "4 years"."""
    seconds = abs(delta.total_seconds())
    minutes = round(seconds / 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days = round(seconds / 86400)
    if days < 60:
        return f"{days} day" if days == 1 else f"{days} days"
    if days < 730:
        return f"{round(days / 30.4)} months"
    return f"{round(days / 365.25)} years"


def relative(start: datetime, end: datetime | None, now: datetime) -> str:
    """Where an item stands from ``now``: "in 25 min", "now, ends in 10 min", "ended 2 h ago"."""
    if now < start:
        return f"in {duration(start - now)}"
    if end is not None and now < end:
        return f"now, ends in {duration(end - now)}"
    if end is None:
        return f"{duration(now - start)} ago"
    return f"ended {duration(now - end)} ago"
