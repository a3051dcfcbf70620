"""frab and Pentabarf schedule XML (frab's ``schedule.xml``, pretalx's, FOSDEM's).

``<schedule><conference>…</conference><day date=…><room name=…><event guid=… id=…>``. A
frab event has its full ``<date>`` with offset, which is its instant. A Pentabarf event
(FOSDEM) has only the day's date and a local ``<start>`` "HH:MM"; it is read in the
file's ``<time_zone_name>``, else in the zone the organizer names, and a time earlier
than the day's change-over (``<day_change>``, or the day's ``start``) belongs to the night
after that day.

The XML is parsed with defusedxml: a file that declares entities (the "billion laughs"
bomb) or refers to external ones is refused, never expanded.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from xml.etree.ElementTree import Element, ParseError
from zoneinfo import ZoneInfo

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from bot.error_values import shown
from bot.importers.draft import (
    ProgramDraft,
    local_zone,
    one_line,
    outside_years,
    parse_duration,
    parse_instant,
    workshop_id,
)
from bot.program_file import ProgramError

FORMAT = "frab / Pentabarf schedule XML"


def parse(data: bytes, label: str) -> Element:
    """The document's root element; one line when the file is not XML we will read."""
    try:
        return safe_xml.fromstring(data)
    except DefusedXmlException as exc:
        raise ProgramError([f"{label}: refused: the XML declares or refers to entities "
                            f"({type(exc).__name__}); a schedule needs none"]) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":", 1)[0]
        raise ProgramError([f"{label}: line {line}, column {column + 1}: not valid XML "
                            f"({reason})"]) from None


def looks_like(root: Element) -> bool:
    return root.tag == "schedule"


def _text(element: Element | None, path: str) -> str:
    found = element.find(path) if element is not None else None
    return "".join(found.itertext()) if found is not None else ""


def _date(text: str | None) -> date | None:
    try:
        day = date.fromisoformat(text.strip()[:10]) if text else None
    except ValueError:
        return None
    return None if outside_years(day) else day


def _clock(text: str) -> time | None:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        return None


def read(root: Element, label: str, setting: ZoneInfo | None) -> ProgramDraft:
    draft = ProgramDraft(label, FORMAT)
    conference = root.find("conference")
    declared = one_line(_text(conference, "time_zone_name"))
    zone_of_clocks = local_zone(declared, setting)
    if declared and local_zone(declared, None) is None:
        draft.unknown_zone = declared
    day_change = _clock(_text(conference, "day_change"))
    offsets: list[datetime] = []
    for day in root.iter("day"):
        when = _date(day.get("date"))
        day_start = parse_instant(day.get("start"), zone_of_clocks)[0]
        if day_start is None and when is not None and day_change is not None and zone_of_clocks:
            day_start = datetime.combine(when, day_change, tzinfo=zone_of_clocks)
        for room in day.iter("room"):
            for event in room.iter("event"):
                _event(draft, event, when, room.get("name"), day_start, zone_of_clocks,
                       offsets)
    draft.fail_if_any()
    if not draft.schedule:
        draft.problem("schedule", "event", "the file lists no events")
        draft.fail_if_any()
    zone = draft.choose_zone(declared, setting, offsets)
    title = one_line(_text(conference, "title"))
    draft.workshop.update({
        "id": workshop_id(_text(conference, "acronym"), title),
        "name": title or one_line(_text(conference, "acronym")) or "Imported program",
    })
    venue = one_line(_text(conference, "venue"))
    if venue:
        draft.workshop["venue"] = venue
    url = one_line(_text(conference, "url") or _text(root, "base_url"))
    if url:
        draft.workshop["url"] = url
    declared_days = (_date(_text(conference, "start")), _date(_text(conference, "end")))
    draft.finish(zone, declared_days)
    return draft


def _event(draft: ProgramDraft, event: Element, day: date | None, room_name: str | None,
           day_start: datetime | None, zone: ZoneInfo | None, offsets: list[datetime]) -> None:
    title = one_line(_text(event, "title"))
    ident = event.get("guid") or event.get("id")
    where = draft.event_label(event.get("id") or ident, title)
    if not ident:
        draft.problem(where, "guid", "missing: the event has no guid or id")
        return
    start = _start(draft, event, day, day_start, zone, where, offsets)
    if start is None:
        return
    length = parse_duration(_text(event, "duration"))
    if length is None or length <= timedelta(0):
        draft.problem(where, "duration",
                      f"{shown(_text(event, 'duration'))} is not a duration like 00:30")
        return
    persons = event.find("persons")
    speakers = ["".join(p.itertext()) for p in persons.iter("person")] if persons is not None \
        else []
    link = event.find("url")
    draft.add_session(
        key=ident, where=where, title=title, start=start, end=start + length,
        room=_text(event, "room") or room_name, track=_text(event, "track"), day=day,
        kind_hint=_text(event, "type"), speakers=speakers,
        summary=_text(event, "abstract") or _text(event, "description"),
        subtitle=_text(event, "subtitle"), url="".join(link.itertext()) if link is not None
        else None,
    )


def _start(draft: ProgramDraft, event: Element, day: date | None, day_start: datetime | None,
           zone: ZoneInfo | None, where: str, offsets: list[datetime]) -> datetime | None:
    """``<date>`` when the event has it (frab); else the day's date and ``<start>``."""
    full = _text(event, "date").strip()
    if full:
        return draft.instant(full, zone, where, "date", offsets)
    clock_text = _text(event, "start").strip()
    if not clock_text:
        draft.problem(where, "start", "missing: the event has no start time")
        return None
    clock = _clock(clock_text)
    if clock is None or day is None:
        draft.problem(where, "start",
                      f"{shown(clock_text)} is not a time like 09:30 on a dated day")
        return None
    if zone is None:
        draft.needs_zone = True
        return None
    at = datetime.combine(day, clock, tzinfo=zone)
    if day_start is not None and at < day_start:
        at += timedelta(days=1)  # 01:00 on a day that began at 11:00 is that day's night
    return at
