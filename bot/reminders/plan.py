"""Which reminders exist: derived from the program and the subscriptions, never stored.

A :class:`Slot` is one moment for one session (Tim Kraska's talk, 10 minutes before,
channel announcement). Every message sent for it has a deterministic key naming the
kind, the session (with its start, so a moved session is reminded again), the
recipient and the offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.program import Item, Program

ANNOUNCE, SPEAKER, SUBSCRIBER, CHANGE = "announce", "speaker", "subscriber", "change"
DIGEST = "digest"  # speakers' unanswered questions, when their session ends
KINDS = (ANNOUNCE, SPEAKER, SUBSCRIBER, DIGEST)
SPEAKING_KINDS = frozenset({"talk", "keynote", "remarks", "panel", "poster", "other"})


@dataclass(frozen=True, slots=True)
class Slot:
    kind: str
    item: Item
    offset: int  # minutes before the start

    @property
    def due(self) -> datetime:
        assert self.item.start is not None and self.item.end is not None
        if self.kind == DIGEST:
            return self.item.end
        return self.item.start - timedelta(minutes=self.offset)

    @property
    def job_id(self) -> str:
        return f"reminder:{self.kind}:{self.item.slug}:{self.offset}"


def delivery_key(kind: str, item: Item, platform: str, target: str, offset: int) -> str:
    assert item.start is not None
    return f"{kind}|{item.slug}|{item.start:%Y%m%dT%H%M%SZ}|{platform}|{target}|{offset}"


def change_key(revision: int, slug: str, platform: str, target: str) -> str:
    return f"{CHANGE}|r{revision}|{slug}|{platform}|{target}"


def slots(program: Program, subscribed: dict[int, set[int]]) -> list[Slot]:
    """Every reminder moment of the program, in due order."""
    offsets = program.workshop.reminders
    found: list[Slot] = []
    for item in program.scheduled:
        found += [Slot(ANNOUNCE, item, offset) for offset in offsets.announce]
        if item.people and item.kind in SPEAKING_KINDS:
            found += [Slot(SPEAKER, item, offset) for offset in offsets.speakers]
            if item.has_qa:
                found.append(Slot(DIGEST, item, 0))
        found += [Slot(SUBSCRIBER, item, o) for o in sorted(subscribed.get(item.id, ()),
                                                              reverse=True)]
    return sorted(found, key=lambda s: (s.due, KINDS.index(s.kind), s.item.slug))


def find_slot(program: Program, kind: str, slug: str, offset: int) -> Slot | None:
    item = program.by_slug.get(slug)
    if item is None or not item.is_scheduled or item.is_paper:
        return None
    return Slot(kind, item, offset)
