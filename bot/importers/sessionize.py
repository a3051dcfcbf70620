"""Sessionize's ``view/All`` API JSON: ``sessions``, ``speakers``, ``rooms``, ``categories``.

Sessions point at their speakers (uuids) and room (an id) instead of naming them, so both
are looked up. ``startsAt``/``endsAt`` are local times with no offset and the file names
no zone, so the organizer names it (``--program-timezone``); a file whose times do carry
offsets (some feeds do) is read by them. A category called "Track" gives the track, one
called "Format" or "Session format" the kind; the rest become keywords. Service sessions
(breaks, registration) are kept, as sessions without speakers; sessions with no time
slot yet are left out, with one warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from bot.importers.draft import ProgramDraft, one_line, workshop_id

FORMAT = "Sessionize (view/All) JSON"
TRACK_CATEGORIES = frozenset({"track", "tracks", "topic", "topics"})
FORMAT_CATEGORIES = frozenset({"format", "session format", "session type", "type"})


def looks_like(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("sessions"), list) and (
        isinstance(data.get("speakers"), list) or isinstance(data.get("rooms"), list))


def _by_id(items: object) -> dict[str, Mapping[str, Any]]:
    return {str(i.get("id")): i for i in items if isinstance(i, Mapping)} \
        if isinstance(items, list) else {}


def _speaker_name(speaker: Mapping[str, Any]) -> str:
    full = one_line(speaker.get("fullName"))
    return full or one_line(f"{speaker.get('firstName') or ''} {speaker.get('lastName') or ''}")


def read(data: Mapping[str, Any], label: str, setting: ZoneInfo | None) -> ProgramDraft:
    draft = ProgramDraft(label, FORMAT)
    speakers = _by_id(data.get("speakers"))
    rooms = _by_id(data.get("rooms"))
    categories: dict[str, tuple[str, str]] = {}  # item id -> (category title, item name)
    for category in data.get("categories") or []:
        if isinstance(category, Mapping):
            for item in category.get("items") or []:
                if isinstance(item, Mapping):
                    categories[str(item.get("id"))] = (
                        one_line(category.get("title")).casefold(), one_line(item.get("name")))
    unscheduled = 0
    for session in data["sessions"]:
        if not isinstance(session, Mapping):
            continue
        title = one_line(session.get("title"))
        where = draft.event_label(session.get("id"), title)
        if session.get("id") in (None, ""):
            draft.problem(where, "id", "missing: the session has no id")
            continue
        if not session.get("startsAt"):
            unscheduled += 1
            continue
        start = draft.instant(session.get("startsAt"), setting, where, "startsAt")
        end = draft.instant(session.get("endsAt"), setting, where, "endsAt")
        if start is None or end is None:
            continue
        if end <= start:
            draft.problem(where, "endsAt", "the session ends when or before it starts")
            continue
        track, kind, words = "", "", []
        for item_id in session.get("categoryItems") or []:
            category, name = categories.get(str(item_id), ("", ""))
            if category in TRACK_CATEGORIES and not track:
                track = name
            elif category in FORMAT_CATEGORIES and not kind:
                kind = name
            elif name:
                words.append(name)
        room = rooms.get(str(session.get("roomId")), {})
        people = [_speaker_name(speakers[str(s)]) for s in session.get("speakers") or []
                  if str(s) in speakers]
        hint = kind or ("break" if session.get("isServiceSession") and not people else "")
        draft.add_session(
            key=str(session["id"]), where=where, title=title, start=start, end=end,
            room=room.get("name"), track=track, kind_hint=hint, speakers=people,
            summary=session.get("description"), keywords=words,
            url=session.get("liveUrl") if isinstance(session.get("liveUrl"), str) else None,
        )
    draft.fail_if_any()
    if unscheduled:
        draft.warnings.append(f"{label}: {unscheduled} sessions have no time slot yet and "
                              "were left out")
    if not draft.schedule:
        draft.problem("sessions", "startsAt", "no session has a time slot")
        draft.fail_if_any()
    zone = draft.choose_zone(None, setting)
    name = PurePath(label).stem
    draft.workshop.update({"id": workshop_id(name), "name": name})
    draft.nameless = True  # Sessionize files do not name their event
    draft.finish(zone)
    return draft

