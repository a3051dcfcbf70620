"""Rendering instants for readers in other zones, and the simulated clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import timefmt
from bot.clock import SimulatedClock, SystemClock, build_clock
from bot.timezones import TimezoneError, parse_timezone

CEZE = datetime(2021, 12, 13, 23, 50, tzinfo=UTC)  # 3:50 PM in Los Angeles
CEZE_END = CEZE + timedelta(minutes=35)
MONDAY_NOON_LA = datetime(2021, 12, 13, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("America/Los_Angeles", "3:50 PM PST"),
        ("America/New_York", "6:50 PM EST"),
        ("Europe/Berlin", "Tue 14 Dec, 00:50 CET"),
        ("Asia/Tokyo", "08:50 JST"),  # Tuesday in Tokyo, and it is already Tuesday there
        ("UTC", "23:50 UTC"),
    ],
)
def test_an_instant_for_readers_around_the_world(zone: str, expected: str) -> None:
    assert timefmt.instant(CEZE, ZoneInfo(zone), MONDAY_NOON_LA) == expected


def test_spans_crossing_midnight_and_years() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    late = datetime(2021, 12, 13, 22, 40, tzinfo=UTC)  # 23:40 CET
    assert timefmt.span(late, late + timedelta(minutes=30), berlin, late) == (
        "23:40 – Tue 14 Dec, 00:10 CET")
    years_later = datetime(2026, 11, 27, tzinfo=UTC)
    assert timefmt.span(CEZE, CEZE_END, ZoneInfo("America/Los_Angeles"), years_later) == (
        "Mon 13 Dec 2021, 3:50 PM – 4:25 PM PST")


def test_a_span_across_a_dst_change_names_both_abbreviations() -> None:
    start = datetime(2021, 11, 7, 8, 30, tzinfo=UTC)  # 1:30 AM PDT, clocks go back at 2
    end = start + timedelta(hours=1)  # 1:30 AM PST
    assert timefmt.span(start, end, ZoneInfo("America/Los_Angeles"), start) == (
        "1:30 AM PDT – 1:30 AM PST")


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=20), "less than a minute"),
        (timedelta(minutes=25), "25 min"),
        (timedelta(minutes=125), "2 h 5 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(days=3), "3 days"),
        (timedelta(days=200), "7 months"),
        (timedelta(days=1810), "5 years"),
    ],
)
def test_durations(delta: timedelta, text: str) -> None:
    assert timefmt.duration(delta) == text


def test_relative_positions() -> None:
    assert timefmt.relative(CEZE, CEZE_END, CEZE - timedelta(minutes=5)) == "in 5 min"
    assert timefmt.relative(CEZE, CEZE_END, CEZE + timedelta(minutes=5)) == "now, ends in 30 min"
    assert timefmt.relative(CEZE, CEZE_END, CEZE_END + timedelta(hours=2)) == "ended 2 h ago"
    assert timefmt.relative(CEZE, None, CEZE + timedelta(minutes=3)) == "3 min ago"


def test_simulated_clock_runs_at_its_speed() -> None:
    ticks = iter([100.0, 100.0, 130.0])
    clock = SimulatedClock(datetime.fromisoformat("2021-12-13T08:45:00-08:00"), 60,
                           monotonic=lambda: next(ticks))
    assert clock.now() == datetime(2021, 12, 13, 16, 45, tzinfo=UTC)
    assert clock.now() == datetime(2021, 12, 13, 17, 15, tzinfo=UTC)  # 30 s x 60 = 30 min
    assert clock.simulated and clock.speed == 60


def test_the_real_clock_is_used_unless_asked_otherwise() -> None:
    assert isinstance(build_clock(None, 1.0), SystemClock)
    assert isinstance(build_clock(None, 10.0), SimulatedClock)
    with pytest.raises(ValueError, match="UTC offset"):
        SimulatedClock(datetime(2021, 12, 13, 9, 0), 1)


@pytest.mark.parametrize(
    ("text", "zone"),
    [("Europe/Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"),
     ("Berlin", "Europe/Berlin"), ("new york", "America/New_York"), ("PST", "America/Los_Angeles"),
     ("utc", "UTC")],
)
def test_zone_names_people_type(text: str, zone: str) -> None:
    assert parse_timezone(text).key == zone


@pytest.mark.parametrize("text", ["Mars/Olympus", "", "../../etc/passwd", "Europe/" * 50])
def test_unknown_zones_are_refused_with_suggestions(text: str) -> None:
    with pytest.raises(TimezoneError, match="unknown timezone"):
        parse_timezone(text)
