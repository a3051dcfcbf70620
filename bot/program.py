"""The program as the bot answers from it: an immutable snapshot read from the database.

Answers must be fast (thousands per second), so questions are answered from this
in-memory snapshot, never with a query per question. The snapshot is rebuilt from the
database whenever the program is (re)loaded, so the database stays the source of truth.
All instants are timezone-aware UTC; comparisons are between instants, never dates.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.messages import Card

TBD_TITLES = frozenset({"tbd", "tba", "to be announced", "to be determined"})
KIND_LABELS = {
    "talk": "Talk",
    "keynote": "Keynote",
    "remarks": "Remarks",
    "break": "Break",
    "panel": "Panel",
    "poster": "Poster session",
    "social": "Social",
    "other": "Session",
    "paper": "Paper",
}


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    affiliation: str | None = None
    discord_id: str | None = None
    slack_id: str | None = None

    def account(self, platform: str) -> str | None:
        """This person's user id on ``platform``, when the program file maps it."""
        return {"discord": self.discord_id, "slack": self.slack_id}.get(platform)


@dataclass(frozen=True, slots=True)
class Item:
    """A talk, a break, remarks or a paper. Papers have a time only through a session."""

    id: int
    slug: str
    kind: str
    title: str
    summary: str | None
    keywords: tuple[str, ...]
    start: datetime | None
    end: datetime | None
    room: str | None
    people: tuple[Person, ...]
    url: str | None = None
    session_slug: str | None = None
    track: str | None = None
    day: date | None = None  # the conference day, when not the start's own date

    @property
    def is_paper(self) -> bool:
        return self.kind == "paper"

    @property
    def has_qa(self) -> bool:
        """Papers and talks get a Q&A thread; breaks and remarks do not."""
        return self.kind in ("paper", "talk", "keynote", "panel", "poster")

    @property
    def is_scheduled(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def title_is_tbd(self) -> bool:
        return self.title.strip().casefold() in TBD_TITLES

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.capitalize())

    @property
    def people_label(self) -> str:
        if self.is_paper:
            return "Author" if len(self.people) == 1 else "Authors"
        return "Speaker" if len(self.people) == 1 else "Speakers"

    @property
    def display_title(self) -> str:
        """The title, or "Talk by Tim Kraska (title TBD)" when the title is not known yet."""
        if self.title_is_tbd and self.people:
            names = ", ".join(p.name for p in self.people)
            return f"{self.kind_label} by {names} (title TBD)"
        return self.title

    @property
    def span(self) -> tuple[datetime, datetime]:
        """Start and end of an item with a time slot: what code working on
        :attr:`Program.scheduled` (only such items) reads, so both are typed as present."""
        if self.start is None or self.end is None:
            raise ValueError(f"{self.slug!r} has no time slot")
        return self.start, self.end

    def is_on_at(self, instant: datetime) -> bool:
        return self.start is not None and self.end is not None and (
            self.start <= instant < self.end)


@dataclass(frozen=True, slots=True)
class ReminderOffsets:
    """Minutes before a session: channel announcements, speaker DMs, attendees' default."""

    announce: tuple[int, ...] = (10, 0)
    speakers: tuple[int, ...] = (60, 10)
    subscriber_default: int = 10


@dataclass(frozen=True, slots=True)
class QaSettings:
    """Q&A rules from the program file: pre-moderation and who moderates."""

    premoderation: bool = False
    discord_roles: tuple[str, ...] = ()
    discord_manage_messages: bool = True
    slack_users: tuple[str, ...] = ()
    slack_usergroups: tuple[str, ...] = ()

    def groups_on(self, platform: str) -> tuple[str, ...]:
        """The groups whose members moderate on ``platform``: what a platform's lookup of
        someone's standing needs to ask about (Slack user groups, Discord roles)."""
        return self.slack_usergroups if platform == "slack" else self.discord_roles


@dataclass(frozen=True, slots=True)
class Workshop:
    slug: str
    name: str
    venue: str | None
    start_date: date
    end_date: date
    timezone: ZoneInfo
    url: str | None
    summary: str | None
    channels: dict[str, dict[str, str]] = field(default_factory=dict)
    reminders: ReminderOffsets = field(default_factory=ReminderOffsets)
    revision: int = 0
    qa: QaSettings = field(default_factory=QaSettings)

    @property
    def full_name(self) -> str:
        return f"{self.name} ({self.venue})" if self.venue else self.name

    def channel(self, platform: str, purpose: str) -> str | None:
        """The channel the program names on ``platform`` for ``purpose`` ("announcements",
        "qa"), or None."""
        return self.channels.get(platform, {}).get(purpose) or None


@dataclass(frozen=True, slots=True)
class Credit:
    """One thing a person does: ``kind`` is speaker, author or organizer."""

    kind: str
    item: Item | None


class Program:
    """A workshop's items and people, with the time queries every answer needs."""

    def __init__(
        self,
        workshop: Workshop,
        items: Iterable[Item],
        people: Iterable[Person],
        organizers: Iterable[Person],
    ) -> None:
        self.workshop = workshop
        self.items: tuple[Item, ...] = tuple(items)
        self.people: tuple[Person, ...] = tuple(people)
        self.organizers: tuple[Person, ...] = tuple(organizers)
        self.by_slug = {item.slug: item for item in self.items}
        self.scheduled: tuple[Item, ...] = tuple(
            sorted(
                (i for i in self.items if i.is_scheduled and not i.is_paper),
                key=lambda i: (i.start, i.end, i.slug),
            )
        )
        self.papers: tuple[Item, ...] = tuple(i for i in self.items if i.is_paper)
        self._starts: list[datetime] = [item.span[0] for item in self.scheduled]
        # Nothing lasts longer than this, so what is on at an instant started at most this
        # long before it: "on_at" looks at those items only, not the whole program.
        self._longest = max((end - start for start, end in (i.span for i in self.scheduled)),
                            default=timedelta(0))
        credits: dict[int, list[Credit]] = {p.id: [] for p in self.people}
        for person in self.organizers:
            credits.setdefault(person.id, []).append(Credit("organizer", None))
        # In time order, whatever the file's (a paper at its session's time), then what
        # has no time in the file's order: every list of a person's items reads in order.
        for item in sorted(self.items, key=_time_order):
            for person in item.people:
                kind = "author" if item.is_paper else "speaker"
                credits.setdefault(person.id, []).append(Credit(kind, item))
        self._credits = credits
        self.rooms: tuple[str, ...] = tuple(dict.fromkeys(
            i.room for i in self.scheduled if i.room))
        self.tracks: tuple[str, ...] = tuple(sorted({i.track for i in self.scheduled
                                                     if i.track}, key=str.casefold))
        self.many_rooms = len(self.rooms) > 1
        zone = workshop.timezone
        # The conference day of everything with a time (a paper: its session's), by item.
        self._days = {id(i): i.day or i.span[0].astimezone(zone).date()
                      for i in self.items if i.is_scheduled}
        self._day_list = sorted({self._days[id(i)] for i in self.scheduled})
        self.day_ends: dict[date, datetime] = {}  # when each conference day's last item ends
        for item in self.scheduled:
            day, end = self._days[id(item)], item.span[1]
            if day not in self.day_ends or end > self.day_ends[day]:
                self.day_ends[day] = end
        # Reply cards by (id(item), detail, relative, mark_papers), with their item, made
        # once per program: a card is a pure function of its item, and answers list the
        # same items over and over (see bot.answers.context.Ask.card).
        self.cards: dict[tuple[int, bool, bool, bool], tuple[Item, Card]] = {}
        # The papers presented in each session ("session: posters" in the program file),
        # by the session's id, in the program's order: what an answer about the session
        # lists and the agenda counts, read from here rather than from every paper.
        self.presented: dict[str, tuple[Item, ...]] = {}
        for paper in self.papers:
            if paper.session_slug is not None:
                self.presented[paper.session_slug] = (
                    *self.presented.get(paper.session_slug, ()), paper)
        self._examples: Examples | None = None  # see examples(): made at the first ask

    @property
    def first_start(self) -> datetime | None:
        return self.scheduled[0].start if self.scheduled else None

    @property
    def last_end(self) -> datetime | None:
        return max((i.end for i in self.scheduled if i.end), default=None)

    def on_at(self, instant: datetime) -> list[Item]:
        """Everything happening at ``instant`` (start inclusive, end exclusive)."""
        upto = bisect.bisect_right(self._starts, instant)
        since = bisect.bisect_left(self._starts, instant - self._longest)
        return [item for item in self.scheduled[since:upto] if item.is_on_at(instant)]

    def overlapping(self, low: datetime, high: datetime) -> list[Item]:
        """Everything on at some time in [low, high): it starts before ``high`` and ends
        after ``low``; like :meth:`on_at`, only the items that started at most the longest
        item's length before ``low`` are looked at."""
        upto = bisect.bisect_left(self._starts, high)
        since = bisect.bisect_left(self._starts, low - self._longest)
        return [item for item in self.scheduled[since:upto] if item.span[1] > low]

    def index_after(self, instant: datetime) -> int:
        """Where the items starting strictly after ``instant`` begin in ``scheduled``."""
        return bisect.bisect_right(self._starts, instant)

    def next_after(self, instant: datetime) -> list[Item]:
        """The items that start soonest strictly after ``instant`` (several if parallel)."""
        index = bisect.bisect_right(self._starts, instant)
        if index >= len(self.scheduled):
            return []
        # in start order: those starting with the first are the ones up to the next start
        return list(self.scheduled[index:bisect.bisect_right(self._starts, self._starts[index])])

    def last_before(self, instant: datetime) -> Item | None:
        """The item that most recently ended at or before ``instant``."""
        ended = [i for i in self.scheduled if i.span[1] <= instant]
        return max(ended, key=lambda i: i.span[1], default=None)

    def credits_of(self, person: Person) -> list[Credit]:
        return list(self._credits.get(person.id, ()))

    def items_of(self, person: Person, kind: str | None = None) -> list[Item]:
        return [
            c.item for c in self._credits.get(person.id, ())
            if c.item is not None and (kind is None or c.kind == kind)
        ]

    def program_days(self) -> list[date]:
        """The conference days: dates in the workshop's own timezone, a session after
        midnight counted with the evening it belongs to."""
        return list(self._day_list)

    def day_of(self, item: Item) -> date | None:
        """The conference day ``item`` belongs to (a paper: its session's)."""
        return self._days.get(id(item))

    def next_in_each_room(self, instant: datetime) -> list[Item]:
        """The next item to start after ``instant`` in every room, soonest first."""
        found: dict[str | None, Item] = {}
        for item in self.scheduled[self.index_after(instant):]:
            if item.room not in found:
                found[item.room] = item
                if len(found) == len(self.rooms) + 1:
                    break
        return sorted(found.values(), key=lambda i: (i.start, self._room_order(i)))

    def _room_order(self, item: Item) -> int:
        return self.rooms.index(item.room) if item.room in self.rooms else len(self.rooms)


def _time_order(item: Item) -> tuple[int, datetime, datetime, str] | tuple[int]:
    """Sort key: items with a time by it (start, end, id), then those without."""
    if item.start is None or item.end is None:
        return (1,)
    return (0, item.start, item.end, item.slug)


@dataclass(frozen=True, slots=True)
class Examples:
    """Names from this program for help texts, so examples always fit the workshop."""

    speaker: str
    last_name: str
    item: str
    author: str
    person: str


def examples(program: Program) -> Examples:
    """The names the help texts use: worked out once per program (every answer that did
    not understand its question shows them)."""
    if program._examples is None:
        program._examples = _examples(program)
    return program._examples


def _examples(program: Program) -> Examples:
    talks = [i for i in program.scheduled if i.people and i.kind in ("talk", "keynote")]
    first = talks[0] if talks else next((i for i in program.scheduled if i.people), None)
    speaker = first.people[0].name if first else "the first speaker"
    paper = program.papers[0] if program.papers else None
    if paper is not None and ":" in paper.title:
        item = paper.title.split(":", 1)[0].strip()
    elif paper is not None:
        item = paper.title
    else:
        item = program.scheduled[0].display_title if program.scheduled else "the first talk"
    author = paper.people[0].name if paper and paper.people else speaker
    person = program.organizers[0].name if program.organizers else speaker
    return Examples(speaker, speaker.split()[-1].casefold(), item, author, person)
