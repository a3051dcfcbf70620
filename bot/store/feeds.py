"""The tokens in people's calendar feed addresses (``/ics/u/<token>.ics``).

The token is the feed's only credential: whoever has the address sees the person's
sessions, so it is random (``secrets.token_urlsafe``, 192 bits) rather than derived from
who they are, and it is stored rather than signed, so that "agenda feed reset" can kill
it. One live token per person (platform and user id): asking again gives the same
address, which calendar apps keep polling; a reset replaces it in one statement.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import col, select

from bot.store import upsert
from bot.store.database import Database
from bot.store.tables import CalendarFeed

TOKEN_BYTES = 24  # 32 characters in the address


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


async def token_of(db: Database, platform: str, user_id: str, now: datetime) -> str:
    """The person's live token, made on their first ask. Two first asks at once (two
    processes, or a double click) get the same token: the insert does nothing when the
    person has one already, and what is stored is read back in the same transaction."""
    found = await _stored(db, platform, user_id)
    if found is not None:  # the usual ask: one read, no write
        return found
    statement = (
        upsert.insert(db, CalendarFeed)
        .values(token=new_token(), platform=platform, user_id=user_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["platform", "user_id"])
    )
    query = select(CalendarFeed.token).where(col(CalendarFeed.platform) == platform,
                                             col(CalendarFeed.user_id) == user_id)
    async with db.writing() as connection:
        await connection.execute(statement)
        return (await connection.execute(query)).scalar_one()


async def reset(db: Database, platform: str, user_id: str, now: datetime) -> str:
    """A new token for the person, the old one dead from this commit on (it is replaced
    in its row, so no moment has two live tokens, and two resets at once cannot collide:
    the later one wins)."""
    token = new_token()
    statement = (
        upsert.insert(db, CalendarFeed)
        .values(token=token, platform=platform, user_id=user_id, created_at=now)
        .on_conflict_do_update(index_elements=["platform", "user_id"],
                               set_={"token": token, "created_at": now})
    )
    async with db.writing() as connection:
        await connection.execute(statement)
    return token


async def owner(db: Database, token: str) -> tuple[str, str] | None:
    """Whose feed ``token`` opens (platform, user id); None for a reset or unknown one."""
    async with db.session() as session:
        row = await session.get(CalendarFeed, token)
        return (row.platform, row.user_id) if row is not None else None


async def _stored(db: Database, platform: str, user_id: str) -> str | None:
    async with db.session() as session:
        rows = await session.exec(select(CalendarFeed.token).where(
            col(CalendarFeed.platform) == platform, col(CalendarFeed.user_id) == user_id))
        return rows.first()
