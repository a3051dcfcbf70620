"""pretalx and frab schedule JSON (``/schedule/export/schedule.json``), in both shapes.

The classic shape nests events by day and room: ``schedule.conference.days[].rooms{name:
[event]}``, each event with its full ``date`` (ISO 8601 with offset), a local ``start``
"HH:MM" and a ``duration``. The newer c3voc "schedule 2" shape lists them flat in
``schedule.events[]`` with full ``start`` and ``end`` instants, a room object and
``participants``. Either way an event's instant is its own full timestamp: the "HH:MM"
is only a fallback for files that lack one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.error_values import shown
from bot.importers.draft import (
    ProgramDraft,
    local_zone,
    localized,
    one_line,
    outside_years,
    parse_duration,
    parse_instant,
    workshop_id,
)

FORMAT = "pretalx / frab schedule JSON"


def looks_like(data: object) -> bool:
    schedule = data.get("schedule") if isinstance(data, dict) else None
    return isinstance(schedule, dict) and (
        isinstance(schedule.get("conference"), dict) or isinstance(schedule.get("events"), list)
    )


def _person(value: object) -> str:
    if isinstance(value, Mapping):
        return localized(value.get("public_name") or value.get("name")
                         or value.get("full_public_name") or "")
    return "" if value is None else str(value)


def _room(value: object) -> str:
    return localized(value.get("name")) if isinstance(value, Mapping) else localized(value)


def _track(value: object) -> str:
    """A track's name: text, {"name": …} (c3voc schedule 2), or {"en": …} (pretalx)."""
    if isinstance(value, Mapping) and ("name" in value or "slug" in value):
        return localized(value.get("name") or value.get("slug"))
    return localized(value)


def _day_of(value: object) -> date | None:
    try:
        day = date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
    return None if outside_years(day) else day


class _Reader:
    def __init__(self, draft: ProgramDraft, setting: ZoneInfo | None) -> None:
        self.draft = draft
        self.setting = setting
        self.declared: object = None
        self.offsets: list[datetime] = []

    def event(self, event: Mapping[str, Any], day: date | None, room: str | None,
              day_start: datetime | None) -> None:
        draft = self.draft
        raw_title = event.get("title")
        title = one_line(localized(raw_title))
        ident = event.get("code") or event.get("guid") or event.get("id")
        where = draft.event_label(event.get("id") or ident, title)
        if ident in (None, ""):
            draft.problem(where, "guid", "missing: the event has no guid, code or id")
            return
        if raw_title is not None and not isinstance(raw_title, str | dict):
            draft.problem(where, "title", f"must be text, not {type(raw_title).__name__}")
            return
        start = self.start(event, day, day_start, where)
        if start is None:
            return
        end, had_offset = parse_instant(event.get("end"), start.tzinfo)
        if end is None:
            length = parse_duration(event.get("duration"))
            if length is None:
                draft.problem(where, "duration", f"{shown(event.get('duration'))} is not a "
                              "duration like 00:30, and there is no 'end'")
                return
            end = start + length
        elif had_offset:
            self.offsets.append(end)
        if end <= start:
            draft.problem(where, "end" if event.get("end") else "duration",
                          "the event ends when or before it starts")
            return
        persons = event.get("persons") or event.get("participants") or event.get("speakers")
        draft.add_session(
            key=str(ident), where=where, title=title, start=start, end=end,
            room=_room(event.get("room")) or room, track=_track(event.get("track")), day=day,
            kind_hint=localized(event.get("type")),
            speakers=[_person(p) for p in persons] if isinstance(persons, list) else [],
            summary=localized(event.get("abstract")) or localized(event.get("description")),
            subtitle=localized(event.get("subtitle")),
            url=event.get("url") if isinstance(event.get("url"), str) else None,
        )

    def start(self, event: Mapping[str, Any], day: date | None, day_start: datetime | None,
              where: str) -> datetime | None:
        """The full timestamp (``date``, or ``start`` in the flat shape); else the day's
        date and a local "HH:MM", read in the file's zone and, when earlier than the
        day's start, belonging to the night after it."""
        zone = self.zone_for_local()
        for field_name in ("date", "start"):
            value = event.get(field_name)
            if isinstance(value, str) and "T" in value:
                return self.draft.instant(value, zone, where, field_name, self.offsets)
        clock = event.get("start")
        if isinstance(clock, str) and clock.strip() and day is not None:
            try:
                local = time.fromisoformat(clock.strip())
            except ValueError:
                self.draft.problem(where, "start", f"{shown(clock)} is not a time like 09:30")
                return None
            if zone is None:
                self.draft.needs_zone = True
                return None
            at = datetime.combine(day, local, tzinfo=zone)
            if day_start is not None and at < day_start:
                at += timedelta(days=1)  # 01:00 on a day that started at 11:00
            return at
        self.draft.problem(where, "date", "missing: the event has no start time")
        return None

    def zone_for_local(self) -> ZoneInfo | None:
        return local_zone(self.declared, self.setting)


def read(data: Mapping[str, Any], label: str, setting: ZoneInfo | None) -> ProgramDraft:
    schedule = data["schedule"]
    conference = schedule.get("conference") if isinstance(schedule.get("conference"), dict) \
        else {}
    draft = ProgramDraft(label, FORMAT)
    reader = _Reader(draft, setting)
    reader.declared = conference.get("time_zone_name") or schedule.get("time_zone_name")
    if reader.declared and local_zone(reader.declared, None) is None:
        draft.unknown_zone = one_line(reader.declared)
    listed = conference.get("days")
    days: list[Any] = listed if isinstance(listed, list) else []
    spans: list[tuple[date, datetime | None, datetime | None]] = []
    for day in days:
        if not isinstance(day, dict):
            continue
        when = _day_of(day.get("date"))
        day_start = parse_instant(day.get("day_start"), reader.zone_for_local())[0]
        day_end = parse_instant(day.get("day_end"), reader.zone_for_local())[0]
        if when is not None:
            spans.append((when, day_start, day_end))
        found = day.get("rooms")
        rooms: dict[Any, Any] = found if isinstance(found, dict) else {}
        for room, events in rooms.items():
            for event in events if isinstance(events, list) else ():
                if isinstance(event, dict):
                    reader.event(event, when, str(room), day_start)
    flat = schedule.get("events")
    if isinstance(flat, list):
        for event in flat:
            if isinstance(event, dict):
                start = parse_instant(event.get("start") or event.get("date"),
                                      reader.zone_for_local())[0]
                reader.event(event, _conference_day(start, spans), None, None)
    draft.fail_if_any()
    if not draft.schedule:
        draft.problem("schedule", "events", "the file lists no events")
        draft.fail_if_any()
    zone = draft.choose_zone(reader.declared, setting, reader.offsets)
    draft.workshop.update({
        "id": workshop_id(conference.get("acronym"), localized(conference.get("title"))),
        "name": one_line(localized(conference.get("title"))) or one_line(
            conference.get("acronym")) or "Imported program",
    })
    if isinstance(conference.get("url"), str) or isinstance(schedule.get("base_url"), str):
        draft.workshop["url"] = conference.get("url") or schedule.get("base_url")
    draft.finish(zone, (_day_of(conference.get("start")), _day_of(conference.get("end"))))
    return draft


def _conference_day(start: datetime | None,
                    spans: Iterable[tuple[date, datetime | None, datetime | None]]
                    ) -> date | None:
    """The day (of ``conference.days``) whose span holds ``start``: a flat event at 01:00
    still belongs to the evening before."""
    if start is None:
        return None
    for day, begins, ends in spans:
        if begins is not None and ends is not None and begins <= start < ends:
            return day
    return None
