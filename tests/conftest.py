"""Fixtures: a core on a fresh SQLite file (and on PostgreSQL when TEST_DATABASE_URL is
set), the bundled program, and a conversation with a hand-set clock."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.app import open_core
from bot.settings import BUNDLED_PROGRAM, Settings
from tests.support import Conversation, ManualClock

ROOT = Path(__file__).resolve().parent.parent
WORKSHOP_MORNING = "2021-12-13T10:15:00-08:00"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


async def _pg_execute(url: str, statement: str) -> None:
    import asyncpg

    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host or "127.0.0.1", port=parsed.port or 5432,
        user=parsed.username or "postgres", password=parsed.password,
        database=parsed.database or "postgres",
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A throw-away PostgreSQL database for this test session, dropped at the end."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    name = f"wbtest_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_execute(base, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _reset_postgres(url: str) -> None:
    from sqlalchemy import text
    from sqlmodel import SQLModel

    from bot.store.database import Database

    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
        await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))  # migrations start over
    await db.dispose()


@pytest.fixture(params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str | None
) -> str:
    """A clean database: a new SQLite file, or the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    assert postgres_url is not None
    await _reset_postgres(postgres_url)
    return postgres_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


def make_settings(database_url: str, program: Path = BUNDLED_PROGRAM, **extra: object) -> Settings:
    return Settings(database_url=database_url, bot_program=program, **extra)  # type: ignore[arg-type]


@pytest.fixture
async def chat(sqlite_url: str) -> AsyncIterator[Conversation]:
    """The bundled program on SQLite, at 10:15 in Los Angeles on the workshop day."""
    clock = ManualClock(datetime.fromisoformat(WORKSHOP_MORNING))
    async with open_core(make_settings(sqlite_url), clock) as core:
        yield Conversation(core, clock)
