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
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.importers.draft import (
    ProgramDraft,
    local_zone,
    looks_like_link,
    one_line,
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
SPEAKERS_LINE = re.compile(r"^\s*speakers?\s*:\s*(?P<names>[^\n]+)\n?", re.IGNORECASE)
AFFILIATION = re.compile(r"\s*\([^)]*\)\s*$")


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
    """Indico's "Speakers: A (Affil), B" first line, and the description without it."""
    match = SPEAKERS_LINE.match(description)
    if match is None:
        return [], description
    people = [AFFILIATION.sub("", name) for name in match["names"].split(",")]
    return people, description[match.end():]


def read(data: bytes, label: str, setting: ZoneInfo | None) -> ProgramDraft:
    draft = ProgramDraft(label, FORMAT)
    calendar = _calendar(data, label)
    events = calendar.walk("VEVENT")
    if not events:
        raise ProgramError([f"{label}: the calendar holds no events (no VEVENT)"])
    declared = one_line(calendar.get("X-WR-TIMEZONE"))
    floating_zone = local_zone(declared, setting)

    starts: list[datetime] = []
    ends: list[datetime] = []  # of one-off events: how far the program runs
    for event in events:
        summary = one_line(event.get("SUMMARY"))
        where = draft.event_label(event.get("UID"), summary)
        start = event.get("DTSTART")
        if start is None:
            draft.problem(where, "DTSTART", "missing: the event has no start")
            continue
        if not event.get("UID"):
            draft.problem(where, "UID", "missing: the event has no UID")
        value = start.dt
        if isinstance(value, datetime):
            if value.tzinfo is None:
                if floating_zone is None:
                    draft.needs_zone = True
                    continue
                value = value.replace(tzinfo=floating_zone)
            starts.append(value)
            if event.get("RRULE") is None:
                length = event.get("DURATION")
                ending = event.get("DTEND")
                if ending is not None and isinstance(ending.dt, datetime):
                    ends.append(ending.dt if ending.dt.tzinfo else
                                ending.dt.replace(tzinfo=floating_zone))
                elif length is not None:
                    ends.append(value + length.dt)
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
        key = uid if uid_counts[uid] == 1 else \
            f"{uid}#{start.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"
        location = one_line(event.get("LOCATION"))
        link = one_line(event.get("URL"))
        if location and looks_like_link(location):
            link, location = link or location, ""
        speakers, description = _speakers(str(event.get("DESCRIPTION") or ""))
        description = plain_text(description)
        draft.add_session(
            key=key, where=where, title=summary, start=start, end=end, room=location or None,
            speakers=speakers, summary=description, url=link or None, keywords=event.categories,
        )
    if all_day:
        shown = "; ".join(all_day[:3]) + (f" and {len(all_day) - 3} more" if len(all_day) > 3
                                          else "")
        draft.warnings.append(f"{label}: {len(all_day)} all-day events are not sessions and "
                              f"were left out ({shown})")
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


def _occurrences(calendar: icalendar.Calendar, starts: list[datetime], ends: list[datetime],
                 label: str) -> list[icalendar.Event]:
    """Every occurrence, in order. A series with a COUNT or an UNTIL is expanded whole; one
    without either (a standing weekly meeting) only within the program's span: up to the
    last one-off event's end, and at least two weeks."""
    import recurring_ical_events

    unbounded = {str(e.get("UID")) for e in calendar.walk("VEVENT")
                 if e.get("RRULE") is not None and not ({"COUNT", "UNTIL"} & set(e["RRULE"]))}
    horizon = max([*ends, min(starts) + timedelta(days=14)])
    give_up = horizon + timedelta(days=5 * 366)  # bounded series end long before this
    found: list[icalendar.Event] = []
    for occurrence in recurring_ical_events.of(calendar).all():
        start = occurrence.get("DTSTART").dt
        at = start if isinstance(start, datetime) else datetime.combine(start, datetime.min.time())
        at = at if at.tzinfo is not None else at.replace(tzinfo=horizon.tzinfo)
        if at > give_up:
            break
        if at > horizon and str(occurrence.get("UID")) in unbounded:
            continue
        found.append(occurrence)
        if len(found) > MAX_OCCURRENCES:
            raise ProgramError([f"{label}: the calendar's repeating events make more than "
                                f"{MAX_OCCURRENCES} sessions; is this a conference program?"])
    return found
