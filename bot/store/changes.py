"""Telling the other processes what changed: PostgreSQL's LISTEN/NOTIFY.

Processes share nothing but the database, and each keeps some of it in memory for speed
(saved timezones, the Q&A threads, the program). A write that changes one of those
also sends a notification in its transaction (:func:`announce`), which PostgreSQL
delivers to every listening process when the transaction commits; each one's
:class:`ChangeListener` hands it to the part that keeps that state, which updates in
milliseconds instead of at its next poll. The polls stay, as the fallback for what a
listener missed (it was reconnecting, or the notification queue overflowed): after
every reconnection the listener asks for a full check at once.

SQLite has no notifications; there, one process serves (README "Scaling out") and the
polls alone follow what ``workshop-bot`` commands change.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.database import Database
from bot.store.outage import reason

log = logging.getLogger(__name__)
CHANNEL = "workshop_bot_changes"
TIMEZONE, QA_THREADS, PROGRAM = "timezone", "qa-threads", "program"
QA_QUEUE = "qa-queue"  # a question asked, voted on or moderated: the live pages follow
PING_EVERY = 5.0  # seconds between checks that the listening connection is still there
RETRY_AFTER = (0.5, 1.0, 2.0, 5.0)  # seconds between reconnections (the last repeats)
APPLICATION_NAME = "workshop-bot changes"  # how pg_stat_activity shows the connection
MAX_PAYLOAD = 7900  # PostgreSQL refuses payloads of 8000 bytes or more

Change = dict[str, Any]
Handler = Callable[[Change], Awaitable[None]]

_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


async def announce(db: Database, where: AsyncConnection | AsyncSession, kind: str,
                   **fields: str | int | None) -> None:
    """Notify every listening process of a change, when ``where``'s transaction commits
    (nothing on SQLite)."""
    if db.backend != "postgresql":
        return
    payload = json.dumps({"kind": kind, **fields}, separators=(",", ":"))
    if len(payload.encode()) > MAX_PAYLOAD:
        payload = json.dumps({"kind": kind})  # the polls' full check covers the details
    connection = await where.connection() if isinstance(where, AsyncSession) else where
    await connection.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})


class ChangeListener:
    """One connection that LISTENs for changes, reconnecting whenever it is lost.

    ``handlers`` take the changes by kind; ``missed`` is called after a reconnection,
    when notifications may have been lost, to check everything at once."""

    def __init__(self, db: Database, handlers: Mapping[str, Handler],
                 missed: Callable[[], Awaitable[None]]) -> None:
        self._db = db
        self._handlers = handlers
        self._missed = missed
        self._tasks: set[asyncio.Task[None]] = set()
        self.connected = asyncio.Event()  # listening now (for /healthz and the tests)
        self.received = 0

    async def run(self) -> None:
        """Listen until cancelled."""
        engine = create_async_engine(self._db.url, poolclass=NullPool, connect_args={
            "timeout": self._db.timeout, "command_timeout": self._db.timeout,
            "server_settings": {"application_name": APPLICATION_NAME}})
        attempt = 0
        told = False
        try:
            while True:
                try:
                    async with engine.connect() as connection:
                        await self._listen(connection, catch_up=attempt > 0)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if self.connected.is_set() or not told:
                        log.warning("Change notifications: no connection (%s); reconnecting, "
                                    "and meanwhile the polls (BOT_RELOAD_POLL) follow other "
                                    "processes", reason(exc))
                        told = True
                if self.connected.is_set():
                    attempt = 0  # it was up: start the back-off again
                self.connected.clear()
                await asyncio.sleep(RETRY_AFTER[min(attempt, len(RETRY_AFTER) - 1)])
                attempt += 1
        finally:
            self.connected.clear()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await engine.dispose()

    async def _listen(self, connection: AsyncConnection, *, catch_up: bool) -> None:
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection  # asyncpg's Connection
        lost = asyncio.Event()
        driver.add_termination_listener(lambda _connection: lost.set())
        await driver.add_listener(CHANNEL, self._notified)
        self.connected.set()
        log.info("Change notifications: listening on %s", self._db.describe())
        if catch_up:
            self._spawn(self._missed())  # whatever was sent while we were away
        try:
            while not lost.is_set():
                try:
                    await asyncio.wait_for(lost.wait(), PING_EVERY)
                except TimeoutError:
                    await driver.fetchval("SELECT 1", timeout=self._db.timeout)  # still there?
        except BaseException:
            # Cut, not closed: a polite close waits for a server that may not answer (a
            # stalled one), and the pool then logs a traceback for the timeout.
            driver.terminate()
            raise
        raise ConnectionError("the server closed the listening connection")

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self.received += 1
        try:
            change = json.loads(payload)
            handler = self._handlers.get(change.get("kind"))
        except (ValueError, AttributeError):
            log.warning("Change notifications: unreadable payload %r ignored", payload[:80])
            return
        if handler is not None:
            self._spawn(handler(change))

    def _spawn(self, work: Awaitable[None]) -> None:
        async def run() -> None:
            try:
                await work
            except Exception as exc:
                log.warning("Change notifications: could not follow a change (%s); the "
                            "next poll will", reason(exc))

        task = asyncio.create_task(run(), name="change")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
