"""Recording the platform events acted on: one statement decides which process acts.

``INSERT ... ON CONFLICT DO NOTHING RETURNING key``: the process whose insert made the
row acts on the event; every other one (a retry that landed elsewhere) sees no row come
back and drops it. Many events arriving together are recorded in one statement.

This is the one query on the hot path of every answer when several processes share the
work, so it is made cheap: :class:`ReceiptWriter` keeps one connection of its own open
(no pool checkout, no pre-ping, no transaction of the ORM around it) and sends one
statement text for any number of events (arrays, not a VALUES row each), which the
server keeps prepared. PostgreSQL only: on SQLite one process serves, and its memory is
enough.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import col

from bot.store.database import Database
from bot.store.tables import Receipt

RECORD = ("INSERT INTO receipt (platform, key, received_at) "
          "SELECT platform, key, $3 FROM unnest($1::text[], $2::text[]) "
          "AS received (platform, key) "
          "ON CONFLICT (platform, key) DO NOTHING RETURNING platform, key")
APPLICATION_NAME = "workshop-bot receipts"  # how pg_stat_activity shows the connection


class ReceiptsConnectionLost(ConnectionError):
    """The receipts connection failed under a query (cut by the server, an administrator,
    the network): the database is away for now, as for any other query
    (:func:`bot.store.outage.is_database_down`), not a bug. SQLAlchemy wraps such
    errors for the pooled queries; this connection is asyncpg's own."""


def _connection_lost(exc: BaseException) -> bool:
    import asyncpg  # loaded already: this connection is asyncpg's

    return isinstance(exc, (asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
                            asyncpg.exceptions.InternalClientError,
                            asyncpg.exceptions.OperatorInterventionError))


class ReceiptWriter:
    """Records receipts over one connection of its own, opened when first needed and
    again after it failed. One batch at a time (the caller takes turns)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None
        self._driver: Any = None  # asyncpg's Connection under it

    async def record(self, received: Sequence[tuple[str, str]], at: datetime
                     ) -> set[tuple[str, str]]:
        """Record (platform, key) pairs; return those that were not recorded before."""
        driver = await self._connected()
        try:
            rows = await driver.fetch(RECORD, [platform for platform, _ in received],
                                      [key for _, key in received], at,
                                      timeout=self._db.timeout)
        except BaseException as exc:
            await self.close()  # a connection in doubt is not used again
            if _connection_lost(exc):
                raise ReceiptsConnectionLost(str(exc) or type(exc).__name__) from exc
            raise
        return {(row[0], row[1]) for row in rows}

    async def _connected(self) -> Any:
        if self._driver is not None and not self._driver.is_closed():
            return self._driver
        await self.close()
        if self._engine is None:
            self._engine = create_async_engine(self._db.url, poolclass=NullPool, connect_args={
                "timeout": self._db.timeout, "command_timeout": self._db.timeout,
                "server_settings": {"application_name": APPLICATION_NAME}})
        self._connection = await self._engine.connect()
        raw = await self._connection.get_raw_connection()
        self._driver = raw.driver_connection
        return self._driver

    async def close(self) -> None:
        connection, driver = self._connection, self._driver
        self._connection = self._driver = None
        if driver is not None:
            # Cut, not closed politely: no transaction is ever open on it, and a polite
            # close waits for a server that may not answer (then the pool logs a
            # traceback for the timeout).
            driver.terminate()
        if connection is not None:
            with contextlib.suppress(Exception):  # a broken connection: nothing to keep
                await connection.close()

    async def dispose(self) -> None:
        await self.close()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None


async def prune(db: Database, before: datetime) -> int:
    """Forget events received before ``before`` (platforms stop retrying within minutes)."""
    async with db.writing() as connection:
        result = await connection.execute(
            delete(Receipt).where(col(Receipt.received_at) < before))
    return int(result.rowcount or 0)
