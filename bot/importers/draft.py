"""What every importer builds: a program in our YAML's shape, and where each entry came from.

Exports are untidy in the same ways whatever tool wrote them, so the tidying lives here
once: HTML and Markdown links stripped from descriptions, every kind of Unicode space
made a plain one, names de-duplicated, empty titles made "TBD", an event's kind guessed
from its type and title, and a stable id made from the event's own key (``guid``,
``UID``, ``code``, Sessionize ``id``) so that re-reading an edited export updates the same
rows. Problems are collected, not raised one at a time, so an organizer sees every bad
event of a file at once; each names the file, the event and the field.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

from bot.error_values import shown
from bot.instant_range import YEARS, check_day
from bot.program_file import SLUG_RE, ProgramError
from bot.timezones import TimezoneError, parse_timezone

UTC_ZONE = ZoneInfo("UTC")
MAX_NAME = 200  # the program file's limit for titles and names
MAX_SUMMARY = 1200  # an abstract, not a whole description: answers show 400 of it
MAX_DURATION = timedelta(days=366)  # of one event: longer is a typo, or a hostile file
TBD = "TBD"
NEEDS_ZONE = ("name the zone with --program-timezone ZONE (or BOT_PROGRAM_TIMEZONE), "
              "e.g. --program-timezone Europe/Berlin")

# An event's kind from words in its type (or, failing that, its title).
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("keynote", ("keynote",)),
    ("break", ("break", "lunch", "coffee", "dinner", "breakfast", "pause")),
    ("panel", ("panel", "podium", "discussion", "fireside")),
    ("poster", ("poster",)),
    ("remarks", ("opening", "closing", "welcome", "remarks", "ceremony")),
    ("social", ("social", "party", "reception", "concert", "performance", "meetup",
                "meet & greet", "networking")),
    ("other", ("workshop", "hands-on", "meeting", "assembly", "tutorial", "game")),
    ("talk", ("talk", "lecture", "presentation", "lightning", "session", "invited")),
)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4",
                         "h5", "h6", "blockquote", "pre", "hr", "table"})
_URLISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)\S+$|^\S*\.html?(?:[?#]\S*)?$", re.I)


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment; block elements become line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def one_line(value: object) -> str:
    """Text on one line: every run of whitespace (U+00A0 and the other Unicode spaces,
    line breaks, tabs) becomes one plain space; composed characters stay composed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\u200b", "").replace("\ufeff", "")
    return " ".join(text.split())


def plain_text(value: object) -> str:
    """A description as the bot shows it: no HTML tags, entities decoded, Markdown links
    reduced to their words, paragraphs joined into one line."""
    text = "" if value is None else str(value)
    if "<" in text and ">" in text:
        parser = _TextOnly()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    elif "&" in text:
        text = html.unescape(text)
    if "](" in text:
        text = _MD_LINK.sub(lambda m: m.group(1), text)
    return one_line(text)


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"


def localized(value: object) -> str:
    """pretalx writes translatable text as {"en": "…", "de": "…"}: English, else the first."""
    if isinstance(value, dict):
        for key in ("en", "en-us", "en-gb"):
            if value.get(key):
                return str(value[key])
        return next((str(v) for v in value.values() if v), "")
    return "" if value is None else str(value)


def names(values: Iterable[object]) -> list[str]:
    """People's names, cleaned, each once (case-insensitively), empty ones dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        name = clip(one_line(value), MAX_NAME)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


_KIND_PATTERNS = tuple(
    (kind, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")(?:s|es)?\b"))
    for kind, words in KIND_WORDS)


def _kind_in(text: str) -> str | None:
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(text):
            return kind
    return None


GENERIC_KINDS = frozenset({None, "talk", "other"})


def guess_kind(kind_hint: str, title: str, has_speakers: bool) -> str:
    """Our kind for an event: from its type ("lecture", "Workshop 60 Min", "keynote"),
    refined by its title when the type says no more than "talk" ("Opening Ceremony",
    "Lunch break"). A talk or keynote needs speakers; without them it is a session."""
    kind = _kind_in(kind_hint.casefold())
    if kind in GENERIC_KINDS:
        kind = _kind_in(title.casefold()) or kind
    if kind is None:
        kind = "talk"
    if kind in ("talk", "keynote") and not has_speakers:
        return "other"
    return kind


def looks_like_link(text: str) -> bool:
    """A calendar's LOCATION that is a web address, not a room."""
    return bool(_URLISH.match(text.strip()))


def slugify(text: str) -> str:
    """ "Saal 1 – Opening" -> "saal-1-opening" (ASCII letters, digits and '-')."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:63].strip("-")


def stable_slug(key: str) -> str:
    """The item id for an event's own key, as stable as the key: a short code or number
    as it is ("MJA8QY" -> "mja8qy", Sessionize's "176149"), anything longer (a frab guid,
    a calendar UID) as a digest of it ("ev-" and 12 hex digits)."""
    key = key.strip()
    if re.fullmatch(r"[A-Za-z0-9]{1,20}", key):
        return key.casefold()
    return "ev-" + hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


def local_zone(declared: object, setting: ZoneInfo | None) -> ZoneInfo | None:
    """Where a time without an offset is read: the zone the file names, else the one the
    organizer named (--program-timezone), else nowhere."""
    name = one_line(declared)
    if name:
        try:
            return parse_timezone(name)
        except TimezoneError:
            pass  # choose_zone() warns about a zone it does not know
    return setting


def _iso_time(text: object) -> datetime | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None


def outside_years(value: date | None) -> str | None:
    """Why a time or day cannot be kept (its year is outside bot.instant_range), or None.
    Such a time is no time to an importer: moving it by an offset or a day could overflow
    (validation then checks the exact bounds of what an importer lets through)."""
    if value is None:
        return None
    try:
        check_day(value.date() if isinstance(value, datetime) else value)
    except ValueError:
        return f"{value.isoformat()} is outside the years {YEARS}, the only ones the bot " \
               "keeps time in"
    return None


def parse_instant(text: object, zone: tzinfo | None) -> tuple[datetime | None, bool]:
    """An ISO 8601 time and whether it carried its own offset; a time without one is read
    in ``zone``. (None, False) when it is not a time at all, falls outside the years the
    bot keeps time in, or there is no zone for it."""
    value = _iso_time(text)
    if value is None or outside_years(value) is not None:
        return None, False
    if value.utcoffset() is not None:
        return value, True
    return (value.replace(tzinfo=zone), False) if zone is not None else (None, False)


def parse_duration(text: object) -> timedelta | None:
    """ "00:30", "01:30:00" (hours, minutes, seconds) or "1:02:30" -> a timedelta."""
    if not isinstance(text, str):
        return None
    parts = text.strip().split(":")
    if not 2 <= len(parts) <= 3 or not all(p.strip().isdigit() and len(p) < 10 for p in parts):
        return None
    hours, minutes, *rest = (int(p) for p in parts)
    length = timedelta(hours=hours, minutes=minutes, seconds=rest[0] if rest else 0)
    return length if length <= MAX_DURATION else None


def _offset_text(at: datetime) -> str:
    """+01:00, as the file writes it."""
    offset = at.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class ProgramDraft:
    """A program read from one export, in the program file's shape (before validation).

    ``origins`` names each schedule entry as the file does ("event 6561 ('Opening')"), for
    error messages; ``declared_days`` are the first and last day the file itself names.
    """

    label: str
    format: str
    workshop: dict[str, Any] = field(default_factory=dict)
    schedule: list[dict[str, Any]] = field(default_factory=list)
    papers: list[dict[str, Any]] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    paper_origins: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    needs_zone: bool = False  # times without an offset, and no zone to read them in
    nameless: bool = False  # the file does not name its event (Sessionize)
    unknown_zone: str | None = None  # the zone the file names, when no such zone exists
    declared_days: tuple[date | None, date | None] = (None, None)
    _keys: dict[str, str] = field(default_factory=dict)

    # -- reporting -------------------------------------------------------------------

    def event_label(self, ident: object, title: str) -> str:
        """ "event 6561 ('31C3 Opening Event')", as the organizer finds it in the file."""
        parts = [clip(one_line(ident), 60)] if ident not in (None, "") else []
        if title:
            parts.append(f"({shown(clip(title, 60))})")
        return " ".join(["event", *parts]) if parts else "an event"

    def problem(self, where: str, field_name: str, message: str) -> None:
        self.problems.append(f"{self.label}: {where}: {field_name}: {message}")

    def fail_if_any(self) -> None:
        """Raise every problem found so far; a file whose times need a zone nobody named
        is refused with that one line (its events are not wrong, only unreadable)."""
        if self.needs_zone and self.unknown_zone:
            raise ProgramError([f"{self.label}: the times in this {self.format} file carry no "
                                f"UTC offset and the zone it names, {shown(self.unknown_zone)}, is "
                                f"not one I know; {NEEDS_ZONE}"])
        if self.needs_zone:
            raise ProgramError([f"{self.label}: the times in this {self.format} file carry no "
                                f"UTC offset and it names no time zone; {NEEDS_ZONE}"])
        if self.problems:
            raise ProgramError(self.problems)

    # -- building --------------------------------------------------------------------

    def instant(self, value: object, zone: ZoneInfo | None, where: str, field_name: str,
                offsets: list[datetime] | None = None) -> datetime | None:
        """A full time from the file: by its own offset, else read in ``zone``. A time
        that needs a zone nobody named marks the file (see fail_if_any); anything else
        that is no time is a problem. Times with offsets go to ``offsets``, for
        choose_zone's check of the file's declared zone."""
        at, had_offset = parse_instant(value, zone)
        if at is None and (outside := outside_years(_iso_time(value))) is not None:
            self.problem(where, field_name, outside)
        elif at is None and zone is None and parse_instant(value, UTC_ZONE)[0] is not None:
            self.needs_zone = True
        elif at is None:
            self.problem(where, field_name, f"{shown(value)} is not an ISO 8601 time")
        elif had_offset and offsets is not None:
            offsets.append(at)
        return at

    def slug_for(self, key: str, where: str) -> str | None:
        """The id for the event keyed ``key``; a key used twice is a problem."""
        slug = stable_slug(key)
        other = self._keys.get(slug)
        if other is not None:
            self.problem(where, "id", f"{shown(key)} is also the id of {other}")
            return None
        self._keys[slug] = where
        return slug

    def add_session(
        self, *, key: str, where: str, title: object, start: datetime, end: datetime,
        room: object = None, track: object = None, day: date | None = None,
        kind_hint: object = "", speakers: Iterable[object] = (), summary: object = None,
        subtitle: object = None, url: object = None, keywords: Iterable[object] = (),
    ) -> None:
        """One scheduled event, tidied into a schedule entry of the program file."""
        slug = self.slug_for(key, where)
        if slug is None:
            return
        people = names(speakers)
        heading = clip(one_line(title), MAX_NAME) or TBD
        about = plain_text(summary)
        extra = plain_text(subtitle)
        if extra and extra.casefold() not in about.casefold():
            about = f"{extra.rstrip('.')}. {about}" if about else extra
        entry: dict[str, Any] = {
            "id": slug,
            "kind": guess_kind(one_line(kind_hint), heading, bool(people)),
            "title": heading,
            "start": start,
            "end": end,
            "room": clip(one_line(room), MAX_NAME) or None,
        }
        if (track_name := clip(one_line(track), MAX_NAME)):
            entry["track"] = track_name
        if day is not None:
            entry["day"] = day
        if people:
            entry["speakers"] = people
        if about:
            entry["summary"] = clip(about, MAX_SUMMARY)
        if (words := names(keywords)):
            entry["keywords"] = words
        if (link := one_line(url)):
            entry["url"] = link
        self.schedule.append(entry)
        self.origins.append(f"{self.label}: {where}")

    def choose_zone(self, declared: object, setting: ZoneInfo | None,
                    offsets: Iterable[datetime] = ()) -> ZoneInfo:
        """The program's display zone: the file's own, else ``setting``
        (--program-timezone), else UTC. Each event keeps the instant its own offset
        gives; a declared zone that disagrees with those offsets gets one warning."""
        name = one_line(declared)
        zone = None
        if name:
            try:
                zone = parse_timezone(name)
            except TimezoneError:
                self.warnings.append(
                    f"{self.label}: the file's time zone {shown(name)} is not one I know; each "
                    f"time is read by its own offset and the program's zone is "
                    f"{(setting or UTC_ZONE).key}" + ("" if setting else
                                                      " (set --program-timezone to choose)"))
        if zone is not None:
            wrong = [at for at in offsets if at.utcoffset() != at.astimezone(zone).utcoffset()]
            if wrong:
                seen = sorted({_offset_text(at) for at in wrong})
                self.warnings.append(
                    f"{self.label}: the file says its times are in {name}, but {len(wrong)} "
                    f"of them carry the offset {', '.join(seen)}; each time is read by its "
                    f"own offset")
            return zone
        return setting or UTC_ZONE

    def finish(self, zone: ZoneInfo, declared: tuple[date | None, date | None] = (None, None)
               ) -> None:
        """The program's zone and dates, now that every event is read."""
        self.workshop["timezone"] = zone.key
        self.declared_days = declared
        settle(self.workshop, self.schedule, declared)

    def raw(self) -> dict[str, Any]:
        """The program file's mapping: what validation and ``import`` take."""
        out: dict[str, Any] = {"workshop": dict(self.workshop), "schedule": list(self.schedule)}
        if self.papers:
            out["papers"] = list(self.papers)
        return out

def settle(workshop: dict[str, Any], schedule: list[dict[str, Any]],
           declared: tuple[date | None, date | None] = (None, None), *,
           keep_dates: bool = False) -> None:
    """The workshop's dates in its zone (``workshop["timezone"]``): from the file's first
    day (or the first event's) to its last (or the last event's), unless ``keep_dates``
    (the organizer wrote them). Every event keeps the ``day`` the file gave it, whatever
    the zone: a day that is its start's own date is only left out when written as YAML."""
    if keep_dates and "date" in workshop:
        return
    zone = parse_timezone(workshop["timezone"])
    days = [entry.get("day") or entry["start"].astimezone(zone).date()
            for entry in schedule if isinstance(entry.get("start"), datetime)]
    first, last = declared
    if days:
        first = min(d for d in (first, min(days)) if d is not None)
        last = max(d for d in (last, max(days)) if d is not None)
    if first is not None:
        workshop["date"] = first
        workshop.pop("end_date", None)
        if last is not None and last != first:
            workshop["end_date"] = last


def workshop_id(*candidates: object) -> str:
    """A workshop id from the file's acronym or title: the first that makes one."""
    for candidate in candidates:
        slug = slugify(one_line(candidate))
        if slug and SLUG_RE.match(slug):
            return slug
    return "imported-program"
