"""The program file: its schema, validation that names file, item and field, and YAML.

A program is checked completely before anything is written, so a typo in one talk can
never leave half a program in the database. Every problem becomes one line that a
person can act on, e.g.::

    program.yaml: schedule[2] (id 'kraska-talk'): end: ends before it starts

The schema is strict (unknown keys are errors, and so is a key written twice) because a
misspelt optional key, or the first of two, would otherwise be silently ignored. The
YAML is read within bounds (:mod:`bot.bounded_documents`: size, depth, aliases), every
value an error quotes is cut short (:func:`bot.error_values.shown`), and every time and
day must fall in the years the bot keeps time in (:mod:`bot.instant_range`). Programs
read from a conference tool's export (``bot.importers``) are turned into the same shape
and validated by the same rules; their problems name the export's file and event
instead of a position in our YAML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.bounded_documents import DocumentError, load_yaml
from bot.error_values import clipped, shown
from bot.instant_range import check_day, check_instant
from bot.timezones import TimezoneError, parse_timezone

MAX_PROBLEMS = 20  # lines of one error: a screenful, then how many more
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
SessionKind = Literal["talk", "keynote", "remarks", "break", "panel", "poster", "social", "other"]


class ProgramError(Exception):
    """A program file that cannot be used; ``lines`` holds one message per problem, the
    first MAX_PROBLEMS of them and then how many more (a calendar of 50,000 broken
    events is not 50,000 lines)."""

    def __init__(self, lines: list[str]) -> None:
        if len(lines) > MAX_PROBLEMS:
            lines = [*lines[:MAX_PROBLEMS], f"… and {len(lines) - MAX_PROBLEMS:,} more problems"]
        super().__init__("\n".join(lines))
        self.lines = lines


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(
            f"{shown(value)} is not a valid id (lowercase letters, digits and '-', e.g. "
            "'compilergym')"
        )
    return value


def _zone(value: str) -> str:
    try:
        parse_timezone(value)
    except TimezoneError as exc:
        raise ValueError(str(exc)) from None
    return value


def _distinct(names: list[str]) -> list[str]:
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise ValueError(f"{shown(name)} is listed twice")
        seen.add(name.casefold())
    return names


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{value.isoformat()} has no UTC offset; write it like 2021-12-13T09:00:00-08:00"
        )
    return check_instant(value)


Slug = Annotated[StrictStr, AfterValidator(_slug)]
Name = Annotated[StrictStr, Field(min_length=1, max_length=200)]
Zone = Annotated[StrictStr, AfterValidator(_zone)]
Instant = Annotated[datetime, AfterValidator(_aware)]
Day = Annotated[date, AfterValidator(check_day)]
Names = Annotated[list[Name], AfterValidator(_distinct)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class WorkshopSpec(_Strict):
    id: Slug
    name: Name
    venue: StrictStr | None = None
    date: Day
    end_date: Day | None = None
    timezone: Zone
    url: StrictStr | None = None
    summary: StrictStr | None = None
    organizers: Names = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates_in_order(self) -> WorkshopSpec:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError("end_date is before date")
        return self


class PersonSpec(_Strict):
    name: Name
    affiliation: StrictStr | None = None
    discord_id: Annotated[StrictStr, Field(pattern=r"^[0-9]{15,21}$")] | None = None
    slack_id: Annotated[StrictStr, Field(pattern=r"^[UW][A-Z0-9]{2,}$")] | None = None


class PlatformChannels(_Strict):
    """Channel ids on one platform, by purpose."""

    announcements: StrictStr | None = None
    qa: StrictStr | None = None


class ChannelsSpec(_Strict):
    discord: PlatformChannels | None = None
    slack: PlatformChannels | None = None


def _offsets(values: list[int]) -> list[int]:
    if len(set(values)) != len(values):
        raise ValueError("an offset is listed twice")
    return sorted(values, reverse=True)


Offsets = Annotated[
    list[Annotated[int, Field(ge=0, le=10080, strict=True)]], AfterValidator(_offsets)
]


class RemindersSpec(_Strict):
    """Minutes before a session at which the bot reminds people (0 = as it starts)."""

    announce: Offsets = Field(default_factory=lambda: [10, 0])
    speakers: Offsets = Field(default_factory=lambda: [60, 10])
    subscriber_default: Annotated[int, Field(ge=0, le=10080, strict=True)] = 10


class ModeratorsSpec(_Strict):
    """Who may curate questions. A person counts as a moderator on a platform when any
    rule for that platform matches them; the console (the operator's terminal) always
    does."""

    discord_roles: list[Name] = Field(default_factory=list)  # role ids or names
    discord_manage_messages: bool = True  # anyone with Manage Messages in the server
    slack_users: list[Annotated[StrictStr, Field(pattern=r"^[UW][A-Z0-9]{2,}$")]] = Field(
        default_factory=list)
    slack_usergroups: list[Annotated[StrictStr, Field(pattern=r"^S[A-Z0-9]{2,}$")]] = Field(
        default_factory=list)


class QaSpec(_Strict):
    """Q&A settings: with ``premoderation`` new questions wait for a moderator's approval."""

    premoderation: bool = False


class SessionSpec(_Strict):
    """Anything with a place on the timetable: a talk, remarks, a break, a poster session."""

    id: Slug
    kind: SessionKind = "talk"
    title: Name
    start: Instant
    end: Instant
    room: Name | None = "main"  # None: no room (a calendar entry without a location)
    track: Name | None = None
    # The conference day it belongs to, when that is not its start's date: a session at
    # 01:00 after a long first evening still belongs to day 1.
    day: Day | None = None
    speakers: Names = Field(default_factory=list)
    summary: StrictStr | None = None
    keywords: list[Name] = Field(default_factory=list)
    url: StrictStr | None = None

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: datetime, info: Any) -> datetime:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError(
                f"ends before it starts (start {start.isoformat()}, end {end.isoformat()})"
            )
        return end

    @model_validator(mode="after")
    def _talks_have_speakers(self) -> SessionSpec:
        if self.kind in ("talk", "keynote") and not self.speakers:
            raise ValueError(f"a {self.kind} needs at least one speaker (field 'speakers')")
        return self


class PaperSpec(_Strict):
    """An accepted paper; ``session`` places it in a poster or oral session, if any."""

    id: Slug
    title: Name
    authors: Annotated[Names, Field(min_length=1)]
    summary: StrictStr | None = None
    keywords: list[Name] = Field(default_factory=list)
    session: Slug | None = None
    url: StrictStr | None = None


class ProgramSpec(_Strict):
    version: Literal[1] = 1
    workshop: WorkshopSpec
    people: list[PersonSpec] = Field(default_factory=list)
    channels: ChannelsSpec = Field(default_factory=ChannelsSpec)
    reminders: RemindersSpec = Field(default_factory=RemindersSpec)
    moderators: ModeratorsSpec = Field(default_factory=ModeratorsSpec)
    qa: QaSpec = Field(default_factory=QaSpec)
    schedule: list[SessionSpec] = Field(default_factory=list)
    papers: list[PaperSpec] = Field(default_factory=list)


Describe = Callable[[str, int], str | None]
"""For a program read from an export: "file: event 6561 ('Title')" for an entry of the
merged program (by section and index), or None for an entry of our own YAML."""


def yaml_value(text: str, label: str) -> Any:
    """The value of the YAML in ``text``, read within bounds, or a :class:`ProgramError`
    that says where and why it cannot be read."""
    try:
        return load_yaml(text)
    except DocumentError as exc:
        raise ProgramError([f"{label}: {exc.where()}{exc.problem}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ProgramError([f"{label}: {where}not valid YAML ({clipped(problem, 120)})"]
                           ) from None


def read_yaml(text: str, label: str) -> dict[str, Any]:
    """The YAML mapping in ``text``, or a :class:`ProgramError` that says why there is none."""
    raw = yaml_value(text, label)
    if not isinstance(raw, dict):
        raise ProgramError(
            [f"{label}: the file must be a mapping with 'workshop', 'schedule' and 'papers'"]
        )
    return raw


def parse_program(text: str, label: str = "<program>") -> ProgramSpec:
    """Validate program text; ``label`` names the file in error messages."""
    return validate_program(read_yaml(text, label), label)


def validate_program(
    raw: Mapping[str, Any], label: str, describe: Describe | None = None
) -> ProgramSpec:
    """Validate a program in our shape (read from YAML or built from an export)."""
    try:
        spec = ProgramSpec.model_validate(raw)
    except ValidationError as exc:
        raise ProgramError(list(_describe_errors(label, raw, exc.errors(), describe))) from None
    problems = list(_cross_checks(label, spec, describe))
    if problems:
        raise ProgramError(problems)
    return spec


def _where(
    label: str, raw: Mapping[str, Any], loc: tuple[Any, ...], describe: Describe | None
) -> tuple[str, str]:
    """Split a pydantic location into "file: item" and the field path."""
    if len(loc) >= 2 and loc[0] in ("schedule", "papers", "people") and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        field = _field(loc[2:]) or "(entry)"
        origin = describe(section, index) if describe else None
        if origin is not None:
            return origin, field
        entries = raw.get(section)
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        ident = None
        if isinstance(entry, dict):
            ident = entry.get("id") if section != "people" else entry.get("name")
        item = f"{section}[{index}]" + (f" ({'name' if section == 'people' else 'id'} "
                                        f"{shown(ident)})" if isinstance(ident, str) else "")
        return f"{label}: {item}", field
    field = _field(loc) or "(top level)"
    return label, field


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,39}")


def _field(parts: Iterable[Any]) -> str:
    """ "schedule.0.title"; a key that is no plain word is quoted (and cut short), since
    an unknown key is the file's text: it may be 100,000 characters or hold a line break."""
    return ".".join(p if isinstance(p, str) and _PLAIN_KEY.fullmatch(p) else
                    str(p) if isinstance(p, int) else shown(p, 40) for p in parts)


def _data_path(raw: Mapping[str, Any], loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The keys and indexes of a pydantic location that address the data: the names it
    adds for the members of a union ("list[str]", "str") are dropped; the last part stays
    even when the data lacks it (a missing field, an unknown key)."""
    path: list[Any] = []
    here: Any = raw
    for position, part in enumerate(loc):
        addresses = (isinstance(here, Mapping) and part in here) or (
            isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here))
        if addresses:
            here = here[part]
        elif position < len(loc) - 1:
            continue  # a union member's name, not a key
        path.append(part)
    return tuple(path)


def _describe_errors(
    label: str, raw: Mapping[str, Any], errors: Iterable[Any], describe: Describe | None
) -> Iterable[str]:
    for err in errors:
        loc = _data_path(raw, tuple(err["loc"]))
        where, field = _where(label, raw, loc, describe)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; see README, 'The program file')"
        elif err["type"] == "missing":
            message = "missing (this field is required)"
        elif err["type"] == "too_short":
            message = "needs at least one entry"
        elif err["type"] == "string_type":
            message = f"must be text, not {type(err.get('input')).__name__} " \
                      f"{shown(err.get('input'))}"
        yield f"{where}: {field}: {message}"


def _cross_checks(label: str, spec: ProgramSpec, describe: Describe | None) -> Iterable[str]:
    """Rules that span items: unique ids, rooms without overlaps, known session refs, days."""

    def entry(section: str, index: int, ident: str) -> str:
        return (describe(section, index) if describe else None) or \
            f"{label}: {section}[{index}] (id {shown(ident)})"

    def other(section: str, index: int, fallback: str) -> str:
        """Another entry, named as the file names it (its event), else by ``fallback``."""
        found = describe(section, index) if describe else None
        return found.split(": ", 1)[-1] if found else fallback

    seen: dict[str, tuple[str, int]] = {}
    entries: list[tuple[str, int, str]] = [
        ("schedule", i, s.id) for i, s in enumerate(spec.schedule)
    ] + [("papers", i, p.id) for i, p in enumerate(spec.papers)]
    for section, index, ident in entries:
        if ident in seen:
            first = seen[ident]
            yield (f"{entry(section, index, ident)}: id: duplicate id, also used by "
                   f"{other(first[0], first[1], f'{first[0]}[{first[1]}]')}")
        else:
            seen[ident] = (section, index)

    names: dict[str, int] = {}
    for index, person in enumerate(spec.people):
        key = person.name.casefold()
        if key in names:
            yield (f"{label}: people[{index}] (name {shown(person.name)}): name: listed twice, "
                   f"also people[{names[key]}]")
        names.setdefault(key, index)

    by_room: dict[str, list[tuple[int, SessionSpec]]] = {}
    for index, session in enumerate(spec.schedule):
        if session.room is not None:
            by_room.setdefault(session.room, []).append((index, session))
    for room, sessions in by_room.items():
        ordered = sorted(sessions, key=lambda pair: (pair[1].start, pair[0]))
        latest: tuple[int, SessionSpec] | None = None  # the one ending last so far
        for (index, after) in ordered:
            if latest is not None and after.start < latest[1].end:
                before = latest[1]
                yield (f"{entry('schedule', index, after.id)}: start: overlaps "
                       f"{other('schedule', latest[0], shown(before.id))} "
                       f"({before.start.isoformat()} to {before.end.isoformat()}) "
                       f"in room {shown(room)}")
            if latest is None or after.end > latest[1].end:
                latest = (index, after)

    session_ids = {s.id for s in spec.schedule}
    for index, paper in enumerate(spec.papers):
        if paper.session is not None and paper.session not in session_ids:
            yield (f"{entry('papers', index, paper.id)}: session: no schedule entry "
                   f"has id {shown(paper.session)}")

    zone = parse_timezone(spec.workshop.timezone)
    first, last = spec.workshop.date, spec.workshop.end_date or spec.workshop.date
    for index, session in enumerate(spec.schedule):
        starts_on = session.start.astimezone(zone).date()
        day = session.day or starts_on
        if session.day is not None and not (
                starts_on - timedelta(days=1) <= session.day <= starts_on):
            yield (f"{entry('schedule', index, session.id)}: day: {session.day} is neither the "
                   f"day it starts ({starts_on} in {spec.workshop.timezone}) nor the day before")
        elif not first <= day <= last:
            span = first.isoformat() if first == last else f"{first} to {last}"
            yield (f"{entry('schedule', index, session.id)}: start: falls on {day} in "
                   f"{spec.workshop.timezone}, outside the workshop's dates ({span})")


SECTION_ORDER = ("version", "workshop", "people", "channels", "moderators", "qa", "reminders",
                 "schedule", "papers")
KEEP_NULL = frozenset({"room"})  # "no room" differs from the default room


def dump_program(raw: Mapping[str, Any], header: str = "") -> str:
    """A program in our YAML, as an organizer would write it: sections in the usual order,
    times as ISO 8601 in the program's zone, empty fields left out, ``header`` as comments
    on top. Reading it back gives the same program."""
    zone = parse_timezone(str(raw["workshop"]["timezone"]))

    def said(key: str, value: Any, entry: Mapping[str, Any]) -> bool:
        """Whether the YAML needs to say it: not when empty, nor a day that is the start's
        own date."""
        if key == "day" and isinstance(entry.get("start"), datetime):
            return value != entry["start"].astimezone(zone).date()
        return value not in (None, [], {}, "") or key in KEEP_NULL

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(zone).isoformat()
        if isinstance(value, Mapping):
            return {k: plain(v) for k, v in value.items() if said(k, v, value)}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    ordered = {"version": 1, **{k: raw[k] for k in SECTION_ORDER if k in raw},
               **{k: v for k, v in raw.items() if k not in SECTION_ORDER}}
    body = yaml.safe_dump(plain(ordered), sort_keys=False, allow_unicode=True, width=100)
    comments = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return comments + body


def counts(spec: ProgramSpec) -> dict[str, int]:
    """What a program holds, for one-line summaries: events, rooms, days, people, papers."""
    zone = parse_timezone(spec.workshop.timezone)
    people = {n.casefold() for n in spec.workshop.organizers}
    people |= {n.casefold() for s in spec.schedule for n in s.speakers}
    people |= {n.casefold() for p in spec.papers for n in p.authors}
    return {
        "events": len(spec.schedule),
        "rooms": len({s.room for s in spec.schedule if s.room}),
        "days": len({s.day or s.start.astimezone(zone).date() for s in spec.schedule}),
        "people": len(people),
        "papers": len(spec.papers),
    }


def counts_text(found: Mapping[str, int]) -> str:
    """ "138 events, 4 rooms, 4 days, 243 people, 0 papers"."""
    def noun(word: str, n: int) -> str:
        singular = {"people": "person", "days": "day"}.get(word, word.removesuffix("s"))
        return f"{n:,} {word if n != 1 else singular}"

    return ", ".join(noun(word, n) for word, n in found.items())
