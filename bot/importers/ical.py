"""iCalendar (``.ics``): Google Calendar, Indico, pretalx and OpenReview-based sites.

Parsed with ``icalendar`` (folded lines, escaping, ``VTIMEZONE``s and ``TZID``s are its
business) and expanded with ``recurring-ical-events``, so an ``RRULE`` becomes one session
per occurrence, ``EXDATE``s and moved occurrences included. Each event's instant comes
from its ``DTSTART`` with its ``TZID`` or ``Z``; a floating time (neither) is read in the
calendar's ``X-WR-TIMEZONE``, else in the zone the organizer names. ``VALARM``s are the
calendar owner's own alarms and are ignored; cancelled events (``STATUS:CANCELLED``) are
not scheduled; all-day events are banners ("Day 1"), not sessions, and are left out with
one warning.

A ``LOCATION`` is the room, unless it is a web address (virtual events), which becomes
the event's link. Indico writes the speakers as the first line of ``DESCRIPTION``
("Speakers: Ada Lovelace (Cambridge), …"), which is read back.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.calendar_export import DAY, KIND, TRACK
from bot.error_values import shown
from bot.importers.draft import (
    MAX_DURATION,
    ProgramDraft,
    local_zone,
    looks_like_link,
    one_line,
    outside_years,
    plain_text,
    workshop_id,
)
from bot.program_file import ProgramError

if TYPE_CHECKING:
    import icalendar

# icalendar and recurring-ical-events are imported when a calendar is read, not when the
# bot starts: together they are a twentieth of a second that most programs never need.

FORMAT = "iCalendar"
MAX_OCCURRENCES = 5000  # a program, not a standing weekly meeting expanded for decades
WINDOW = timedelta(days=28)  # how much of the calendar is expanded at a time
SPEAKERS_LINE = re.compile(r"^\s*speakers?\s*:\s*(?P<names>[^\n]+)\n?", re.IGNORECASE)
AFFILIATION = re.compile(r"\s*\([^)]*\)\s*$")
BETWEEN_PEOPLE = re.compile(r"\s*[,;]\s*(?![^()]*\))")  # a comma outside parentheses


def looks_like(text: str) -> bool:
    return text.lstrip().upper().startswith("BEGIN:VCALENDAR")


def _calendar(data: bytes, label: str) -> icalendar.Calendar:
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, KeyError, IndexError) as exc:
        reason = one_line(exc)[:120] or type(exc).__name__
        raise ProgramError([f"{label}: not a valid iCalendar file ({reason})"]) from None
    if not isinstance(calendar, icalendar.Calendar):
        raise ProgramError([f"{label}: not a valid iCalendar file (no VCALENDAR)"])
    return calendar


def _tzid(value: Any) -> str | None:
    """The TZID a DTSTART names (its parameter, or the IANA key of its zone)."""
    params = getattr(value, "params", {}) or {}
    if params.get("TZID"):
        return str(params["TZID"])
    zone = getattr(getattr(value, "dt", None), "tzinfo", None)
    key = getattr(zone, "key", None)
    return key if key and key != "UTC" else None


def _speakers(description: str) -> tuple[list[str], str]:
    """Indico's "Speakers: A (Sorbonne, Paris), B" first line, and the description
    without it. A comma inside an affiliation's parentheses separates no one."""
    match = SPEAKERS_LINE.match(description)
    if match is None:
        return [], description
    people = [AFFILIATION.sub("", name) for name in BETWEEN_PEOPLE.split(match["names"])]
    return people, description[match.end():]


def _value(event: icalendar.Event, name: str) -> Any:
    """A property's value (a date, datetime, duration, rule), None when it is absent;
    ValueError when it is there but unreadable ("DTSTART:garbage")."""
    found = event.get(name)
    if found is None:
        return None
    try:
        return found.dt if hasattr(found, "dt") else found
    except Exception as exc:  # icalendar raises its own errors for a broken value
        text = found.to_ical() if hasattr(found, "to_ical") else found
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        raise ValueError(f"{shown(one_line(text), 60)} is not a valid {name} "
                         f"({type(exc).__name__})") from None


def _events(calendar: icalendar.Component) -> list[icalendar.Event]:
    """The calendar's VEVENTs (``walk`` is typed for any component)."""
    import icalendar

    return [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]


def _repeats_forever(event: icalendar.Event) -> bool:
    """An RRULE (or one of several) with neither COUNT nor UNTIL."""
    rules = event.get("RRULE")
    if rules is None:
        return False
    return any(not ({"COUNT", "UNTIL"} & set(rule)) for rule in
               (rules if isinstance(rules, list) else [rules]) if isinstance(rule, dict))


def _check(draft: ProgramDraft, events: list[icalendar.Event], floating: ZoneInfo | None
           ) -> tuple[list[datetime], list[datetime]]:
    """Every VEVENT's own problems, named; the starts of all and the ends of one-off ones."""
    starts: list[datetime] = []
    ends: list[datetime] = []  # of one-off events: how far the program runs
    seen: dict[str, str] = {}
    for event in events:
        summary = one_line(event.get("SUMMARY"))
        uid = one_line(event.get("UID"))
        where = draft.event_label(uid, summary)
        try:
            start, end, length = (_value(event, k) for k in ("DTSTART", "DTEND", "DURATION"))
            if event.get("RRULE") is not None:
                event["RRULE"].to_ical()
        except ValueError as exc:
            field_name = str(exc).rsplit(" a valid ", 1)[-1].split(" ", 1)[0]
            draft.problem(where, field_name, str(exc))
            continue
        if start is None:
            draft.problem(where, "DTSTART", "missing: the event has no start")
            continue
        outside = next(filter(None, (outside_years(value) for value in (start, end))), None)
        if outside is not None:
            draft.problem(where, "DTSTART" if outside_years(start) else "DTEND", outside)
            continue
        if length is not None and abs(length) > MAX_DURATION:
            draft.problem(where, "DURATION", f"{length.days:,} days: longer than a program")
            continue
        if not uid:
            draft.problem(where, "UID", "missing: the event has no UID")
        elif event.get("RECURRENCE-ID") is None:
            if uid in seen:
                draft.problem(where, "UID", f"{shown(uid)} is also the UID of {seen[uid]}")
            seen[uid] = where
        if not isinstance(start, datetime):
            continue  # all day
        if start.tzinfo is None:
            tzid = (event["DTSTART"].params or {}).get("TZID")
            if tzid:
                draft.problem(where, "DTSTART", f"TZID {shown(str(tzid))} is neither a zone I "
                              "know nor one of the calendar's VTIMEZONEs")
                continue
            if floating is None:
                draft.needs_zone = True
                continue
            start = start.replace(tzinfo=floating)
        starts.append(start)
        if event.get("RRULE") is None:
            if isinstance(end, datetime):
                ends.append(end if end.tzinfo else end.replace(tzinfo=floating))
            elif length is not None:
                ends.append(start + length)
    return starts, ends


def read(data: bytes, label: str, setting: ZoneInfo | None) -> ProgramDraft:
    draft = ProgramDraft(label, FORMAT)
    calendar = _calendar(data, label)
    events = _events(calendar)
    if not events:
        raise ProgramError([f"{label}: the calendar holds no events (no VEVENT)"])
    declared = one_line(calendar.get("X-WR-TIMEZONE"))
    floating_zone = local_zone(declared, setting)
    if declared and local_zone(declared, None) is None:
        draft.unknown_zone = declared
    starts, ends = _check(draft, events, floating_zone)
    draft.fail_if_any()
    if not starts:
        raise ProgramError([f"{label}: the calendar holds no timed events to schedule "
                            "(only all-day ones)"])
    occurrences = _occurrences(calendar, starts, ends, label)
    uid_counts = Counter(str(e.get("UID")) for e in occurrences)
    used_zones: Counter[str] = Counter()
    all_day: list[str] = []
    for event in occurrences:
        summary = one_line(event.get("SUMMARY"))
        uid = str(event.get("UID"))
        where = draft.event_label(uid, summary)
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue  # not on the program any more
        start_value = event.get("DTSTART")
        start, end = start_value.dt, event.get("DTEND").dt if event.get("DTEND") else None
        if not isinstance(start, datetime):
            all_day.append(summary or uid)
            continue
        if start.tzinfo is None:
            start = start.replace(tzinfo=floating_zone)
        if isinstance(end, datetime) and end.tzinfo is None:
            end = end.replace(tzinfo=floating_zone)
        if not isinstance(end, datetime) or end <= start:
            draft.problem(where, "DTEND", "the event ends when it starts (no DTEND or "
                          "DURATION after its DTSTART)")
            continue
        if (tzid := _tzid(start_value)) is not None:
            used_zones[tzid] += 1
        draft.add_session(
            key=_occurrence_key(event, uid, uid_counts[uid], start), where=where,
            title=summary, start=start, end=end, **_place_and_words(event),
        )
    if all_day:
        listed = "; ".join(all_day[:3]) + (f" and {len(all_day) - 3} more" if len(all_day) > 3
                                           else "")
        draft.warnings.append(f"{label}: {len(all_day)} all-day events are not sessions and "
                              f"were left out ({listed})")
    draft.fail_if_any()
    if not draft.schedule:
        raise ProgramError([f"{label}: the calendar holds no timed events to schedule"])
    common = used_zones.most_common(1)[0][0] if used_zones else None
    zone = draft.choose_zone(declared or common, setting)
    name = one_line(calendar.get("X-WR-CALNAME") or calendar.get("NAME"))
    stem = re.sub(r"\.ics$", "", label.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    draft.workshop.update({"id": workshop_id(name, stem), "name": name or stem})
    draft.finish(zone)
    return draft


def _occurrence_key(event: icalendar.Event, uid: str, count: int, start: datetime) -> str:
    """An occurrence's own key: its UID, and for one of a series the slot it was planned
    in (its RECURRENCE-ID), so an occurrence moved to another day is the same session,
    moved, not one removed and another added."""
    if count == 1:
        return uid
    planned = event.get("RECURRENCE-ID")
    slot = planned.dt if planned is not None else start
    if isinstance(slot, datetime) and slot.tzinfo is not None:
        return f"{uid}#{slot.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"
    return f"{uid}#{slot:%Y%m%dT%H%M%S}" if isinstance(slot, datetime) else f"{uid}#{slot}"


def _place_and_words(event: icalendar.Event) -> dict[str, Any]:
    """Room (a LOCATION that is a web address is the link), link, speakers, summary."""
    location = one_line(event.get("LOCATION"))
    link = one_line(event.get("URL"))
    if location and looks_like_link(location):
        link, location = link or location, ""
    speakers, description = _speakers(str(event.get("DESCRIPTION") or ""))
    found: dict[str, Any] = {"room": location or None, "url": link or None,
                             "speakers": speakers, "summary": plain_text(description),
                             "keywords": event.categories}
    if event.get(KIND) is not None:  # a file we wrote (bot.calendar_export): as it was
        day = str(event.get(DAY) or "")
        found.update(kind_hint=str(event[KIND]), track=event.get(TRACK),
                     day=date.fromisoformat(day) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)
                     else None, keywords=[])
        if description.startswith(("Speaker: ", "Speakers: ", "Author: ", "Authors: ")):
            names, _, rest = description.partition("\n\n")
            found.update(speakers=names.split(": ", 1)[1].split(", "),
                         summary=plain_text(rest))
    return found


def _occurrences(calendar: icalendar.Calendar, starts: list[datetime], ends: list[datetime],
                 label: str) -> list[icalendar.Event]:
    """Every occurrence, in order. The program's span runs from the first start to the
    last one-off event's end (at least two weeks); a series without a COUNT or UNTIL (a
    standing weekly meeting) is read only within it, one with either is read whole.
    Reading stops at MAX_OCCURRENCES, so no calendar keeps the bot busy for long."""
    import icalendar

    unbounded = {str(e.get("UID")) for e in _events(calendar) if _repeats_forever(e)}
    horizon = max([*ends, min(starts) + timedelta(days=14)])
    found = _expand(calendar, label, until=horizon)
    if unbounded:  # read on without them
        bounded = icalendar.Calendar()
        for key, value in calendar.property_items(recursive=False)[1:-1]:
            bounded.add(key, value)
        for component in calendar.subcomponents:
            if component.name != "VEVENT" or str(component.get("UID")) not in unbounded:
                bounded.add_component(component)
        calendar = bounded
    later = _expand(calendar, label, after=horizon, until=horizon + timedelta(days=5 * 366),
                    limit=MAX_OCCURRENCES - len(found))
    return found + later


def _expand(calendar: icalendar.Calendar, label: str, *, until: datetime,
            after: datetime | None = None, limit: int = MAX_OCCURRENCES
            ) -> list[icalendar.Event]:
    """The occurrences that start after ``after`` (default: at any time) and by ``until``,
    in order; read a few weeks at a time so that reading stops soon after ``limit``."""
    import icalendar
    import recurring_ical_events

    begin = after or min(
        _instant(e.get("DTSTART").dt, until) for e in calendar.walk("VEVENT")) - timedelta(1)
    found: list[icalendar.Event] = []
    try:
        query = recurring_ical_events.of(calendar)
        while begin < until:
            end = min(begin + WINDOW, until)
            for occurrence in query.between(begin, end):
                if isinstance(occurrence, icalendar.Event) and (
                        begin < _instant(occurrence.get("DTSTART").dt, until) <= end):
                    found.append(occurrence)  # (an overlap from before is the last window's)
            if len(found) > limit:
                raise ProgramError([f"{label}: the calendar's repeating events make more than "
                                    f"{MAX_OCCURRENCES} sessions; is this a conference "
                                    "program?"])
            begin = end
    except ProgramError:
        raise
    except Exception as exc:  # the library's own errors: a rule it cannot follow
        raise ProgramError([f"{label}: the calendar's repeating events cannot be read "
                            f"({type(exc).__name__}: {one_line(exc)[:120]})"]) from None
    return sorted(found, key=lambda e: _instant(e.get("DTSTART").dt, until))


def _instant(value: date | datetime, like: datetime) -> datetime:
    """A DTSTART as an instant to compare: a date at midnight, a floating time in the
    zone of ``like``."""
    at = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
    return at if at.tzinfo is not None else at.replace(tzinfo=like.tzinfo)
