"""The database connection: built once at start-up from settings, never at import.

URLs are accepted the way people write them (``sqlite:///data/bot.db``,
``postgresql://user@host/db``) and mapped to the async drivers (aiosqlite, asyncpg) so
no database call blocks the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import bot.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

log = logging.getLogger(__name__)

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
SCHEMA_LOCK = 0x5742_5343  # "WBSC": the advisory lock that serialises schema creation


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


def _add_missing_columns(conn: Connection) -> list[tuple[str, str]]:
    """Additive upgrades: a column a newer version defines but the database lacks.

    Every column added after a release has a default, so ``ADD COLUMN`` is all an
    upgrade needs; tables themselves are created by ``create_all``.
    """
    inspector = inspect(conn)
    added = []
    for table in SQLModel.metadata.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            default = column.server_default.arg if column.server_default is not None else None
            if default is None and column.default is not None and column.default.is_scalar:
                default = column.default.arg
            clause = f" DEFAULT {_literal(default)}" if default is not None else ""
            conn.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" '
                              f"{kind}{clause}"))
            added.append((table.name, column.name))
    return added


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


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
        # SQLite lets one writer in at a time and makes the others sleep and retry with a
        # growing back-off, so a burst of writes (200 people voting at once) waits far
        # longer than it needs to. Taking turns here costs nothing and keeps every write
        # prompt; PostgreSQL locks rows itself.
        self._write_turn = asyncio.Lock() if self.backend == "sqlite" else None

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    def describe(self) -> str:
        """The URL without its password, for logs."""
        return self.url.render_as_string(hide_password=True)

    async def create_schema(self) -> None:
        """Create missing tables, then add columns that newer versions introduced.

        Several processes may start at once on one database: on PostgreSQL an advisory
        lock makes them take turns; on SQLite the loser of a race sees "already exists"
        and simply looks again.
        """
        for attempt in range(5):
            try:
                async with self.engine.begin() as conn:
                    if self.backend == "postgresql":
                        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                           {"key": SCHEMA_LOCK})
                    await conn.run_sync(SQLModel.metadata.create_all)
                    added = await conn.run_sync(_add_missing_columns)
                break
            except DBAPIError as exc:
                if attempt == 4 or not any(w in str(exc).lower() for w in ("exist", "duplicate")):
                    raise
                await asyncio.sleep(0.1 * (attempt + 1))
        for table, column in added:
            log.info("Upgraded the database: added column %s.%s", table, column)

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncConnection]:
        """A short write transaction on a connection, taking turns on SQLite."""
        if self._write_turn is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_turn, self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
