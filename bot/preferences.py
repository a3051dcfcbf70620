"""Users' saved timezones, cached in memory in front of the database.

Every answer needs the asker's zone, so a database round trip per question would
dominate the router's cost; the cache is filled on first use and written through on
every change, so the database stays the source of truth across restarts.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.messages import UserRef
from bot.store import preferences as store
from bot.store.database import Database
from bot.timezones import TimezoneError, parse_timezone

CACHE_LIMIT = 100_000


class Preferences:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._zones: dict[tuple[str, str], ZoneInfo | None] = {}

    async def timezone(self, user: UserRef) -> ZoneInfo | None:
        key = (user.platform, user.id)
        if key in self._zones:
            return self._zones[key]
        name = await store.get_timezone(self._db, user.platform, user.id)
        zone = None
        if name:
            try:
                zone = parse_timezone(name)
            except TimezoneError:
                zone = None  # a zone removed from tzdata; fall back to the default
        self._remember(key, zone)
        return zone

    async def set_timezone(self, user: UserRef, zone: ZoneInfo | None, now: datetime) -> None:
        await store.set_timezone(self._db, user.platform, user.id, zone.key if zone else None, now)
        self._remember((user.platform, user.id), zone)

    def _remember(self, key: tuple[str, str], zone: ZoneInfo | None) -> None:
        if len(self._zones) >= CACHE_LIMIT:
            self._zones.clear()
        self._zones[key] = zone
