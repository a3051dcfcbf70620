"""The DM channel a platform uses for each user, remembered so a reminder costs one
request instead of two (Discord needs a channel id before it can send a DM).

Filled when a user DMs the bot and when a platform first opens a DM for a reminder;
cached in memory over the database so a fan-out to thousands reads it once. A DM's
channel is noted without waiting for the database (:meth:`DirectChannels.note`): the
answer to someone's first DM must not wait for a write it does not need.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.store import subscriptions as store
from bot.store.database import Database
from bot.store.outage import OutageLog, is_database_down

log = logging.getLogger(__name__)


class DirectChannels:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._known: dict[tuple[str, str], str] = {}
        self._writes: set[asyncio.Task[Any]] = set()
        self.outage = OutageLog(log, "DM channels are written when a DM comes after it")

    async def get(self, platform: str, user_id: str) -> str | None:
        key = (platform, user_id)
        if key not in self._known:
            found = await store.direct_channel(self._db, platform, user_id)
            if found is None:
                return None
            self._known[key] = found
        return self._known[key]

    async def remember(self, platform: str, user_id: str, channel_id: str) -> None:
        key = (platform, user_id)
        if self._known.get(key) == channel_id:
            return
        await store.remember_direct_channel(self._db, platform, user_id, channel_id)
        self._known[key] = channel_id

    def note(self, platform: str, user_id: str, channel_id: str) -> None:
        """Remember a DM's channel now and write it in the background; a failed write is
        forgotten again (the person's next DM tries again)."""
        key = (platform, user_id)
        if self._known.get(key) == channel_id:
            return
        self._known[key] = channel_id
        task = asyncio.create_task(self._write(key, channel_id), name="direct-channel")
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write(self, key: tuple[str, str], channel_id: str) -> None:
        try:
            await store.remember_direct_channel(self._db, key[0], key[1], channel_id)
        except Exception as exc:
            if self._known.get(key) == channel_id:
                del self._known[key]
            if not is_database_down(exc):
                log.exception("Could not remember the DM channel of %s/%s", *key)
                return
            self.outage.failed(exc)
            return
        self.outage.worked()

    async def written(self) -> None:
        """Wait for the writes :meth:`note` started (tests; shutting down)."""
        while self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
