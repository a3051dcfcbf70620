"""The delivery ledger: claiming, completing and recovering reminder sends.

Exactly once rests on one statement: ``INSERT ... ON CONFLICT (key) DO NOTHING
RETURNING key``. Whichever process inserts a key owns that message; every other process
(or a restarted one) sees the conflict and skips it. A claim whose owner died before
marking it sent is recognised by its age (``claimed_at``, real time) and taken over with
a conditional UPDATE, so again only one process wins it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, update
from sqlmodel import col, select

from bot.store import upsert
from bot.store.database import Database
from bot.store.tables import Delivery
from bot.store.types import table_of

CLAIMED, SENT, FAILED, DROPPED = "claimed", "sent", "failed", "dropped"
BATCH = 500  # rows per INSERT: keeps statements well under SQLite's variable limit


@dataclass(frozen=True, slots=True)
class Entry:
    """A planned message, as the ledger records it."""

    key: str
    kind: str
    item_id: int | None
    platform: str
    target: str
    due_at: datetime
    offset_minutes: int | None = None
    revision: int | None = None



async def _insert_new(
    db: Database, entries: Sequence[Entry], status: str, owner: str | None, at: datetime
) -> set[str]:
    won: set[str] = set()
    async with db.writing() as connection:
        for start in range(0, len(entries), BATCH):
            rows = [
                {"key": e.key, "kind": e.kind, "item_id": e.item_id, "platform": e.platform,
                 "target": e.target, "due_at": e.due_at, "status": status,
                 "offset_minutes": e.offset_minutes, "revision": e.revision,
                 "claimed_by": owner, "claimed_at": at if status == CLAIMED else None,
                 "done_at": at if status != CLAIMED else None}
                for e in entries[start:start + BATCH]
            ]
            statement = (upsert.insert(db, Delivery).values(rows)
                         .on_conflict_do_nothing(index_elements=["key"])
                         .returning(col(Delivery.key)))
            won.update((await connection.execute(statement)).scalars())
    return won


async def claim(db: Database, entries: Sequence[Entry], owner: str, now: datetime) -> set[str]:
    """Insert claims; return the keys this caller now owns (the others were decided)."""
    return await _insert_new(db, entries, CLAIMED, owner, now)


async def drop(db: Database, entries: Sequence[Entry], now: datetime) -> set[str]:
    """Record reminders that will never be sent (missed beyond the grace window)."""
    return await _insert_new(db, entries, DROPPED, None, now)


async def finish_many(
    db: Database, results: Sequence[tuple[str, bool, str | None, str | None]], now: datetime
) -> None:
    """Record several outcomes (key, sent, ref, error) in one executemany statement."""
    if not results:
        return
    table = table_of(Delivery)
    statement = (
        update(table).where(table.c.key == bindparam("b_key"))
        .values(status=bindparam("b_status"), done_at=now, message_ref=bindparam("b_ref"),
                error=bindparam("b_error"))
    )
    rows = [{"b_key": key, "b_status": SENT if sent else FAILED, "b_ref": ref,
             "b_error": (error or "")[:500] or None} for key, sent, ref, error in results]
    async with db.engine.begin() as conn:
        await conn.execute(statement, rows)


async def stale_claims(db: Database, older_than: datetime) -> list[Delivery]:
    """Claims nobody completed and whose owner has been silent since ``older_than``."""
    async with db.session() as session:
        rows = await session.exec(
            select(Delivery).where(col(Delivery.status) == CLAIMED,
                                   col(Delivery.claimed_at) < older_than)
            .order_by(col(Delivery.due_at), col(Delivery.key))
        )
        return list(rows.all())


async def take_over(
    db: Database, key: str, owner: str, now: datetime, older_than: datetime
) -> bool:
    """Move a stale claim to ``owner``; True for exactly one of several contenders."""
    async with db.writing() as connection:
        result = await connection.execute(
            update(Delivery)
            .where(and_(col(Delivery.key) == key, col(Delivery.status) == CLAIMED,
                        col(Delivery.claimed_at) < older_than))
            .values(claimed_by=owner, claimed_at=now)
        )
        return bool(result.rowcount)


async def mine(db: Database, keys: Iterable[str], owner: str) -> set[str]:
    """Which of ``keys`` are claimed by ``owner`` and not finished (resumed after a crash)."""
    wanted = list(keys)
    out: set[str] = set()
    async with db.session() as session:
        for start in range(0, len(wanted), BATCH):
            rows = await session.exec(
                select(Delivery.key).where(col(Delivery.key).in_(wanted[start:start + BATCH]),
                                           col(Delivery.status) == CLAIMED,
                                           col(Delivery.claimed_by) == owner)
            )
            out.update(rows.all())
    return out


async def statuses(db: Database, keys: Iterable[str]) -> dict[str, str]:
    """The recorded status of each of ``keys`` that has a row."""
    wanted = list(keys)
    out: dict[str, str] = {}
    async with db.session() as session:
        for start in range(0, len(wanted), BATCH):
            rows = await session.exec(
                select(Delivery.key, Delivery.status)
                .where(col(Delivery.key).in_(wanted[start:start + BATCH]))
            )
            out.update({key: status for key, status in rows.all()})
    return out
