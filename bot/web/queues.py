"""The Q&A queues as the pages show them: per item, what waits for approval, what is
open (by votes, then age: the order a session chair reads them in) and what was
answered or hidden (so it can be restored).

Unlike the platforms' threads, the dashboard is for moderators only, so it names the
real author of an anonymous question (marked as such); the room screen shows no author.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.program import Item, Program
from bot.qa.service import ANONYMOUS, ANSWERED, HIDDEN, OPEN, PENDING, QaService
from bot.store.tables import Question


@dataclass(frozen=True, slots=True)
class Entry:
    """One question on a page."""

    id: int
    text: str
    platform: str
    votes: int
    asked_at: datetime
    author: str  # the real author's display name (the dashboard only)
    anonymous: bool
    status: str
    answer: str | None
    reason: str | None


@dataclass(slots=True)
class ItemQueue:
    item: Item
    pending: list[Entry] = field(default_factory=list)
    open: list[Entry] = field(default_factory=list)
    closed: list[Entry] = field(default_factory=list)  # answered or hidden

    @property
    def count(self) -> int:
        return len(self.pending) + len(self.open)


def _entry(question: Question, votes: int) -> Entry:
    assert question.id is not None
    return Entry(question.id, question.text, question.platform, votes, question.created_at,
                 question.author_name or question.author_id, question.anonymous,
                 question.status, question.answer, question.reason)


async def queues(qa: QaService, items: Sequence[Item]) -> list[ItemQueue]:
    """Each of ``items``' queue, in the order given, from one query."""
    by_id = {item.id: ItemQueue(item) for item in items}
    for question, votes in await qa.questions_of([item.id for item in items]):
        queue = by_id.get(question.item_id)
        if queue is None:
            continue
        entry = _entry(question, votes)
        if question.status == PENDING:
            queue.pending.append(entry)
        elif question.status == OPEN:
            queue.open.append(entry)
        elif question.status in (ANSWERED, HIDDEN):
            queue.closed.append(entry)
    for queue in by_id.values():
        queue.open.sort(key=lambda e: (-e.votes, e.id))
        queue.closed.sort(key=lambda e: -e.id)  # the latest first
    return list(by_id.values())


def shown_author(entry: Entry) -> str:
    return f"{ANONYMOUS} (asked by {entry.author})" if entry.anonymous else entry.author


def with_qa(program: Program) -> list[Item]:
    """The items that have a queue, in program order."""
    return [item for item in program.items if item.has_qa]


def questions_for(program: Program, item: Item) -> list[Item]:
    """The items whose questions belong to ``item`` on a room screen: its own, or, for a
    session that presents papers (a poster session), theirs."""
    presented = list(program.presented.get(item.slug, ()))
    return ([item] if item.has_qa else []) + [p for p in presented if p.has_qa]
