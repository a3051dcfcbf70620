"""Acting on each platform event once, however many processes receive it.

Platforms deliver some events more than once: Slack retries an event it thinks was not
acknowledged in time (``X-Slack-Retry-Num``), and behind a load balancer the retry may
reach another instance. Every event an adapter hands the core carries the platform's id
of that delivery (:attr:`bot.events.Message.delivery`), and the core asks
:meth:`Receipts.first_time` before acting on it.

* The last few thousand ids are kept in memory: a retry reaching the same process costs
  nothing.
* On PostgreSQL, where several processes may share the work, the id is then recorded in
  the database (``receipt`` table, unique key) before acting; only the process whose
  insert made the row acts. Events arriving together are recorded in one statement: the
  first one schedules a write for the next turn of the event loop, every event that
  arrives until then joins it, and those arriving while it is on its way make the next
  one, so a crowd costs a round trip per batch, not per event (over a connection of its
  own, :class:`bot.store.receipts.ReceiptWriter`).
* On SQLite (one process, see README "Scaling out") the memory is enough.

While the database is not answering, events are acted on (logged once): a retry
answered twice is better than a question never answered. After a failed write the
database is not asked again for :data:`RETRY_AFTER`, so answers during an outage do not
each wait out ``BOT_DB_TIMEOUT``. Ids older than
:data:`KEEP` are deleted by :meth:`Receipts.prune`, run every few minutes.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.store import receipts as store
from bot.store.database import Database
from bot.store.outage import OutageLog, is_database_down

log = logging.getLogger(__name__)
RECENT = 10_000  # ids kept in memory; Slack retries within minutes
KEEP = timedelta(hours=1)  # Slack's last retry comes about 5 minutes after the first try
PRUNE_EVERY = 300.0  # seconds between deletions of old ids
RETRY_AFTER = timedelta(seconds=5)  # after a failure, events are acted on unchecked this long

Received = tuple[str, str]  # (platform, the platform's id of the delivery)


class Receipts:
    """Which deliveries were acted on: in memory, and in the database when it is shared."""

    def __init__(self, db: Database, real_clock: Clock, *, shared: bool) -> None:
        self._db = db
        self._writer = store.ReceiptWriter(db)
        self._clock = real_clock  # receipts age in real time, even in a rehearsal
        self.shared = shared
        self._recent: OrderedDict[Received, None] = OrderedDict()
        self._waiting: dict[Received, asyncio.Future[bool]] = {}
        self._writing: asyncio.Task[None] | None = None
        self.outage = OutageLog(log, "events are acted on without the check across "
                                      "processes (a retry may be answered twice)")
        self._retry_at: datetime | None = None  # the database is asked again from then
        self.checked = 0  # deliveries asked about
        self.repeats = 0  # deliveries dropped

    async def first_time(self, platform: str, key: str | None) -> bool:
        """Whether this process should act on the delivery ``key`` (None: no id, act)."""
        if not key:
            return True
        self.checked += 1
        received = (platform, key)
        if received in self._recent:
            self.repeats += 1
            return False
        self._recent[received] = None
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        if not self.shared:
            return True
        first = await self._recorded(received)
        if not first:
            self.repeats += 1
        return first

    def _recorded(self, received: Received) -> asyncio.Future[bool]:
        """A future of whether ``received`` was new in the database, written in a batch."""
        future = asyncio.get_running_loop().create_future()
        self._waiting[received] = future
        if self._writing is None:
            self._writing = asyncio.create_task(self._write(), name="receipts")
        return future

    async def _write(self) -> None:
        """Record what is waiting, batch after batch, until nothing is: events arriving
        while a batch is on its way join the next one."""
        batch: dict[Received, asyncio.Future[bool]] = {}
        try:
            await asyncio.sleep(0)  # one turn of the loop: events arriving together join in
            while self._waiting:
                batch, self._waiting = self._waiting, {}
                new = await self._record(batch)
                for received, future in batch.items():
                    if not future.done():
                        future.set_result(received in new)
        finally:
            self._writing = None
            # Cancelled on the way (the bot stopping): whoever waits acts rather than hangs.
            for future in (*batch.values(), *self._waiting.values()):
                if not future.done():
                    future.set_result(True)
            self._waiting = {}

    async def _record(self, batch: dict[Received, asyncio.Future[bool]]) -> set[Received]:
        """Those of ``batch`` no process recorded before; all of them while the database
        is away (and, after a failure, without asking it for RETRY_AFTER seconds, so a
        crowd's answers do not each wait out a timeout)."""
        now = self._clock.now()
        if self.outage.down and self._retry_at is not None and now < self._retry_at:
            return set(batch)
        try:
            new = await self._writer.record(list(batch), now)
        except Exception as exc:
            if not is_database_down(exc):
                log.exception("Could not record %d events; acting on them", len(batch))
            else:
                self.outage.failed(exc)
            self._retry_at = self._clock.now() + RETRY_AFTER
            return set(batch)
        self.outage.worked()
        self._retry_at = None
        return new

    async def close(self) -> None:
        """Close the connection receipts are recorded over (the composition root, at
        the end)."""
        if self._writing is not None:
            await asyncio.gather(self._writing, return_exceptions=True)
        await self._writer.dispose()

    async def prune(self) -> None:
        """Delete the ids older than :data:`KEEP` (only the database keeps them)."""
        if not self.shared:
            return
        try:
            gone = await store.prune(self._db, self._clock.now() - KEEP)
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self.outage.failed(exc)
            return
        if gone:
            log.debug("%d old event receipts deleted", gone)
