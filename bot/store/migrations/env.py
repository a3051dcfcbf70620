"""Alembic's environment: how migrations reach the database, for the bot and for Alembic.

The bot runs migrations itself (``bot.store.migrations.apply``) on a connection it has
already opened and locked, passed in ``config.attributes["connection"]``; nothing is read
from an ``alembic.ini``, so this works from a plain install. A developer writing a new
migration runs Alembic's own command line from the project folder (``[tool.alembic]`` in
pyproject.toml finds this folder), on the database in ``DATABASE_URL``::

    DATABASE_URL=sqlite:///data/dev.db .venv/bin/alembic upgrade head
    DATABASE_URL=sqlite:///data/dev.db .venv/bin/alembic revision --autogenerate -m "..."
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Collection, Mapping
from typing import Any, Literal

import sqlalchemy as sa
from alembic import context
from alembic.autogenerate.api import AutogenContext
from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

import bot.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from bot.store.database import async_url

config = context.config


def render_item(kind: str, obj: Any, autogen: AutogenContext) -> str | Literal[False]:
    """Write column types as plain SQLAlchemy types in new migrations, so a migration does
    not depend on how the models spell their types today (UTCDateTime, SQLModel's
    AutoString): it must mean the same thing in every later release."""
    if kind != "type":
        return False
    if isinstance(obj, sa.types.TypeDecorator):
        obj = obj.impl_instance
    if isinstance(obj, sa.String) and type(obj).__module__.startswith("sqlmodel"):
        return f"sa.String({obj.length})" if obj.length else "sa.String()"
    if isinstance(obj, sa.DateTime):
        return f"sa.DateTime(timezone={obj.timezone})"
    return False


def run(connection: Connection) -> None:
    progress: Callable[[MigrationInfo], None] | None = config.attributes.get("progress")

    def applied(ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any],
                run_args: Mapping[str, Any]) -> None:
        if progress is not None:
            progress(step)

    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # SQLite alters a table by copying it; batch mode writes migrations that way.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_server_default=True,
        render_item=render_item,
        on_version_apply=applied,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_command_line() -> None:
    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set DATABASE_URL to the database to migrate")
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; give a database")
connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    asyncio.run(run_from_command_line())
