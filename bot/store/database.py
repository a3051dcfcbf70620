"""The database connection: built once at start-up from settings, never at import.

URLs are accepted the way people write them (``sqlite:///data/bot.db``,
``postgresql://user@host/db``) and mapped to the async drivers (aiosqlite, asyncpg) so
no database call blocks the event loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import bot.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


class DatabaseURLError(ValueError):
    """A DATABASE_URL that cannot be used."""


def async_url(url: str) -> URL:
    """Parse ``url`` and pick the async driver for its backend."""
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise DatabaseURLError(
            f"cannot parse {url!r}; use sqlite:///path/to/file.db or "
            "postgresql://user:password@host:5432/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if parsed.drivername in ("postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        backend = "postgresql"
    if backend not in ASYNC_DRIVERS:
        raise DatabaseURLError(
            f"unsupported database {backend!r} in {parsed.render_as_string()!r}; "
            "use sqlite:/// or postgresql://"
        )
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise DatabaseURLError(
            "an in-memory SQLite database would forget everything; give a file path, "
            "e.g. sqlite:///data/workshop-bot.db"
        )
    return parsed.set(drivername=ASYNC_DRIVERS[backend])


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers and one writer work at once; busy_timeout waits out short locks."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """Owns the engine; ``session()`` hands out short-lived sessions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = async_url(url)
        if self.url.get_backend_name() == "sqlite":
            Path(self.url.database or "").parent.mkdir(parents=True, exist_ok=True)
            self.engine: AsyncEngine = create_async_engine(self.url, echo=echo)
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_async_engine(
                self.url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True
            )
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    def describe(self) -> str:
        """The URL without its password, for logs."""
        return self.url.render_as_string(hide_password=True)

    async def create_schema(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
