"""SQLModel tables: the workshop, its items (talks, breaks, papers), people and roles.

Talks and papers share one ``Item`` table (``kind`` tells them apart) because every
feature that follows treats them alike: each can be asked about, reminded of and
discussed in a Q&A thread. Times are UTC instants (see :class:`UTCDateTime`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
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
