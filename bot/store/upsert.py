"""The backend's own INSERT, for ``ON CONFLICT``: the exactly-once claims, votes,
subscriptions and preferences are each one statement that the database decides."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel

from bot.store.database import Database


def insert(db: Database, model: type[SQLModel]) -> PgInsert | SqliteInsert:
    """``INSERT INTO model``, in the dialect of ``db`` (both spell ON CONFLICT alike)."""
    return pg_insert(model) if db.backend == "postgresql" else sqlite_insert(model)
