"""The DM channel a platform uses for each user, remembered so a reminder costs one
request instead of two (Discord needs a channel id before it can send a DM).

Filled when a user DMs the bot and when a platform first opens a DM for a reminder;
cached in memory over the database so a fan-out to thousands reads it once.
"""

from __future__ import annotations

from bot.store import subscriptions as store
from bot.store.database import Database


class DirectChannels:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._known: dict[tuple[str, str], str] = {}

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
