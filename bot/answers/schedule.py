"""Questions about time: what is on now, what is next, the agenda, who is on at 10:15."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import timefmt
from bot.answers.context import Ask
from bot.messages import Line, Moment, Quote, Reply, ZoneNote
from bot.program import Item
from bot.timezones import TimezoneError, parse_timezone


def on_now(ask: Ask, _arg: str = "") -> Reply:
    program, now = ask.program, ask.now
    current = program.on_at(now)
    upcoming = program.next_after(now)
    after: list[Line] = []
    if upcoming:
        after.append(("Next: ", upcoming[0].display_title, " at ",
                      Moment(upcoming[0].start, relative=True), "."))  # type: ignore[arg-type]
    if current:
        return ask.reply(
            ("On now:",),
            cards=tuple(ask.card(item, relative=True) for item in current),
            after=tuple(after),
        )
    first, last = program.first_start, program.last_end
    if first is None or last is None:
        return ask.reply(("The program has no scheduled sessions yet.",))
    if now < first:
        return ask.reply(
            (f"{program.workshop.full_name} has not started yet; it begins ",
             Moment(first, relative=True), "."),
            ("First up:",),
            cards=(ask.card(upcoming[0]),),
        )
    if now >= last:
        return ask.reply(
            (f"{program.workshop.full_name} is over; it ended ", Moment(last, relative=True),
             ". Say “agenda” to see what was on.",),
        )
    return ask.reply(
        ("Nothing is on right now.",),
        ("Next up:",),
        cards=tuple(ask.card(item, relative=True) for item in upcoming),
    )


def up_next(ask: Ask, _arg: str = "") -> Reply:
    upcoming = ask.program.next_after(ask.now)
    if not upcoming:
        last = ask.program.last_end
        if last is None:
            return ask.reply(("The program has no scheduled sessions yet.",))
        if ask.now < last:
            return ask.reply(("Nothing else is scheduled; the last session ends ",
                              Moment(last, relative=True), "."))
        return ask.reply(("Nothing else is scheduled: the last session ended ",
                          Moment(last, relative=True), "."))
    return ask.reply(
        ("Next up:",), cards=tuple(ask.card(item, relative=True) for item in upcoming)
    )


def _day_of_interest(ask: Ask, scope: str) -> list[date]:
    """Program days (in the workshop's zone) for "today", "tomorrow" or "all"."""
    days = ask.program.program_days()
    if scope == "all" or len(days) <= 1:
        return days
    ends = {day: max(i.end for i in ask.program.scheduled if ask.program.day_of(i) == day)
            for day in days}
    current = next((d for d in days if ends[d] > ask.now), days[-1])  # type: ignore[operator]
    if scope == "tomorrow":
        later = [d for d in days if d > current]
        return later[:1] or [current]
    return [current]


def agenda(ask: Ask, scope: str = "today") -> Reply:
    program = ask.program
    days = _day_of_interest(ask, scope)
    if not days:
        return ask.reply(("The program has no scheduled sessions yet.",))
    items = [i for i in program.scheduled if program.day_of(i) in days]
    local_days = sorted({i.start.astimezone(ask.zone).date() for i in items})  # type: ignore[union-attr]
    when = timefmt.long_date(local_days[0])
    if len(local_days) > 1:
        when += f" to {timefmt.long_date(local_days[-1])}"
    after: list[Line] = []
    if program.papers:
        after.append((f"Plus {len(program.papers)} papers without a time slot: say “papers” "
                      "to list them.",))
    if scope != "all" and len(program.program_days()) > 1:
        after.append(("Say “agenda all” for every day.",))
    return ask.reply(
        (f"{program.workshop.full_name}, {when}", ZoneNote(), ":"),
        cards=tuple(ask.card(item, detail=False) for item in items),
        layout="list",
        after=tuple(after),
    )


def papers(ask: Ask, _arg: str = "") -> Reply:
    found = ask.program.papers
    if not found:
        return ask.reply(("This program lists no papers.",))
    return ask.reply(
        (f"{len(found)} papers at {ask.program.workshop.full_name}:",),
        cards=tuple(ask.card(item, detail=False, mark_papers=False) for item in found),
        layout="list",
        after=(("Say “about <title>” for one paper's summary.",),),
    )


CLOCK = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ap>am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE
)


def parse_clock(text: str) -> list[time]:
    """Every time of day ``text`` could mean: "3:50" is 03:50 or 15:50; "3:50 pm" is one."""
    lowered = text.strip().casefold()
    if lowered == "noon":
        return [time(12, 0)]
    if lowered == "midnight":
        return [time(0, 0)]
    match = CLOCK.match(lowered)
    if match is None:
        return []
    hour, minute = int(match["h"]), int(match["m"] or 0)
    meridiem = (match["ap"] or "").replace(".", "")
    if minute > 59 or hour > 23 or (meridiem and not 1 <= hour <= 12):
        return []
    if meridiem == "am":
        return [time(hour % 12, minute)]
    if meridiem == "pm":
        return [time(hour % 12 + 12, minute)]
    if 1 <= hour <= 11:
        return [time(hour, minute), time(hour + 12, minute)]
    return [time(hour, minute)]


def who_at(ask: Ask, arg: str) -> Reply:
    """Who is on at a clock time, read in the asker's zone (or a zone given after it)."""
    text, _, zone_name = arg.strip().rpartition(" ")
    if "/" not in zone_name:
        text, zone_name = arg.strip(), ""
    zone = ask.zone
    if zone_name:
        try:
            zone = parse_timezone(zone_name)
        except TimezoneError as exc:
            return ask.reply((str(exc).capitalize() + ".",), kind="error")
    clocks = parse_clock(text)
    if not clocks:
        return ask.reply(("I could not read ", Quote(arg), " as a time; try “who is speaking at "
                          "10:15” or “at 3:50 pm”."), kind="error")
    program = ask.program
    first, last = program.first_start, program.last_end
    if first is None or last is None:
        return ask.reply(("The program has no scheduled sessions yet.",))
    candidates = _instants(clocks, zone, first, last, ask.now)
    if not candidates:
        return ask.reply(
            ("Nothing is scheduled at ", Quote(text), f" ({zone.key} time); the program runs ",
             Moment(first, last), "."),
            kind="not_found",
        )
    busy = [(at, program.on_at(at)) for at in candidates]
    with_items = [(at, items) for at, items in busy if items]
    at, items = with_items[0] if with_items else busy[0]
    if not items:
        return _gap_reply(ask, at)
    return ask.reply(
        ("At ", Moment(at), ":"),
        cards=tuple(ask.card(item) for item in items),
    )


def _instants(
    clocks: list[time], zone: ZoneInfo, first: datetime, last: datetime, now: datetime
) -> list[datetime]:
    """Instants within the program for the given clock times, the asker's today first."""
    start_day = first.astimezone(zone).date()
    end_day = last.astimezone(zone).date()
    today = now.astimezone(zone).date()
    found: list[datetime] = []
    day = start_day
    while day <= end_day:
        for clock in clocks:
            local = datetime.combine(day, clock, tzinfo=zone)
            if first <= local < last and local not in found:
                found.append(local)
        day += timedelta(days=1)
    return sorted(found, key=lambda at: (at.astimezone(zone).date() != today, at))


def _gap_reply(ask: Ask, at: datetime) -> Reply:
    before: Item | None = ask.program.last_before(at)
    after = ask.program.next_after(at)
    lines: list[Line] = [("Nothing is on at ", Moment(at), ".")]
    if before is not None:
        lines.append(("Before: ", before.display_title, ", ended ", Moment(before.end), "."))  # type: ignore[arg-type]
    if after:
        lines.append(("After: ", after[0].display_title, " at ", Moment(after[0].start), "."))  # type: ignore[arg-type]
    return ask.reply(*lines)
