"""Questions about time: what is on now, what is next, the agenda, who is on at 10:15."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot import timefmt
from bot.answers.context import Ask
from bot.dates_said import conference_day
from bot.intents import WEEKDAYS
from bot.kind_words import Kind, kind_named, one_of_kind
from bot.matching import normalize
from bot.messages import Card, Line, Moment, Quote, Reply, ZoneNote
from bot.program import Item, Program
from bot.subjects import names_workshop
from bot.timezones import TimezoneError, parse_timezone


def _listed(ask: Ask, items: list[Item]) -> bool:
    """Several things at once in several rooms read best as one line each, with its room
    (and fit in a message even when ten rooms are busy)."""
    return ask.program.many_rooms and len(items) > 1


def _cards(ask: Ask, items: list[Item], *, relative: bool = True) -> dict[str, Any]:
    """Reply fields for ``items``: full cards, or a line each with its room (see _listed)."""
    if _listed(ask, items):
        return {"cards": tuple(ask.card(i, detail=False, relative=relative) for i in items),
                "layout": "list"}
    return {"cards": tuple(ask.card(i, relative=relative) for i in items)}


def _rooms_note(ask: Ask, items: list[Item]) -> str:
    return f", in {len({i.room for i in items})} rooms" if _listed(ask, items) else ""


def _in_place(ask: Ask, words: str, items: list[Item]) -> tuple[list[Item], str]:
    """``items`` in the room or track ``words`` names, and " in Saal 2"; all of them and
    "" when the words name none (they were not about a place, then)."""
    negated = _NOT_PLACE.search(words) if words else None
    if negated is not None:  # "in the other room, not the Audimax": everywhere else
        place = _place(ask.program, negated["x"])
        if place is None:
            return items, ""
        return [i for i in items if i not in _there(place, items)], f" outside {place[1]}"
    place = _place(ask.program, words) if words else None
    if place is None:
        return items, ""
    return _there(place, items), f" in {place[1]}"


_NOT_PLACE = re.compile(r"\b(?:not|except|other than|besides|apart from)\s+(?:in\s+)?(?:the\s+)?"
                        r"(?P<x>.+)$", re.IGNORECASE)


def _there(place: tuple[str, str], items: list[Item]) -> list[Item]:
    """The items in ``place``: ("room", "Saal 1") or ("track", "Security & Hacking")."""
    kind, name = place
    return [i for i in items if (i.room if kind == "room" else i.track) == name]


def _later_in(ask: Ask, words: str) -> tuple[list[Item], str]:
    """What starts after now, in the room or track ``words`` names (see _in_place)."""
    program = ask.program
    return _in_place(ask, words, list(program.scheduled[program.index_after(ask.now):]))


def on_now(ask: Ask, arg: str = "") -> Reply:
    program, now = ask.program, ask.now
    current, where = _in_place(ask, arg, program.on_at(now))
    if where:
        upcoming = _later_in(ask, arg)[0][:1]
        if not current:
            message = (f"Nothing is on{where} right now.",)
            if not upcoming:
                return ask.reply(message, ("Nothing else is scheduled there.",))
            return ask.reply(message, ("Next there:",), **_cards(ask, upcoming))
    else:
        upcoming = program.next_after(now)
    after: list[Line] = []
    if upcoming:
        after.append(("Next: ", upcoming[0].display_title, " at ",
                      Moment(upcoming[0].span[0], relative=True), "."))
    if current:
        narrow = f"Say “what's on now in {current[0].room}” for one room." \
            if _listed(ask, current) else ""
        return ask.reply((f"On now{where or _rooms_note(ask, current)}:",),
                         **_cards(ask, current), after=tuple(after), narrow=narrow)
    first, last = program.first_start, program.last_end
    if first is None or last is None:
        return ask.reply(("The program has no scheduled sessions yet.",))
    if now < first:
        first_up: dict[str, Any] = _cards(ask, upcoming, relative=False) \
            if _listed(ask, upcoming) else {"cards": (ask.card(upcoming[0]),)}
        return ask.reply(
            (f"{program.workshop.full_name} has not started yet; it begins ",
             Moment(first, relative=True), "."),
            ("First up:",),
            **first_up,
        )
    if now >= last:
        return ask.reply(
            (f"{program.workshop.full_name} is over; it ended ", Moment(last, relative=True),
             ". Say “agenda” to see what was on.",),
        )
    return ask.reply(("Nothing is on right now.",), ("Next up:",), **_cards(ask, upcoming))


KIND_MARK = "kind:"  # "next talk": NEXT's argument names a kind, not a room


def up_next(ask: Ask, arg: str = "") -> Reply:
    program = ask.program
    if arg.startswith(KIND_MARK) and (kind := kind_named(arg[len(KIND_MARK):])) is not None:
        return _next_of_kind(ask, kind)
    later, where = _later_in(ask, arg)
    if where:
        if not later:
            return ask.reply((f"Nothing else is scheduled{where}.",))
        first = later[0].start
        return ask.reply((f"Next{where}:",), **_cards(ask, [i for i in later
                                                             if i.start == first]))
    upcoming = program.next_in_each_room(ask.now) if program.many_rooms else \
        program.next_after(ask.now)
    if not upcoming:
        last = program.last_end
        if last is None:
            return ask.reply(("The program has no scheduled sessions yet.",))
        if ask.now < last:
            return ask.reply(("Nothing else is scheduled; the last session ends ",
                              Moment(last, relative=True), "."))
        return ask.reply(("Nothing else is scheduled: the last session ended ",
                          Moment(last, relative=True), "."))
    heading = "Next in each room:" if _listed(ask, upcoming) else "Next up:"
    return ask.reply((heading,), **_cards(ask, upcoming))


def _next_of_kind(ask: Ask, kind: Kind) -> Reply:
    """ "next talk", "next break": the soonest of that kind not yet started (several when
    they start together in different rooms), not whatever is next in general."""
    every = [i for i in one_of_kind(ask.program, kind) if i.is_scheduled]
    if not every:
        return ask.reply((f"There is no {kind.singular} on the program.",))
    later = [i for i in every if i.span[0] >= ask.now]
    if not later:
        return ask.reply((f"No {kind.singular} is still to come on the program.",))
    first = min(i.span[0] for i in later)
    return ask.reply((f"Next {kind.singular}:",),
                     **_cards(ask, [i for i in later if i.span[0] == first]))


HALF_DAY = timedelta(hours=12)
SCOPE = re.compile(r"^(?P<scope>today|tomorrow|all|last day|day \d{1,2}|date \d{1,2}(?:-\d{1,2})?|"
                   + "|".join(WEEKDAYS) + r")\b\s*(?P<where>.*)$")
PLACE_WORDS = re.compile(r"\b(?:track|tracks|room|rooms|hall|stage|stream|channel)\b")


def _current_day(ask: Ask) -> date:
    """The conference day people mean by "today": the first one not yet over."""
    days, ends = ask.program.program_days(), ask.program.day_ends
    return next((d for d in days if ends[d] > ask.now), days[-1])


def tomorrow(ask: Ask) -> date:
    """The day after today, in the workshop's zone (its days are counted there): the
    evening before the event, "tomorrow" is its first day, not its second; after
    midnight, while the evening's sessions go on, today is still that conference day."""
    today = ask.now.astimezone(ask.program.workshop.timezone).date()
    current = _current_day(ask) if ask.program.program_days() else today
    # at 00:30 the conference day that began yesterday is still on: tomorrow is the next
    return min(today, current) + timedelta(days=1)


def _days(ask: Ask, scope: str) -> list[date] | Reply:
    """The conference days ``scope`` means, or the reply saying there is no such day."""
    days = ask.program.program_days()
    if scope == "all" or (len(days) <= 1 and scope == "today"):
        return days
    if scope == "last day":
        return days[-1:]
    if scope.startswith("date "):  # "the 13th", "June 17"
        found = conference_day(days, scope)
        if found is None:
            names = ", ".join(timefmt.long_date(d) for d in days[:7])
            return ask.reply((f"Nothing is scheduled on that date; the program's days are "
                              f"{names}.",), kind="not_found")
        return [found]
    if scope.startswith("day "):
        number = int(scope.split()[1])
        if not 1 <= number <= len(days):
            plural = "day" if len(days) == 1 else "days"
            return ask.reply((f"The program has {len(days)} {plural} ("
                              + ", ".join(timefmt.short_date(d) for d in days[:7])
                              + f"), so there is no day {number}; say “agenda day 1”"
                              + (f" to “agenda day {len(days)}”." if len(days) > 1 else "."),),
                             kind="not_found")
        return [days[number - 1]]
    if scope in WEEKDAYS:
        found = [d for d in days if d.weekday() == WEEKDAYS.index(scope)]
        if not found:
            names = ", ".join(timefmt.long_date(d) for d in days[:7])
            return ask.reply((f"Nothing is scheduled on a {scope.capitalize()}; the program's "
                              f"days are {names}.",), kind="not_found")
        return found[:1]
    current = _current_day(ask)
    if scope == "tomorrow":
        day = tomorrow(ask)
        if day in days:
            return [day]
        names = ", ".join(timefmt.long_date(d) for d in days[:7])
        return ask.reply((f"Nothing is scheduled tomorrow ({timefmt.long_date(day)}); the "
                          f"program's days are {names}.",), kind="not_found")
    return [current]


def _place(program: Program, words: str) -> tuple[str, str] | None:
    """The room or track ``words`` name: ("room", "Saal 1"), ("track", "Security & Hacking")."""
    words = re.sub(r"^(?:the|a|an)\s+", "", words.strip(), flags=re.IGNORECASE)
    wanted = normalize(PLACE_WORDS.sub(" ", words)) or normalize(words)
    if not wanted:
        return None
    candidates = [("room", r) for r in program.rooms] + [("track", t) for t in program.tracks]
    for kind, name in candidates:
        if normalize(name) == wanted:
            return kind, name
    compact = wanted.replace(" ", "")
    for kind, name in candidates:  # "h1012" is Room H 1012
        if len(compact) >= 3 and normalize(name).replace(" ", "").endswith(compact):
            return kind, name
    tokens = wanted.split()
    for kind, name in candidates:
        have = normalize(name).split()
        if all(any(h.startswith(t) for h in have) for t in tokens):
            return kind, name
    found = process.extractOne(wanted, [normalize(n) for _, n in candidates],
                               scorer=fuzz.WRatio, score_cutoff=86)
    return candidates[found[2]] if found else None


def agenda(ask: Ask, scope: str = "today") -> Reply:
    program = ask.program
    match = SCOPE.match(scope or "today")
    days_scope, words = (match["scope"], match["where"].strip()) if match else ("today", scope)
    days = _days(ask, days_scope)
    if isinstance(days, Reply):
        return days
    if not days:
        return ask.reply(("The program has no scheduled sessions yet.",))
    items = [i for i in program.scheduled if program.day_of(i) in days]
    lines: list[Line] = []
    if words and names_workshop(program, words):
        words = ""  # "what's on at the summit": the whole of it
    place = _place(program, words) if words else None
    if place is not None:
        items = _there(place, items)
    elif words and (program.many_rooms or program.tracks):
        # "what's on in Room H 3005?": no such room, and no other room's sessions as if
        return ask.reply(("No room or track matches ", Quote(words), "; " + _places_text(program)
                          + ".",), kind="not_found")
    elif words:  # "list the ML track" on a program of one room without tracks
        lines.append(("The program has no rooms or tracks to narrow to (", Quote(words),
                      "); this is all of it.",))
    # The items are in start order, so the reader's first and last dates are the first
    # and the last item's: two dates worked out, not one per item.
    when = timefmt.long_date(items[0].span[0].astimezone(ask.zone).date() if items
                             else days[0])
    if items and (last := items[-1].span[0].astimezone(ask.zone).date()) != \
            items[0].span[0].astimezone(ask.zone).date():
        when += f" to {timefmt.long_date(last)}"
    what = f" · {place[1]}" if place is not None else ""
    if len(days) == 1 and len(program.program_days()) > 1:
        what += f" (day {program.program_days().index(days[0]) + 1} of " \
                f"{len(program.program_days())})"
    lines.insert(0, (f"{program.workshop.full_name}{what}, {when}", ZoneNote(), ":"))
    after: list[Line] = []
    if not items:
        after.append((f"Nothing in {place[1] if place else 'the program'} on that day.",))
    presented = _presented_in(program)
    unslotted = sum(1 for paper in program.papers
                    if not paper.is_scheduled and paper.session_slug not in presented)
    if unslotted and place is None:
        noun = "paper" if unslotted == 1 else "papers"
        after.append((f"Plus {unslotted} {noun} without a time slot: say “papers” "
                      "to list them.",))
    hosts = [item for item in items if item.slug in presented]
    if hosts:
        after.append((f"Say “when {hosts[0].display_title}” for the papers presented in it.",))
    if days_scope != "all" and len(program.program_days()) > 1:
        after.append(("Say “agenda all” for every day.",))
    return ask.reply(
        *lines,
        cards=tuple(_with_papers(ask.card(item, detail=False), presented.get(item.slug, 0))
                    for item in items),
        layout="list",
        narrow=_narrow_hint(ask, days_scope, place),
        after=tuple(after),
    )


def _presented_in(program: Program) -> dict[str, int]:
    """How many papers each scheduled session presents ("session: posters" on a paper in
    the program file), by the session's id. Those papers have their session's time, so
    the agenda lists them with it, never among the papers "without a time slot"."""
    return {slug: len(papers) for slug, papers in program.presented.items()
            if (host := program.by_slug.get(slug)) is not None and host.is_scheduled
            and not host.is_paper}


def _with_papers(card: Card, papers: int) -> Card:
    """A session's agenda line, saying how many papers it presents: "(3 papers)"."""
    if not papers:
        return card
    count = f"{papers} paper" + ("" if papers == 1 else "s")
    return replace(card, note=f"{card.note}; {count}" if card.note else count)


def _places_text(program: Program) -> str:
    rooms = f"rooms: {', '.join(program.rooms[:12])}" if program.many_rooms else ""
    tracks = f"tracks: {', '.join(program.tracks[:12])}" if program.tracks else ""
    return "; ".join(p for p in (rooms, tracks) if p)


def _narrow_hint(ask: Ask, scope: str, place: tuple[str, str] | None) -> str:
    """How to ask for a shorter agenda, with this program's own names."""
    program = ask.program
    options = []
    if scope == "all" and len(program.program_days()) > 1:
        options.append("“agenda day 2”")
    if place is None and program.many_rooms:
        options.append(f"“agenda {program.rooms[0]}”")
    if place is None and program.tracks:
        options.append(f"“agenda {program.tracks[0]} track”")
    if not options:
        return ""
    return "Say " + ", ".join(options[:-1]) + (" or " if len(options) > 1 else "") + \
        options[-1] + " to see fewer."


def papers(ask: Ask, _arg: str = "") -> Reply:
    found = ask.program.papers
    if not found:
        return ask.reply(("This program lists no papers.",))
    return ask.reply(
        (f"{len(found)} paper{'' if len(found) == 1 else 's'} at "
         f"{ask.program.workshop.full_name}:",),
        cards=tuple(ask.card(item, detail=False, mark_papers=False) for item in found),
        layout="list",
        after=(("Say “about <title>” for one paper's summary.",),),
    )


CLOCK = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ap>am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE
)


def clock_readings(text: str, zone: ZoneInfo) -> list[time]:
    """The times of day ``text`` means for a reader in ``zone``: on a 24-hour clock "11:00"
    is 11:00 only, but a bare small hour ("at 4", "at 2") is also the afternoon's, since
    nobody writes 16 as 4 on a 24-hour clock unless they mean 4 PM."""
    clocks = parse_clock(text)
    if len(clocks) > 1 and not timefmt.uses_12h(zone):
        bare = text.strip().isdigit() and 1 <= int(text.strip()) <= 7
        return clocks if bare else clocks[:1]
    return clocks


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


def who_at(ask: Ask, arg: str, days: set[date] | None = None) -> Reply:
    """Who is on at a clock time, read in the asker's zone (or a zone given after it), or
    a while from now ("+10": in 10 minutes); "<time>|<room>" in that room only."""
    arg, _, room_words = arg.partition("|")
    place = _place(ask.program, room_words) if room_words else None
    if room_words and place is None:
        return ask.reply(("No room or track matches ", Quote(room_words), "; "
                          + (_places_text(ask.program) or "the program has one room") + "."),
                         kind="not_found")
    if arg.startswith("+") and arg[1:].isdigit():
        at = ask.now + timedelta(minutes=int(arg[1:]))
        items = ask.program.on_at(at)
        if not items:
            return _gap_reply(ask, at)
        return ask.reply(("At ", Moment(at, relative=True), f"{_rooms_note(ask, items)}:"),
                         **_cards(ask, items))
    text, _, zone_name = arg.strip().rpartition(" ")
    if "/" not in zone_name:
        text, zone_name = arg.strip(), ""
    zone = ask.zone
    if zone_name:
        try:
            zone = parse_timezone(zone_name)
        except TimezoneError as exc:
            return ask.reply((str(exc).capitalize() + ".",), kind="error")
    clocks = clock_readings(text, zone)  # on a 24-hour clock "11:00" means 11:00, never 23:00
    if not clocks:
        return ask.reply(("I could not read ", Quote(arg), " as a time; try “who is speaking at "
                          "10:15” or “at 3:50 pm”."), kind="error")
    program = ask.program
    first, last = program.first_start, program.last_end
    if first is None or last is None:
        return ask.reply(("The program has no scheduled sessions yet.",))
    candidates = _instants(clocks, zone, first, last)
    if days:  # "… tomorrow": that day's readings only
        workshop_zone = program.workshop.timezone
        candidates = [at for at in candidates if at.astimezone(workshop_zone).date() in days]
    if not candidates:
        return ask.reply(
            ("Nothing is scheduled at ", Quote(text), f" ({zone.key} time); the program runs ",
             Moment(first, last), "."),
            kind="not_found",
        )
    busy = sorted(((at, program.on_at(at)) for at in candidates),
                  key=lambda pair: abs(pair[0] - ask.now))
    # The reading nearest to now: "00:30" asked at 22:00 is tonight's, not last night's,
    # and a gap then is the answer, not a session at that time on another day. Only the
    # other half of a 12-hour clock ("3:50" as 15:50) may win, if something is on then.
    at, items = busy[0]
    if not items:
        close = [(t, found) for t, found in busy[1:] if found and abs(t - ask.now) < HALF_DAY]
        if close:
            at, items = close[0]
    if place is not None:  # "who's in h1012 at 11:30"
        items, there = _in_place(ask, room_words, items)
        if not items:
            return ask.reply(("Nothing is on", there, " at ", Moment(at), "."), kind="not_found")
        return ask.reply(("At ", Moment(at), f"{there}:"), **_cards(ask, items))
    if not items:
        return _gap_reply(ask, at)
    return ask.reply(("At ", Moment(at), f"{_rooms_note(ask, items)}:"), **_cards(ask, items))


def _instants(
    clocks: list[time], zone: ZoneInfo, first: datetime, last: datetime
) -> list[datetime]:
    """Instants within the program for the given clock times, on any of its days."""
    start_day = first.astimezone(zone).date()
    end_day = last.astimezone(zone).date()
    found: list[datetime] = []
    day = start_day
    while day <= end_day:
        for clock in clocks:
            local = datetime.combine(day, clock, tzinfo=zone)
            if first <= local < last and local not in found:
                found.append(local)
        day += timedelta(days=1)
    return found


def _gap_reply(ask: Ask, at: datetime) -> Reply:
    before: Item | None = ask.program.last_before(at)
    after = ask.program.next_after(at)
    lines: list[Line] = [("Nothing is on at ", Moment(at), ".")]
    if before is not None:
        lines.append(("Before: ", before.display_title, ", ended ", Moment(before.span[1]), "."))
    if after:
        lines.append(("After: ", after[0].display_title, " at ", Moment(after[0].span[0]),
                      "."))
    return ask.reply(*lines)
