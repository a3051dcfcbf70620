"""The program as an iCalendar file (RFC 5545), for people's own calendars.

Two uses: the whole program (``workshop-bot export ics``, and "agenda ics all") and one
person's reminders ("agenda ics"), each session with an alarm at every offset they
chose. Times are written in the program's zone with its ``VTIMEZONE`` (``TZID``), so a
calendar app shows them where they belong and never shifts them; each session's ``UID``
is made from its id and the workshop's, so the same session has the same UID in every
export and a re-imported file updates the events instead of doubling them, and its
``SEQUENCE`` is the program's revision, so an app takes a moved session as an update.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.program import Item, Program

if TYPE_CHECKING:
    import icalendar

# icalendar is imported when a calendar is made, not when the bot starts (see
# bot.importers.ical).

PRODUCT = "-//Workshop Bot//Program//EN"
MIME = "text/calendar"
KIND, TRACK, DAY = "X-WORKSHOP-BOT-KIND", "X-WORKSHOP-BOT-TRACK", "X-WORKSHOP-BOT-DAY"


def uid_of(program: Program, item: Item) -> str:
    """The same UID in every export of this session."""
    return f"{item.slug}@{program.workshop.slug}.workshop-bot"


def _description(item: Item) -> str:
    parts = []
    if item.people:
        parts.append(f"{item.people_label}: {', '.join(p.name for p in item.people)}")
    if item.summary:
        parts.append(item.summary)
    if item.url:
        parts.append(item.url)
    return "\n\n".join(parts)


def _event(program: Program, item: Item, now: datetime, alarms: Iterable[int]) -> icalendar.Event:
    import icalendar

    workshop = program.workshop
    zone = workshop.timezone
    event = icalendar.Event()
    event.add("uid", uid_of(program, item))
    event.add("dtstamp", now.astimezone(UTC))
    start, end = item.span
    event.add("dtstart", start.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    event.add("summary", item.display_title)
    where = item.room if item.room and (program.many_rooms or item.room != "main") else None
    if where or workshop.venue:
        event.add("location", where or workshop.venue)
    if (text := _description(item)):
        event.add("description", text)
    if item.url or workshop.url:
        event.add("url", item.url or workshop.url)
    event.add("categories", [c for c in (item.kind_label, item.track) if c])
    event.add("sequence", workshop.revision)
    # What iCalendar has no property for, for reading our own file back: the kind, the
    # track and the conference day of a session after midnight.
    event.add(KIND, item.kind)
    if item.track:
        event.add(TRACK, item.track)
    if item.day is not None:
        event.add(DAY, item.day.isoformat())
    for minutes in sorted(set(alarms), reverse=True):
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{item.display_title} starts in {minutes} min"
                  if minutes else f"{item.display_title} starts now")
        alarm.add("trigger", timedelta(minutes=-minutes))
        event.add_component(alarm)
    return event


def program_calendar(program: Program, now: datetime,
                     items: Iterable[Item] | None = None,
                     alarms: Mapping[int, Iterable[int]] | None = None,
                     name: str | None = None) -> bytes:
    """``items`` (default: every scheduled session) as an iCalendar file; ``alarms`` maps
    an item's id to the minutes before it at which to remind (its VALARMs)."""
    import icalendar

    workshop = program.workshop
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or workshop.full_name)
    calendar.add("x-wr-timezone", workshop.timezone.key)
    chosen = program.scheduled if items is None else items
    sessions = sorted((i for i in chosen if i.is_scheduled),
                      key=lambda i: (i.span[0], i.slug))
    for item in sessions:
        calendar.add_component(_event(program, item, now, (alarms or {}).get(item.id, ())))
    if sessions:  # the zone's rules for the program's years, not for 1970 to 2038
        first = sessions[0].span[0].date() - timedelta(days=366)
        last = max(i.span[1] for i in sessions).date() + timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
