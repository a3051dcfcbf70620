"""The receipts on the real PostgreSQL, as two processes see them: a delivery is acted on
by exactly one of them, whichever asks first and however many ask at once; old receipts
are deleted; with the database away, events are acted on rather than dropped."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from bot.receipts import KEEP, RETRY_AFTER, Receipts
from bot.store.database import Database
from bot.store.receipts import APPLICATION_NAME
from bot.store.tables import Receipt
from tests.support import ManualClock

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="needs PostgreSQL: set TEST_DATABASE_URL")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
async def two(pg: str) -> AsyncIterator[tuple[Receipts, Receipts, ManualClock, Database]]:
    """Two processes' receipts on one database (each with its own connection)."""
    first, second = Database(pg), Database(pg)
    await first.migrate()
    clock = ManualClock(NOW)
    one, other = (Receipts(db, clock, shared=True) for db in (first, second))
    yield one, other, clock, first
    for receipts, db in ((one, first), (other, second)):
        await receipts.close()
        await db.dispose()


async def stored(db: Database) -> int:
    async with db.engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(Receipt))
                    ).scalar() or 0)


async def test_each_delivery_is_acted_on_by_one_process(
        two: tuple[Receipts, Receipts, ManualClock, Database]) -> None:
    one, other, _, db = two
    assert await one.first_time("slack", "Ev1")
    assert not await one.first_time("slack", "Ev1")  # a retry to the same process
    assert not await other.first_time("slack", "Ev1")  # a retry to the other one
    assert await other.first_time("discord", "Ev1")  # another platform's id space
    # 300 deliveries, each sent to both processes at the same moment.
    keys = [f"EvRACE{n}" for n in range(300)]
    won = await asyncio.gather(*(r.first_time("slack", k) for k in keys for r in (one, other)))
    assert [a + b for a, b in zip(won[::2], won[1::2], strict=True)] == [1] * len(keys)
    assert await stored(db) == 302
    assert await one.first_time("slack", None)  # no id: acted on, nothing recorded
    assert await stored(db) == 302


async def test_old_receipts_are_deleted(
        two: tuple[Receipts, Receipts, ManualClock, Database]) -> None:
    one, _, clock, db = two
    assert await one.first_time("slack", "EvOLD")
    clock.at += KEEP - timedelta(minutes=1)
    assert await one.first_time("slack", "EvNEWER")
    clock.at += timedelta(minutes=2)
    await one.prune()
    assert await stored(db) == 1  # EvOLD is over an hour old; EvNEWER is not


async def test_with_the_database_away_events_are_acted_on_without_waiting(
        caplog: pytest.LogCaptureFixture) -> None:
    db = Database("postgresql://postgres@127.0.0.1:1/nothing", timeout=2)
    clock = ManualClock(NOW)
    receipts = Receipts(db, clock, shared=True)
    tries = count_writes(receipts)
    try:
        assert await receipts.first_time("slack", "EvDOWN")
        assert not await receipts.first_time("slack", "EvDOWN")  # memory still holds it
        assert await receipts.first_time("slack", "EvDOWN2")  # not asked: it just failed
        assert tries == [1]
        clock.at += RETRY_AFTER
        assert await receipts.first_time("slack", "EvDOWN3")  # asked again, still away
        assert tries == [2]
    finally:
        await receipts.close()
        await db.dispose()
    assert [r.levelname for r in caplog.records if r.name == "bot.receipts"] == ["WARNING"]


async def test_a_cut_receipts_connection_is_an_outage_not_a_bug(
        two: tuple[Receipts, Receipts, ManualClock, Database],
        caplog: pytest.LogCaptureFixture) -> None:
    one, _, clock, db = two
    assert await one.first_time("slack", "EvBEFORE")
    async with db.engine.connect() as connection:
        cut = (await connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = :name"), {"name": APPLICATION_NAME})).scalar()
    assert cut == 1
    # Acted on. Either the cut shows under the query (an outage: one WARNING) or asyncpg
    # has read the server's goodbye first and a new connection is made; never an ERROR.
    assert await one.first_time("slack", "EvCUT")
    levels = [r.levelname for r in caplog.records if r.name == "bot.receipts"]
    assert levels in ([], ["WARNING"]), levels
    clock.at += RETRY_AFTER
    assert await one.first_time("slack", "EvAFTER")  # a new connection, recorded
    assert not await two_sided(one, "EvAFTER")
    assert await stored(db) == (2 if levels else 3)  # EvCUT is recorded if it could be


async def two_sided(receipts: Receipts, key: str) -> bool:
    """Whether the database (not this process's memory) still takes ``key`` as new."""
    fresh = Receipts(receipts._db, ManualClock(NOW), shared=True)  # another process
    try:
        return await fresh.first_time("slack", key)
    finally:
        await fresh.close()


def count_writes(receipts: Receipts) -> list[int]:
    """How often ``receipts`` tried the database (a list holding one count)."""
    tries = [0]
    record = receipts._writer.record

    async def counted(received: list[tuple[str, str]], at: datetime) -> set[tuple[str, str]]:
        tries[0] += 1
        return await record(received, at)

    receipts._writer.record = counted  # type: ignore[method-assign]
    return tries
