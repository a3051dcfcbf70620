"""Questions, votes and Q&A thread references.

Votes are rows with a (question, platform, user) primary key inserted with ``ON CONFLICT
DO NOTHING``, and counts are ``COUNT(*)``: two hundred people pressing 👍 at once cannot
lose or double a vote, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy
from sqlalchemy import delete, func, literal, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from bot.store import changes, upsert
from bot.store.database import Database
from bot.store.tables import Item, QaThread, Question, Vote, Workshop
from bot.store.types import UTCDateTime, table_of

# -- threads -------------------------------------------------------------------------


async def threads(db: Database, platform: str | None = None) -> list[QaThread]:
    query = select(QaThread)
    if platform is not None:
        query = query.where(col(QaThread.platform) == platform)
    async with db.session() as session:
        return list((await session.exec(query)).all())


async def threads_revision(db: Database, workshop_slug: str) -> int:
    """The workshop's Q&A revision: one indexed read, cheap enough for every poll and
    for every message in a thread the process does not know."""
    async with db.engine.connect() as conn:
        found = (await conn.execute(
            select(Workshop.qa_revision).where(col(Workshop.slug) == workshop_slug))).first()
    return int(found[0]) if found is not None else 0


async def thread_snapshot(db: Database, workshop_slug: str) -> tuple[int, list[QaThread]]:
    """The workshop's threads and the Q&A revision they are at.

    The revision is read first: a change committed between the two reads then shows as
    newer threads under an older revision, which the next check reads again, never as
    older threads under a newer revision, which would be taken as current for good."""
    async with db.session() as session:
        found = (await session.exec(
            select(Workshop.qa_revision).where(col(Workshop.slug) == workshop_slug))).first()
        rows = (await session.exec(
            select(QaThread).join(Item, col(Item.id) == col(QaThread.item_id))
            .join(Workshop, col(Workshop.id) == col(Item.workshop_id))
            .where(col(Workshop.slug) == workshop_slug))).all()
    return int(found or 0), list(rows)


async def save_thread(
    db: Database, item_id: int, platform: str, channel_id: str, thread_id: str,
    starter_id: str | None, url: str | None, now: datetime,
) -> None:
    """Record (or replace, after a recreation) an item's thread on a platform, and bump
    the workshop's Q&A revision in the same transaction: that is how other processes
    (a running bot, when ``workshop-bot qa setup`` made the thread) learn of it."""
    statement = upsert.insert(db, QaThread).values(
        item_id=item_id, platform=platform, channel_id=channel_id, thread_id=thread_id,
        starter_id=starter_id, url=url, created_at=now,
    ).on_conflict_do_update(
        index_elements=["item_id", "platform"],
        set_={"channel_id": channel_id, "thread_id": thread_id, "starter_id": starter_id,
              "url": url, "created_at": now},
    )
    workshop = select(Item.workshop_id).where(col(Item.id) == item_id).scalar_subquery()
    bump = (update(Workshop).where(col(Workshop.id) == workshop)
            .values(qa_revision=col(Workshop.qa_revision) + 1))
    async with db.writing() as conn:
        await conn.execute(statement)
        await conn.execute(bump)
        await changes.announce(db, conn, changes.QA_THREADS, item=item_id, platform=platform)


# -- questions -----------------------------------------------------------------------


async def add_question(db: Database, question: Question) -> tuple[Question, bool]:
    """Insert; (the stored question, True) or, for a message already recorded, (it, False).

    A redelivered message is looked up first so it does not use up a question number;
    the unique constraint still settles a race between two deliveries."""
    if question.message_ref is not None:
        known = await question_by_message(db, question.platform, question.message_ref)
        if known is not None:
            return known, False
    async with db.session() as session:
        session.add(question)
        try:
            await session.flush()  # its number, for the other processes' pages
            await changes.announce(db, session, changes.QA_QUEUE, question=question.id)
            await session.commit()
        except IntegrityError:
            await session.rollback()
        else:
            await session.refresh(question)
            return question, True
    found = await question_by_message(db, question.platform, question.message_ref or "")
    assert found is not None
    return found, False


async def question(db: Database, question_id: int) -> Question | None:
    async with db.session() as session:
        return await session.get(Question, question_id)


async def question_by_message(db: Database, platform: str, message_ref: str) -> Question | None:
    async with db.session() as session:
        return (await session.exec(
            select(Question).where(col(Question.platform) == platform,
                                   col(Question.message_ref) == message_ref)
        )).first()


async def set_message_ref(db: Database, question_id: int, message_ref: str) -> None:
    async with db.writing() as connection:
        await connection.execute(update(Question).where(col(Question.id) == question_id)
                                 .values(message_ref=message_ref))


async def update_question(db: Database, question_id: int, now: datetime, **values: object
                          ) -> Question | None:
    async with db.session() as session:
        row = await session.get(Question, question_id)
        if row is None:
            return None
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = now
        session.add(row)
        await changes.announce(db, session, changes.QA_QUEUE, question=question_id)
        await session.commit()
        await session.refresh(row)
        return row


async def questions(
    db: Database, item_ids: Iterable[int] | None = None, statuses: Sequence[str] | None = None
) -> list[tuple[Question, int]]:
    """Questions with their vote counts, in the order they were asked."""
    votes = (select(Vote.question_id, func.count().label("n"))
             .group_by(col(Vote.question_id)).subquery())
    query = (select(Question, func.coalesce(votes.c.n, 0))
             .outerjoin(votes, votes.c.question_id == col(Question.id))
             .order_by(col(Question.id)))
    if item_ids is not None:
        query = query.where(col(Question.item_id).in_(list(item_ids)))
    if statuses is not None:
        query = query.where(col(Question.status).in_(list(statuses)))
    async with db.session() as session:
        return [(row, int(n)) for row, n in (await session.exec(query)).all()]


# -- votes ----------------------------------------------------------------------------


async def cast_vote(db: Database, question_id: int, platform: str, user_id: str,
                    now: datetime, open_statuses: Sequence[str], source: str) -> bool:
    """One statement for the common case of a vote: inserted only if the question exists,
    is open for votes and is not the voter's own. False means "see why" (rare)."""
    table = table_of(Question)
    eligible = (  # SQLAlchemy's own select: SQLModel's types at most four columns
        sqlalchemy.select(table.c.id, literal(platform), literal(user_id), literal(source),
                          literal(now, UTCDateTime()))
        .where(table.c.id == question_id, table.c.status.in_(list(open_statuses)),
               ~((table.c.platform == platform) & (table.c.author_id == user_id)))
    )
    statement = (upsert.insert(db, Vote)
                 .from_select(["question_id", "platform", "user_id", "source", "created_at"],
                              eligible)
                 .on_conflict_do_nothing(index_elements=["question_id", "platform", "user_id"])
                 .returning(col(Vote.user_id)))
    async with db.writing() as conn:
        return await _voted(db, conn, question_id, (await conn.execute(statement)).first())


async def _voted(db: Database, conn: AsyncConnection, question_id: int, row: object) -> bool:
    """Whether a vote statement changed a row; if it did, other processes' pages are
    told (in the same transaction)."""
    if row is None:
        return False
    await changes.announce(db, conn, changes.QA_QUEUE, question=question_id)
    return True


async def add_vote(db: Database, question_id: int, platform: str, user_id: str,
                   now: datetime, source: str) -> bool:
    """True if this was a new vote."""
    statement = (upsert.insert(db, Vote)
                 .values(question_id=question_id, platform=platform, user_id=user_id,
                         source=source, created_at=now)
                 .on_conflict_do_nothing(index_elements=["question_id", "platform", "user_id"])
                 .returning(col(Vote.user_id)))
    async with db.writing() as conn:
        return await _voted(db, conn, question_id, (await conn.execute(statement)).first())


async def remove_vote(db: Database, question_id: int, platform: str, user_id: str) -> bool:
    async with db.writing() as conn:
        result = await conn.execute(delete(Vote).where(
            col(Vote.question_id) == question_id, col(Vote.platform) == platform,
            col(Vote.user_id) == user_id))
        return await _voted(db, conn, question_id, True if result.rowcount else None)


async def voters(db: Database, question_id: int, platform: str, source: str | None = None
                 ) -> set[str]:
    query = select(Vote.user_id).where(col(Vote.question_id) == question_id,
                                       col(Vote.platform) == platform)
    if source is not None:
        query = query.where(col(Vote.source) == source)
    async with db.session() as session:
        return set((await session.exec(query)).all())


async def vote_count(db: Database, question_id: int) -> int:
    table = table_of(Vote)
    async with db.engine.connect() as conn:
        return int((await conn.execute(
            select(func.count()).select_from(table).where(table.c.question_id == question_id)
        )).scalar_one())
