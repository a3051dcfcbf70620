"""Saved timezones are read in bulk at start and kept current, so no answer waits for the
database: a new asker costs no query, and a zone saved through another process is taken
in by the next refresh (every BOT_RELOAD_POLL seconds)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.messages import UserRef
from bot.preferences import Preferences
from bot.store import preferences as store
from bot.store.database import Database

NOON = datetime(2021, 12, 13, 20, 0, tzinfo=UTC)


async def test_a_new_asker_costs_no_query(database_url: str, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    db = Database(database_url)
    await db.create_schema()
    try:
        await store.set_timezone(db, "slack", "U1", "Asia/Tokyo", NOON)
        preferences = Preferences(db)
        await preferences.load()

        async def no_lookup(*_args: object) -> str | None:
            raise AssertionError("looked up one user in the database")

        monkeypatch.setattr(store, "get_timezone", no_lookup)
        assert await preferences.timezone(UserRef("slack", "U1")) == ZoneInfo("Asia/Tokyo")
        assert await preferences.timezone(UserRef("slack", "U2")) is None
        assert await preferences.timezone(UserRef("discord", "U1")) is None
    finally:
        await db.dispose()


async def test_a_zone_saved_by_another_process_arrives_with_the_refresh(
    database_url: str,
) -> None:
    db = Database(database_url)
    await db.create_schema()
    try:
        here, there = Preferences(db), Preferences(db)
        await here.load()
        await there.load()
        alice = UserRef("slack", "U-alice")
        await there.set_timezone(alice, ZoneInfo("Asia/Tokyo"), NOON)
        assert await here.timezone(alice) is None  # not seen until the next look
        await here.refresh()
        assert await here.timezone(alice) == ZoneInfo("Asia/Tokyo")
        await there.set_timezone(alice, None, NOON)  # "tz reset" over there
        await here.refresh()
        assert await here.timezone(alice) is None
    finally:
        await db.dispose()


async def test_a_failed_first_read_falls_back_to_lookups(database_url: str) -> None:
    db = Database(database_url)
    await db.create_schema()
    await store.set_timezone(db, "slack", "U1", "Europe/Berlin", NOON)
    await db.dispose()
    broken = Database("sqlite:////nonexistent/dir/bot.db")
    preferences = Preferences(broken)
    await preferences.load()  # the outage is logged, nothing raised
    assert await preferences.timezone(UserRef("slack", "U1")) is None
    await broken.dispose()
    db = Database(database_url)
    try:
        working = Preferences(db)
        await working.refresh()  # not loaded yet: the refresh reads everything
        assert await working.timezone(UserRef("slack", "U1")) == ZoneInfo("Europe/Berlin")
    finally:
        await db.dispose()
