"""Users' saved timezones, held in memory in front of the database.

Every answer needs the asker's zone, and a crowd is mostly people asking for the first
time, so a database round trip per new asker would dominate the router's cost. Every
saved zone is read at start (:meth:`Preferences.load`, one query), every change is
written through, a zone saved through another process arrives in a notification
(:meth:`Preferences.changed`, PostgreSQL only, within milliseconds), and
:meth:`Preferences.refresh`, run every BOT_RELOAD_POLL seconds as the fallback, reads
the rows another process changed since the last look. The database stays the source of
truth across restarts.

While the database is not answering at start, users are looked up one by one as before
(a user not cached yet gets no saved zone and nothing is cached for them), and the full
read is tried again on the next refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.messages import UserRef
from bot.program import Program
from bot.store import preferences as store
from bot.store.database import Database
from bot.store.outage import OutageLog, is_database_down
from bot.timezones import TimezoneError, parse_timezone

log = logging.getLogger(__name__)
CACHE_LIMIT = 100_000  # users looked up one by one before the full read succeeded
# Rows changed up to this long before the last look are read again: processes' clocks
# (which stamp the rows) may differ by a little.
REFRESH_OVERLAP = timedelta(minutes=10)


class Preferences:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._zones: dict[tuple[str, str], ZoneInfo | None] = {}
        self.outage = OutageLog(log, "answers use the default timezone for users not seen yet")
        self._loaded = False  # every saved zone is in _zones: a missing user has none
        self._seen_until: datetime | None = None

    async def load(self) -> None:
        """Read every saved zone (at start); an outage leaves the one-by-one lookups on."""
        rows = await self._read(None)
        if rows is not None:
            self._take(rows)
            self._loaded = True
            log.debug("%d saved timezones read", len(self._zones))

    async def refresh(self) -> None:
        """Take in zones saved by other processes since the last look."""
        if not self._loaded:
            await self.load()
            return
        since = self._seen_until - REFRESH_OVERLAP if self._seen_until else None
        rows = await self._read(since)
        if rows is not None:
            self._take(rows)

    async def _read(self, since: datetime | None
                    ) -> list[tuple[str, str, str | None, datetime]] | None:
        """Saved zones changed since ``since`` (all: None); None while the database is away."""
        try:
            return await store.saved_timezones(self._db, since)
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self.outage.failed(exc)
            return None

    def _take(self, rows: list[tuple[str, str, str | None, datetime]]) -> None:
        for platform, user_id, name, at in rows:
            self._zones[(platform, user_id)] = _zone(name)
            if self._seen_until is None or at > self._seen_until:
                self._seen_until = at

    async def timezone(self, user: UserRef) -> ZoneInfo | None:
        key = (user.platform, user.id)
        if key in self._zones:
            return self._zones[key]
        if self._loaded:
            return None  # every saved zone was read: this user has none
        try:
            name = await store.get_timezone(self._db, user.platform, user.id)
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self.outage.failed(exc)
            return None  # not remembered: looked up again once the database is back
        self.outage.worked()
        zone = _zone(name)
        self._remember(key, zone)
        return zone

    async def timezones(self, platform: str, user_ids: list[str]) -> dict[str, ZoneInfo | None]:
        """Many users' zones at once: one query for those not cached yet."""
        missing = [u for u in dict.fromkeys(user_ids) if (platform, u) not in self._zones]
        if missing and not self._loaded:
            names = await store.get_timezones(self._db, platform, missing)
            for user_id in missing:
                self._remember((platform, user_id), _zone(names.get(user_id)))
        return {u: self._zones.get((platform, u)) for u in user_ids}

    async def changed(self, change: Mapping[str, object]) -> None:
        """A zone saved through another process, as its notification says (no query)."""
        platform, user, name = change.get("platform"), change.get("user"), change.get("zone")
        if not isinstance(platform, str) or not isinstance(user, str):
            await self.refresh()  # a notification without the details: read what changed
            return
        self._remember((platform, user), _zone(name if isinstance(name, str) else None))

    async def set_timezone(self, user: UserRef, zone: ZoneInfo | None, now: datetime) -> None:
        await store.set_timezone(self._db, user.platform, user.id, zone.key if zone else None, now)
        self._remember((user.platform, user.id), zone)

    def _remember(self, key: tuple[str, str], zone: ZoneInfo | None) -> None:
        if self._loaded:
            if zone is None:
                self._zones.pop(key, None)
            else:
                self._zones[key] = zone
            return
        if len(self._zones) >= CACHE_LIMIT:
            self._zones.clear()
        self._zones[key] = zone


def reading_zone(program: Program, saved: ZoneInfo | None, default: ZoneInfo | None,
                 given: ZoneInfo | None = None) -> ZoneInfo:
    """The one rule for the timezone an answer, a reminder or a prompt is shown in: the
    zone given for this one message (``--tz``), else the person's saved zone, else the
    bot's BOT_TIMEZONE, else the program's own."""
    return given or saved or default or program.workshop.timezone


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return parse_timezone(name)
    except TimezoneError:
        return None  # a zone removed from tzdata: fall back to the default
