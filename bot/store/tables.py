"""SQLModel tables: the workshop, its items (talks, breaks, papers), people and roles.

Talks and papers share one ``Item`` table (``kind`` tells them apart) because every
feature that follows treats them alike: each can be asked about, reminded of and
discussed in a Q&A thread. Times are UTC instants (see :class:`UTCDateTime`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


class Workshop(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=63)
    name: str
    venue: str | None = None
    start_date: date
    end_date: date
    timezone: str
    url: str | None = None
    summary: str | None = Field(default=None, sa_column=Column(Text))
    # Platform channel ids by purpose, as JSON text: {"discord": {"announcements": "..."}}.
    channels_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    # Who moderates Q&A and how, as JSON text (the program file's moderators and qa).
    qa_json: str = Field(default="{}", sa_column=Column(Text, nullable=False,
                                                        server_default="{}"))
    # Reminder offsets in minutes, as JSON text: {"announce": [10, 0], ...}.
    reminders_json: str = Field(default="{}", sa_column=Column(Text, nullable=False,
                                                               server_default="{}"))
    revision: int = Field(default=0, description="bumped by every change to the program")
    # Bumped with every change of the Q&A threads (bot.store.qa.save_thread), so running
    # processes see threads another one created or recreated (bot.qa.threads).
    qa_revision: int = Field(default=0, sa_column=Column(Integer, nullable=False,
                                                         server_default="0"))
    # When the program was last saved (real time): a process starting with a program
    # file last changed before that does not roll it back (bot.app.open_core).
    revised_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Person(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workshop_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    key: str = Field(description="case-folded name; how a person is recognised across edits")
    name: str
    affiliation: str | None = None
    discord_id: str | None = None
    slack_id: str | None = None


class Item(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("workshop_id", "slug"),
        Index("ix_item_workshop_start", "workshop_id", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id")
    slug: str = Field(max_length=63)
    kind: str
    title: str
    summary: str | None = Field(default=None, sa_column=Column(Text))
    keywords: str = Field(default="", description="keywords joined by '\\n'")
    start: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    end: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    room: str | None = None
    track: str | None = None
    day: date | None = Field(default=None, description="the conference day, when it is not "
                             "the start's own date (a session after midnight)")
    url: str | None = None
    session_slug: str | None = Field(default=None, description="for papers: their session")
    position: int = Field(default=0, description="order in the program file")
    active: bool = Field(
        default=True, description="False once removed from the program; kept for history"
    )


class Role(SQLModel, table=True):
    """What a person does: speaks at or wrote an item, or organizes the workshop."""

    __table_args__ = (Index("ix_role_workshop_person", "workshop_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id")
    person_id: int = Field(foreign_key="person.id")
    item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    kind: str = Field(description="speaker, author or organizer")
    position: int = 0


class UserPreference(SQLModel, table=True):
    """A chat user's settings, per platform (the same human has different ids)."""

    platform: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=64)
    timezone: str | None = None
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Subscription(SQLModel, table=True):
    """An attendee asked to be reminded ``offset_minutes`` before an item starts."""

    __table_args__ = (UniqueConstraint("item_id", "platform", "user_id", "offset_minutes"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    platform: str = Field(max_length=32)
    user_id: str = Field(max_length=64)
    offset_minutes: int
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Delivery(SQLModel, table=True):
    """The ledger of reminders: one row per decision, keyed so nothing is sent twice.

    A row is inserted (claimed) before the platform is called and marked sent after it
    accepts; ``claimed_at`` is real time, so a claim left by a crashed process can be
    recognised as stale and recovered.
    """

    key: str = Field(primary_key=True, max_length=400)
    kind: str = Field(max_length=32)
    item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    offset_minutes: int | None = None
    revision: int | None = Field(default=None, description="for change notices")
    platform: str = Field(max_length=32)
    target: str = Field(max_length=128)
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: str = Field(max_length=16, index=True, description="claimed, sent, failed, dropped")
    claimed_by: str | None = Field(default=None, max_length=128)
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    message_ref: str | None = Field(default=None, max_length=128)
    error: str | None = Field(default=None, max_length=500)


class Receipt(SQLModel, table=True):
    """A platform event the bot acted on (Slack's ``event_id``, a command's or a button's
    ``trigger_id``): the primary key lets one process act on it, however many receive it
    (Slack's retries land on any instance behind a load balancer). Old rows are deleted."""

    platform: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=128)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class DirectChannel(SQLModel, table=True):
    """The DM channel a platform uses for a user, remembered to save a request per DM."""

    platform: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=64)
    channel_id: str = Field(max_length=64)


class ProgramChange(SQLModel, table=True):
    """What one reload changed (sessions moved, removed, added), for change notices."""

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    revision: int
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    changes_json: str = Field(sa_column=Column(Text, nullable=False))


class QaThread(SQLModel, table=True):
    """Where an item's Q&A lives on one platform: a Discord thread or forum post, or a
    Slack parent message whose thread holds the questions."""

    __table_args__ = (UniqueConstraint("item_id", "platform"),
                      Index("ix_qathread_platform_thread", "platform", "thread_id"))

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    platform: str = Field(max_length=32)
    channel_id: str = Field(max_length=64)
    thread_id: str = Field(max_length=64, description="Discord thread id; Slack parent ts")
    starter_id: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Question(SQLModel, table=True):
    """One question, from any platform: one queue per item across Discord and Slack."""

    __table_args__ = (UniqueConstraint("platform", "message_ref"),
                      Index("ix_question_item_status", "item_id", "status"))

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    platform: str = Field(max_length=32)
    author_id: str = Field(max_length=64)
    author_name: str | None = Field(default=None, max_length=200)
    anonymous: bool = False
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=16, description="pending, open, answered or hidden")
    reason: str | None = Field(default=None, max_length=500)
    answer: str | None = Field(default=None, sa_column=Column(Text))
    answered_by: str | None = Field(default=None, max_length=200)
    message_ref: str | None = Field(default=None, max_length=128,
                                    description="the platform's id of the question message")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Vote(SQLModel, table=True):
    """One person's upvote of one question: the primary key makes it one vote each."""

    question_id: int = Field(foreign_key="question.id", primary_key=True)
    platform: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=64)
    source: str = Field(default="command", max_length=16, description="reaction or command")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CalendarFeed(SQLModel, table=True):
    """The secret address of one person's calendar feed (``/ics/u/<token>.ics``): the token
    is the only thing a calendar app sends, so it is the key; one live token per person
    (the unique pair), which "agenda feed reset" replaces, killing the old address."""

    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    token: str = Field(primary_key=True, max_length=64)
    platform: str = Field(max_length=32)
    user_id: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
