"""Attendees' reminder subscriptions and the DM channels platforms gave us for them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select

from bot.store import upsert
from bot.store.database import Database
from bot.store.tables import DirectChannel, Subscription


async def subscribe(
    db: Database, item_id: int, platform: str, user_id: str, offset: int, now: datetime
) -> bool:
    """Add a subscription; False when the user already had exactly this one."""
    statement = (
        upsert.insert(db, Subscription)
        .values(item_id=item_id, platform=platform, user_id=user_id, offset_minutes=offset,
                created_at=now)
        .on_conflict_do_nothing(index_elements=["item_id", "platform", "user_id",
                                                "offset_minutes"])
        .returning(col(Subscription.id))
    )
    async with db.writing() as connection:
        created = (await connection.execute(statement)).first()
    return created is not None


async def unsubscribe(db: Database, platform: str, user_id: str, item_id: int | None) -> int:
    """Remove a user's subscriptions to one item (or all with None); returns how many."""
    statement = delete(Subscription).where(
        col(Subscription.platform) == platform, col(Subscription.user_id) == user_id
    )
    if item_id is not None:
        statement = statement.where(col(Subscription.item_id) == item_id)
    async with db.writing() as connection:
        result = await connection.execute(statement)
    return int(result.rowcount or 0)


async def of_user(db: Database, platform: str, user_id: str) -> list[Subscription]:
    async with db.session() as session:
        rows = await session.exec(
            select(Subscription)
            .where(col(Subscription.platform) == platform, col(Subscription.user_id) == user_id)
            .order_by(col(Subscription.item_id), col(Subscription.offset_minutes).desc())
        )
        return list(rows.all())


async def for_item(
    db: Database, item_id: int, offset: int | None = None, platforms: Iterable[str] = ()
) -> list[str]:
    """User ids subscribed to an item (at one offset, or any), oldest subscription first.

    Only the ids are loaded: a fan-out to ten thousand people should not build ten
    thousand ORM objects.
    """
    query = select(Subscription.user_id).where(col(Subscription.item_id) == item_id)
    if offset is not None:
        query = query.where(col(Subscription.offset_minutes) == offset)
    wanted = list(platforms)
    if wanted:
        query = query.where(col(Subscription.platform).in_(wanted))
    async with db.session() as session:
        rows = await session.exec(query.order_by(col(Subscription.created_at),
                                                 col(Subscription.id)))
        return list(rows.all())


async def offsets_by_item(db: Database, item_ids: Iterable[int]) -> dict[int, set[int]]:
    """Which offsets anyone subscribed to, per item: one scheduler job each."""
    wanted = list(item_ids)
    if not wanted:
        return {}
    async with db.session() as session:
        rows = await session.exec(
            select(Subscription.item_id, Subscription.offset_minutes)
            .where(col(Subscription.item_id).in_(wanted)).distinct()
        )
        out: dict[int, set[int]] = {}
        for item_id, offset in rows.all():
            out.setdefault(item_id, set()).add(offset)
        return out


async def direct_channel(db: Database, platform: str, user_id: str) -> str | None:
    async with db.session() as session:
        row = await session.get(DirectChannel, (platform, user_id))
        return row.channel_id if row else None


async def remember_direct_channel(
    db: Database, platform: str, user_id: str, channel_id: str
) -> None:
    statement = upsert.insert(db, DirectChannel).values(
        platform=platform, user_id=user_id, channel_id=channel_id
    ).on_conflict_do_update(index_elements=["platform", "user_id"],
                            set_={"channel_id": channel_id})
    async with db.writing() as connection:
        await connection.execute(statement)
