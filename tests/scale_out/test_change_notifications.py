"""The change notifications on the real PostgreSQL: a change written by one process
reaches another's listener at once, with what changed; a listener whose connection is
cut reconnects by itself and then checks everything (what it may have missed)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.store import preferences as store
from bot.store.changes import APPLICATION_NAME, TIMEZONE, Change, ChangeListener
from bot.store.database import Database

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="needs PostgreSQL: set TEST_DATABASE_URL")
WITHIN = 10.0
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
async def writer(pg: str) -> AsyncIterator[Database]:
    """Another process's database: the one that writes the changes."""
    database = Database(pg)
    await database.migrate()
    yield database
    await database.dispose()


class Heard:
    def __init__(self) -> None:
        self.changes: asyncio.Queue[Change] = asyncio.Queue()
        self.missed = asyncio.Event()

    async def timezone(self, change: Change) -> None:
        await self.changes.put(change)

    async def everything(self) -> None:
        self.missed.set()


@pytest.fixture
async def listening(db: Database) -> AsyncIterator[tuple[ChangeListener, Heard]]:
    heard = Heard()
    listener = ChangeListener(db, {TIMEZONE: heard.timezone}, heard.everything)
    task = asyncio.create_task(listener.run())
    await asyncio.wait_for(listener.connected.wait(), WITHIN)
    yield listener, heard
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_saved_timezone_reaches_the_other_process_with_what_changed(
        writer: Database, listening: tuple[ChangeListener, Heard]) -> None:
    _, heard = listening
    await store.set_timezone(writer, "slack", "U0TRAVEL", "Asia/Tokyo", NOW)
    change = await asyncio.wait_for(heard.changes.get(), WITHIN)
    assert change == {"kind": "timezone", "platform": "slack", "user": "U0TRAVEL",
                      "zone": "Asia/Tokyo"}
    await store.set_timezone(writer, "slack", "U0TRAVEL", None, NOW)  # back to the default
    change = await asyncio.wait_for(heard.changes.get(), WITHIN)
    assert change["zone"] is None


async def test_a_cut_listener_reconnects_and_checks_what_it_missed(
        writer: Database, listening: tuple[ChangeListener, Heard]) -> None:
    listener, heard = listening
    assert not heard.missed.is_set()
    async with writer.engine.connect() as connection:
        cut = (await connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = :name"), {"name": APPLICATION_NAME})).scalar()
    assert cut == 1
    await asyncio.wait_for(heard.missed.wait(), WITHIN)  # back, and caught up
    assert listener.connected.is_set()
    await store.set_timezone(writer, "discord", "42", "Europe/Paris", NOW)
    change = await asyncio.wait_for(heard.changes.get(), WITHIN)
    assert (change["user"], change["zone"]) == ("42", "Europe/Paris")
