"""The value types that cross the border between the core and the adapters.

An adapter turns a platform event into an :class:`IncomingMessage`, hands it to the
core, and turns the :class:`Reply` it gets back into platform calls. Replies are
structured rather than pre-rendered text because each platform shows times and user
text differently: a :class:`Moment` becomes ``<!date^...>`` on Slack, ``<t:...>`` on
Discord and "9:30 AM PST" in the console, and a :class:`Quote` (text a user typed) is
escaped by each adapter so it can never ping a channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

APOLOGY = "Sorry, I could not answer that just now. Please try again in a moment."


@dataclass(frozen=True, slots=True)
class UserRef:
    """A chat user on one platform."""

    platform: str
    id: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """Something a user said to the bot.

    ``command`` is set when the platform already parsed a command (a Discord slash
    command ``/when`` with its option in ``text``); otherwise ``text`` is free text.
    ``zone`` is an explicit timezone for this one message (the CLI's ``--tz``); it wins
    over the user's saved preference. ``roles`` and ``permissions`` are what the platform
    knows of the asker (Discord role ids and names, Slack user groups; "manage_messages"),
    for the core to decide who moderates.
    """

    user: UserRef
    text: str
    command: str | None = None
    channel_id: str | None = None
    thread_id: str | None = None
    is_direct: bool = False
    zone: ZoneInfo | None = None
    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = frozenset()

    @property
    def platform(self) -> str:
        return self.user.platform


@dataclass(frozen=True, slots=True)
class Moment:
    """An instant (or a span) each reader should see in their own timezone."""

    start: datetime
    end: datetime | None = None
    relative: bool = False


@dataclass(frozen=True, slots=True)
class Quote:
    """Text from a user (what they typed, or their display name), repeated back. Adapters
    neutralise mentions, links and markup in it, which is why every piece of it in a
    reply must be a Quote, never part of a plain string. It is shortened to ``limit``
    characters (a search term briefly, a question whole) and shown in quotation marks,
    unless ``marks`` is False (a name, a reason in brackets: it reads as it stands)."""

    text: str
    limit: int = 80
    marks: bool = True


@dataclass(frozen=True, slots=True)
class ZoneNote:
    """Says which timezone the plain text's times are in, " (times in Europe/Berlin)".
    Platforms that show every time in each reader's own zone leave it out."""


Segment = str | Moment | Quote | ZoneNote
Line = tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Card:
    """One program item in an answer."""

    slug: str
    kind_label: str
    title: str
    people_label: str = ""
    people: tuple[str, ...] = ()
    summary: str | None = None
    when: Moment | None = None
    room: str | None = None
    url: str | None = None
    note: str | None = None
    day: date | None = None  # the conference day: a list of several days is grouped by it


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that goes with a reply (a Q&A export)."""

    filename: str
    data: bytes
    mime: str


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer: lines of text, then cards, then closing lines.

    ``layout`` "list" shows each card on one line (an agenda), under a heading per day
    when the cards span several; "detail" shows each card in full (one talk). ``more``
    counts cards left out for length, and ``narrow`` then says how to ask for fewer
    ("say “agenda day 2” …"). ``private`` asks for
    an ephemeral answer where the platform has them (None: the adapter's default).
    ``zone`` and ``now`` are what the text fallback is rendered with; ``text`` is that
    fallback, filled in once by :func:`bot.render_text.fit` so no adapter renders it again.
    ``subject`` is what the answer was about, for a follow-up ("and after that?"): an
    item ("#slug"), a person ("~name"), an instant ("@iso") or "workshop"; empty when it
    is one card's item, or nothing. ``secret``: the answer holds a credential (a login or
    feed link), which the core never lets be posted where others read it.
    """

    lines: tuple[Line, ...]
    zone: ZoneInfo
    now: datetime
    cards: tuple[Card, ...] = ()
    layout: Literal["list", "detail"] = "detail"
    more: int = 0
    narrow: str = ""
    after: tuple[Line, ...] = ()
    private: bool | None = None
    kind: Literal["answer", "help", "not_found", "error"] = "answer"
    text: str = ""
    attachment: Attachment | None = None
    subject: str = ""
    secret: bool = False  # holds a link only the asker may have: never shown in a channel


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a message; pressing it sends ``command`` with ``value`` as its text
    (the "Remind me" button sends ``remind`` with the item's id)."""

    label: str
    command: str
    value: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message the bot sends on its own: a reminder, an announcement, a change notice.

    ``key`` is its ledger key: the same key is the same message, which platforms use to
    refuse a duplicate (Discord's nonce) or to find it again after a crash (Slack's
    message metadata). ``direct`` means ``target`` is a user to DM, else a channel id.
    """

    key: str
    platform: str
    target: str
    direct: bool
    reply: Reply
    buttons: tuple[Button, ...] = ()
    label: str = ""  # who or what it is for, in words, for logs and the console


@dataclass(frozen=True, slots=True)
class ThreadRef:
    """Where one item's Q&A lives on one platform."""

    platform: str
    channel_id: str
    thread_id: str
    starter_id: str | None = None
    url: str | None = None  # a link people can open, where the platform has one


@dataclass(frozen=True, slots=True)
class QuestionView:
    """A question as a platform shows it (anonymous ones without their author)."""

    id: int
    item_slug: str
    item_title: str
    text: str
    asked_by: str  # a display name, or "anonymous"
    status: str
    votes: int
    platform: str
    message_ref: str | None = None
    answer: str | None = None
    answered_by: str | None = None
    reason: str | None = None
