"""Reading and writing a chat user's saved preferences (their timezone)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from bot.store import changes, upsert
from bot.store.database import Database
from bot.store.tables import UserPreference


async def get_timezone(db: Database, platform: str, user_id: str) -> str | None:
    async with db.session() as session:
        row = await session.get(UserPreference, (platform, user_id))
        return row.timezone if row else None


async def set_timezone(
    db: Database, platform: str, user_id: str, zone: str | None, now: datetime
) -> None:
    """Upsert in one statement, so two processes saving at once cannot collide; every
    other process is told at once (:mod:`bot.store.changes`)."""
    statement = upsert.insert(db, UserPreference).values(
        platform=platform, user_id=user_id, timezone=zone, updated_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=["platform", "user_id"],
        set_={"timezone": zone, "updated_at": now},
    )
    async with db.writing() as connection:
        await connection.execute(statement)
        await changes.announce(db, connection, changes.TIMEZONE, platform=platform,
                               user=user_id, zone=zone)


async def get_timezones(db: Database, platform: str, user_ids: list[str]) -> dict[str, str | None]:
    """Saved zones of many users in one query per 500 (for a fan-out's recipients)."""
    out: dict[str, str | None] = {}
    async with db.session() as session:
        for start in range(0, len(user_ids), 500):
            chunk = user_ids[start:start + 500]
            rows = await session.exec(
                select(UserPreference.user_id, UserPreference.timezone).where(
                    col(UserPreference.platform) == platform,
                    col(UserPreference.user_id).in_(chunk),
                )
            )
            out.update(dict(rows.all()))
    return out


async def saved_timezones(
    db: Database, changed_since: datetime | None = None
) -> list[tuple[str, str, str | None, datetime]]:
    """Every saved zone (platform, user id, zone, updated at), or those changed since
    ``changed_since``: read once at start and then polled, so no answer waits for it."""
    statement = select(UserPreference.platform, UserPreference.user_id,
                       UserPreference.timezone, UserPreference.updated_at)
    if changed_since is not None:
        statement = statement.where(col(UserPreference.updated_at) >= changed_since)
    async with db.session() as session:
        rows = await session.exec(statement)
        return [(platform, user_id, zone, at) for platform, user_id, zone, at in rows.all()]

