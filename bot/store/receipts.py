"""Recording the platform events acted on: one statement decides which process acts.

``INSERT ... ON CONFLICT DO NOTHING RETURNING key``: the process whose insert made the
row acts on the event; every other one (a retry that landed elsewhere) sees no row come
back and drops it. Many events arriving together are recorded in one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, text
from sqlmodel import col

from bot.store.database import Database
from bot.store.tables import Receipt
from bot.store.types import UTCDateTime

# One statement text for any number of events (arrays, not a VALUES row each), so it is
# compiled once and the server keeps it prepared: the check costs a crowd little CPU.
_RECORD = text(
    "INSERT INTO receipt (platform, key, received_at) "
    "SELECT platform, key, :at FROM unnest(CAST(:platforms AS text[]), "
    "CAST(:keys AS text[])) AS received (platform, key) "
    "ON CONFLICT (platform, key) DO NOTHING RETURNING platform, key"
).bindparams(bindparam("at", type_=UTCDateTime()))


async def record(db: Database, received: Sequence[tuple[str, str]], at: datetime
                 ) -> set[tuple[str, str]]:
    """Record (platform, key) pairs; return those that were not recorded before.
    PostgreSQL only: on SQLite one process serves, and its memory is enough."""
    async with db.writing() as connection:
        rows = await connection.execute(_RECORD, {
            "platforms": [platform for platform, _ in received],
            "keys": [key for _, key in received], "at": at})
        return {(platform, key) for platform, key in rows}


async def prune(db: Database, before: datetime) -> int:
    """Forget events received before ``before`` (platforms stop retrying within minutes)."""
    async with db.writing() as connection:
        result = await connection.execute(
            delete(Receipt).where(col(Receipt.received_at) < before))
    return int(result.rowcount or 0)
