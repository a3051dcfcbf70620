"""Users' saved timezones, cached in memory in front of the database.

Every answer needs the asker's zone, so a database round trip per question would
dominate the router's cost; the cache is filled on first use and written through on
every change, so the database stays the source of truth across restarts.

While the database is not answering, a user not cached yet gets no saved zone (answers
use the default, and say which zone they are in) and nothing is cached for them, so the
saved zone is used again as soon as the database is back.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.messages import UserRef
from bot.store import preferences as store
from bot.store.database import Database
from bot.store.outage import OutageLog, is_database_down
from bot.timezones import TimezoneError, parse_timezone

log = logging.getLogger(__name__)
CACHE_LIMIT = 100_000


class Preferences:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._zones: dict[tuple[str, str], ZoneInfo | None] = {}
        self._outage = OutageLog(log, "answers use the default timezone for users not seen yet")

    async def timezone(self, user: UserRef) -> ZoneInfo | None:
        key = (user.platform, user.id)
        if key in self._zones:
            return self._zones[key]
        try:
            name = await store.get_timezone(self._db, user.platform, user.id)
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self._outage.failed(exc)
            return None  # not remembered: looked up again once the database is back
        self._outage.worked()
        zone = _zone(name)
        self._remember(key, zone)
        return zone

    async def timezones(self, platform: str, user_ids: list[str]) -> dict[str, ZoneInfo | None]:
        """Many users' zones at once: one query for those not cached yet."""
        missing = [u for u in dict.fromkeys(user_ids) if (platform, u) not in self._zones]
        if missing:
            names = await store.get_timezones(self._db, platform, missing)
            for user_id in missing:
                self._remember((platform, user_id), _zone(names.get(user_id)))
        return {u: self._zones.get((platform, u)) for u in user_ids}

    async def set_timezone(self, user: UserRef, zone: ZoneInfo | None, now: datetime) -> None:
        await store.set_timezone(self._db, user.platform, user.id, zone.key if zone else None, now)
        self._remember((user.platform, user.id), zone)

    def _remember(self, key: tuple[str, str], zone: ZoneInfo | None) -> None:
        if len(self._zones) >= CACHE_LIMIT:
            self._zones.clear()
        self._zones[key] = zone


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return parse_timezone(name)
    except TimezoneError:
        return None  # a zone removed from tzdata: fall back to the default
