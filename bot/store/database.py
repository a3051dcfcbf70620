"""The database connection: built once at start-up from settings, never at import.

URLs are accepted the way people write them (``sqlite:///data/bot.db``,
``postgresql://user@host/db``) and mapped to the async drivers (aiosqlite, asyncpg) so
no database call blocks the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

import bot.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from bot.error_values import shown
from bot.store.migrations import HEAD

if TYPE_CHECKING:
    from bot.store.migrations.apply import Step

log = logging.getLogger(__name__)

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
SCHEMA_LOCK = 0x5742_5343  # "WBSC": the advisory lock that serialises migrations
DEFAULT_TIMEOUT = 5.0  # seconds a query may take (BOT_DB_TIMEOUT)
MIGRATION_TIMEOUT = 120.0  # seconds a migration statement, or the wait for another's, may take
VERSION_TABLE = "alembic_version"  # where Alembic keeps the revision a database is at


class DatabaseURLError(ValueError):
    """A DATABASE_URL that cannot be used."""


URL_EXAMPLES = "use sqlite:///path/to/file.db or postgresql://user:password@host:5432/dbname"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
SESSION_ATTRS = ("any", "primary", "standby", "read-write", "read-only", "prefer-standby")
# The ?options of a PostgreSQL URL that asyncpg takes as they are written (its connect()
# receives every option as a keyword, so any other one fails there, as a traceback).
POSTGRES_OPTIONS = {"sslmode": SSL_MODES, "ssl": SSL_MODES, "target_session_attrs":
                    SESSION_ATTRS, "host": None, "passfile": None}


def async_url(url: str) -> URL:
    """Parse ``url`` and pick the async driver for its backend.

    Everything that would only fail when the bot connects (a port of 99999, an option
    asyncpg does not take, ``sslmode=bogus``, an empty user name, no database) fails
    here, so that a bad DATABASE_URL is one line at start and nothing is tried. The
    errors never quote the URL itself: it may hold a password."""
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise DatabaseURLError(f"cannot parse it as a database URL; {URL_EXAMPLES}") from None
    except ValueError:  # SQLAlchemy reads the port with int()
        raise DatabaseURLError(f"cannot parse it: the port is not a number; {URL_EXAMPLES}"
                               ) from None
    backend = parsed.get_backend_name()
    if parsed.drivername in ("postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        backend = "postgresql"
    if backend not in ASYNC_DRIVERS:
        raise DatabaseURLError(
            f"unsupported database {shown(backend)}; use sqlite:/// or postgresql://"
        )
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise DatabaseURLError(
                "an in-memory SQLite database would forget everything; give a file path, "
                "e.g. sqlite:///data/workshop-bot.db"
            )
        if parsed.query:
            options = shown("&".join(parsed.query), 40)[1:-1]
            raise DatabaseURLError(f"SQLite URLs take no options (?{options}); give the "
                                   "file's path alone")
        return parsed.set(drivername=ASYNC_DRIVERS[backend])
    return _postgres_url(parsed).set(drivername=ASYNC_DRIVERS[backend])


def _postgres_url(parsed: URL) -> URL:
    """A PostgreSQL URL that asyncpg can connect with, libpq's ``sslmode`` as asyncpg's
    ``ssl``; or DatabaseURLError."""
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise DatabaseURLError(f"port {parsed.port} is not a port (1 to 65535)")
    if parsed.username == "":
        raise DatabaseURLError(f"the user name is empty (before ':' or '@'); {URL_EXAMPLES}")
    if not parsed.database:
        raise DatabaseURLError(f"names no database; {URL_EXAMPLES}")
    for option, value in parsed.query.items():
        if option not in POSTGRES_OPTIONS:
            raise DatabaseURLError(f"{shown(option, 40)} is not an option of a PostgreSQL URL "
                                   f"here; use {', '.join(POSTGRES_OPTIONS)}")
        allowed = POSTGRES_OPTIONS[option]
        if allowed is not None and (not isinstance(value, str) or value not in allowed):
            raise DatabaseURLError(f"{option} {shown(value, 40)} is not one of "
                                   f"{', '.join(allowed)}")
    if "sslmode" in parsed.query:
        if "ssl" in parsed.query:
            raise DatabaseURLError("give sslmode or ssl, not both")
        mode = parsed.query["sslmode"]
        parsed = parsed.difference_update_query(["sslmode"]).update_query_dict({"ssl": mode})
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, busy_ms: int, foreign_keys: bool) -> None:
    """WAL lets readers and one writer work at once; busy_timeout waits out short locks
    (another process's write) and then fails, as a stalled server times out."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
    # WAL is kept in the file: switch only when it is not on yet. The switch needs the
    # write lock, and SQLite does not wait for it (no busy handler there): a second
    # process connecting while the first migrated failed at once ("database is locked",
    # seen in CI) although the file was in WAL mode already.
    cursor.execute("PRAGMA journal_mode")
    if str(cursor.fetchone()[0]).casefold() != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_engine(url: URL, *, echo: bool, timeout: float, migrating: bool) -> AsyncEngine:
    if migrating:
        engine = create_async_engine(url, echo=echo, poolclass=NullPool)
    else:
        engine = create_async_engine(url, echo=echo, pool_timeout=timeout)
    busy_ms = round(timeout * 1000)

    def connect(dbapi_connection: Any, _record: Any) -> None:
        if migrating:
            # The driver's own transaction handling leaves DDL outside any transaction;
            # a migration must be all or nothing, so BEGIN is ours (see "begin" below).
            dbapi_connection.isolation_level = None
        # A migration copies tables (SQLite's way to alter one): foreign keys are checked
        # once at the end instead (Database.migrate), as SQLite's ALTER TABLE page says.
        _sqlite_pragmas(dbapi_connection, busy_ms, foreign_keys=not migrating)

    def begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock at once: a second process starting at the same
        # moment waits here, then finds the schema already up to date.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(engine.sync_engine, "connect", connect)
    if migrating:
        event.listen(engine.sync_engine, "begin", begin)
    return engine


def _revision(conn: Connection) -> str | None:
    """What Alembic's MigrationContext.get_current_revision reads, without loading it."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


class Database:
    """Owns the engine; ``session()`` hands out short-lived sessions.

    Every query is bounded by ``timeout`` seconds (BOT_DB_TIMEOUT): connecting, waiting
    for a pooled connection, and each statement (on SQLite: each wait for another
    process's lock). A database that accepts connections and answers nothing then costs
    a caller one timeout error, which it already treats as "the database is away", not
    an answer that hangs for the whole stall.
    """

    def __init__(self, url: str, *, echo: bool = False,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = async_url(url)
        self.timeout = timeout
        self._echo = echo
        if self.url.get_backend_name() == "sqlite":
            Path(self.url.database or "").parent.mkdir(parents=True, exist_ok=True)
            self.engine: AsyncEngine = _sqlite_engine(self.url, echo=echo, timeout=timeout,
                                                      migrating=False)
        else:
            self.engine = create_async_engine(
                self.url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True,
                pool_timeout=timeout,
                connect_args={"timeout": timeout, "command_timeout": timeout},
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

    async def migrate(self, progress: Callable[[Step], None] | None = None) -> list[Step]:
        """Create the schema, or upgrade it to this version's; return the steps taken.

        One transaction does it all, so a failed migration changes nothing. Several
        processes may start at once on one database: they take turns (an advisory lock
        on PostgreSQL, the write lock on SQLite) and the later ones find nothing to do.
        The migration has its own connection, with a longer statement timeout than
        answers get (MIGRATION_TIMEOUT): it may copy a table, or wait for another
        process's migration.
        """
        if await self.revision() == HEAD:  # the usual start: nothing to do
            return []
        from bot.store.migrations.apply import upgrade  # Alembic: only when migrating

        engine = self._migration_engine()
        try:
            async with engine.begin() as conn:
                if self.backend == "postgresql":
                    await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                       {"key": SCHEMA_LOCK})
                steps = await conn.run_sync(upgrade, progress)
                if steps and self.backend == "sqlite":
                    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"a migration broke {len(broken)} foreign keys "
                                           f"(first: {tuple(broken[0])}); nothing changed")
        finally:
            await engine.dispose()
        for step in steps:
            log.info("Database %s: %s", self.describe(), step.line())
        return steps

    async def create_schema(self) -> None:
        """What every command does before it uses the database: :meth:`migrate`."""
        await self.migrate()

    async def revision(self) -> str | None:
        """The migration the database is at (None: empty, or made before migrations)."""
        async with self.engine.connect() as conn:
            return await conn.run_sync(_revision)

    def _migration_engine(self) -> AsyncEngine:
        if self.backend == "sqlite":
            return _sqlite_engine(self.url, echo=self._echo, timeout=MIGRATION_TIMEOUT,
                                  migrating=True)
        return create_async_engine(
            self.url, echo=self._echo, poolclass=NullPool,
            connect_args={"timeout": self.timeout, "command_timeout": MIGRATION_TIMEOUT},
        )

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
