"""Which Q&A thread belongs to which paper or talk, as this process last read it.

Every answer about a paper links its thread, and every message in any thread asks
whether it is a Q&A thread, so the map is kept in memory. Other processes change it too
(``workshop-bot qa setup`` while the bot runs, as the README says to; a second
instance): each change bumps the workshop's Q&A revision in the same transaction as the
thread rows (:func:`bot.store.qa.save_thread`), and the map is read again whenever that
revision has moved, which costs one small query to find out:

* on a poll (:meth:`QaThreads.refresh`, every ``BOT_RELOAD_POLL`` seconds, as the
  program's revision is polled), so links in answers follow by the next poll;
* before a message in a thread the map does not know is ignored, so a question posted
  the moment another process made its thread is taken, not dropped;
* before the bot posts into a thread (a question, a new status, an answer), so it never
  posts into a thread that another process has replaced.

Links in answers come from memory: they cost no query, and they keep working while the
database is away.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.messages import ThreadRef
from bot.store import qa as store
from bot.store.database import Database
from bot.store.tables import QaThread


@dataclass(frozen=True, slots=True)
class ThreadMap:
    """The threads at one Q&A revision, looked up both ways."""

    revision: int
    by_item: Mapping[tuple[str, int], ThreadRef] = field(default_factory=dict)
    by_thread: Mapping[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def of(cls, revision: int, rows: list[QaThread]) -> ThreadMap:
        return cls(revision,
                   {(t.platform, t.item_id): ref(t) for t in rows},
                   {(t.platform, t.thread_id): t.item_id for t in rows})


def ref(row: QaThread) -> ThreadRef:
    return ThreadRef(row.platform, row.channel_id, row.thread_id, row.starter_id, row.url)


class QaThreads:
    """The thread map of the current workshop, read again when its Q&A revision moves."""

    def __init__(self, db: Database, workshop: Callable[[], str]) -> None:
        self._db = db
        self._workshop = workshop  # the current workshop's slug (the catalog may be replaced)
        self._map: ThreadMap | None = None
        # Many messages arriving in new threads at once read the map once, not each.
        self._reading = asyncio.Lock()

    @property
    def revision(self) -> int | None:
        """The Q&A revision the map in memory is at (None before the first read): answers
        worked out from the map are kept under it (see ``bot.answer_cache``)."""
        return self._map.revision if self._map is not None else None

    @property
    def loaded(self) -> ThreadMap | None:
        """The map in memory, without asking the database (None before the first read)."""
        return self._map

    async def current(self) -> ThreadMap:
        """The map in memory, read first if it never was."""
        return self._map if self._map is not None else await self._read()

    async def fresh(self) -> ThreadMap:
        """The map at the database's Q&A revision: read again only if that moved."""
        await self.refresh()
        assert self._map is not None
        return self._map

    async def refresh(self) -> bool:
        """Read the map again if another process (or this one) changed the threads since;
        True if it did."""
        revision = await store.threads_revision(self._db, self._workshop())
        if self._map is not None and self._map.revision == revision:
            return False
        before = self._map
        await self._read(revision)
        return self._map is not before

    async def _read(self, revision: int | None = None) -> ThreadMap:
        """Read the map, unless whoever held the lock before us read it (at ``revision``,
        when one is given)."""
        async with self._reading:
            known = self._map
            if known is not None and revision in (None, known.revision):
                return known
            revision, rows = await store.thread_snapshot(self._db, self._workshop())
            self._map = ThreadMap.of(revision, rows)
            return self._map
