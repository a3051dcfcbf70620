"""The schema of the last release before migrations (commit 882da0f), frozen.

Migration 0001 creates it on an empty database. A database made before migrations has
these tables but no ``alembic_version``: :func:`adopt` first does what that release did
on every start (create missing tables, add missing columns), so the database really is
at 0001, and only then is it stamped 0001 and upgraded like any other.

Frozen means written out here rather than taken from ``bot.store.tables``: the models
move on with every release, and a migration must keep meaning what it meant when it was
written. Never edit this file; change the schema with a new migration in ``versions/``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

REVISION = "0001"

metadata = sa.MetaData()


def _instant(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    """A UTC instant, as ``bot.store.types.UTCDateTime`` stores it."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


sa.Table(
    "workshop", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(63), nullable=False, unique=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("venue", sa.String),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),
    sa.Column("timezone", sa.String, nullable=False),
    sa.Column("url", sa.String),
    sa.Column("summary", sa.Text),
    sa.Column("channels_json", sa.Text, nullable=False, default="{}"),
    sa.Column("qa_json", sa.Text, nullable=False, server_default="{}"),
    sa.Column("reminders_json", sa.Text, nullable=False, server_default="{}"),
    sa.Column("revision", sa.Integer, nullable=False, default=0),
)

sa.Table(
    "person", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshop.id"), nullable=False),
    sa.Column("key", sa.String, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("affiliation", sa.String),
    sa.Column("discord_id", sa.String),
    sa.Column("slack_id", sa.String),
    sa.UniqueConstraint("workshop_id", "key"),
    sa.Index("ix_person_workshop_id", "workshop_id"),
)

sa.Table(
    "item", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshop.id"), nullable=False),
    sa.Column("slug", sa.String(63), nullable=False),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("summary", sa.Text),
    sa.Column("keywords", sa.String, nullable=False, default=""),
    _instant("start", nullable=True),
    _instant("end", nullable=True),
    sa.Column("room", sa.String),
    sa.Column("track", sa.String),
    sa.Column("day", sa.Date),
    sa.Column("url", sa.String),
    sa.Column("session_slug", sa.String),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.UniqueConstraint("workshop_id", "slug"),
    sa.Index("ix_item_workshop_start", "workshop_id", "start"),
)

sa.Table(
    "role", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshop.id"), nullable=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id")),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Index("ix_role_workshop_person", "workshop_id", "person_id"),
    sa.Index("ix_role_item_id", "item_id"),
)

sa.Table(
    "userpreference", metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("timezone", sa.String),
    _instant("updated_at"),
)

sa.Table(
    "subscription", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id"), nullable=False),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("offset_minutes", sa.Integer, nullable=False),
    _instant("created_at"),
    sa.UniqueConstraint("item_id", "platform", "user_id", "offset_minutes"),
    sa.Index("ix_subscription_item_id", "item_id"),
)

sa.Table(
    "delivery", metadata,
    sa.Column("key", sa.String(400), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id")),
    sa.Column("offset_minutes", sa.Integer),
    sa.Column("revision", sa.Integer),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("target", sa.String(128), nullable=False),
    _instant("due_at"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("claimed_by", sa.String(128)),
    _instant("claimed_at", nullable=True),
    _instant("done_at", nullable=True),
    sa.Column("message_ref", sa.String(128)),
    sa.Column("error", sa.String(500)),
    sa.Index("ix_delivery_item_id", "item_id"),
    sa.Index("ix_delivery_status", "status"),
)

sa.Table(
    "directchannel", metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("channel_id", sa.String(64), nullable=False),
)

sa.Table(
    "programchange", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshop.id"), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    _instant("created_at"),
    sa.Column("changes_json", sa.Text, nullable=False),
    sa.Index("ix_programchange_workshop_id", "workshop_id"),
)

sa.Table(
    "qathread", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id"), nullable=False),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("channel_id", sa.String(64), nullable=False),
    sa.Column("thread_id", sa.String(64), nullable=False),
    sa.Column("starter_id", sa.String(64)),
    sa.Column("url", sa.String(500)),
    _instant("created_at"),
    sa.UniqueConstraint("item_id", "platform"),
    sa.Index("ix_qathread_platform_thread", "platform", "thread_id"),
)

sa.Table(
    "question", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id"), nullable=False),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("author_id", sa.String(64), nullable=False),
    sa.Column("author_name", sa.String(200)),
    sa.Column("anonymous", sa.Boolean, nullable=False, default=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(500)),
    sa.Column("answer", sa.Text),
    sa.Column("answered_by", sa.String(200)),
    sa.Column("message_ref", sa.String(128)),
    _instant("created_at"),
    _instant("updated_at"),
    sa.UniqueConstraint("platform", "message_ref"),
    sa.Index("ix_question_item_status", "item_id", "status"),
)

sa.Table(
    "vote", metadata,
    sa.Column("question_id", sa.Integer, sa.ForeignKey("question.id"), primary_key=True,
              autoincrement=False),
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("source", sa.String(16), nullable=False, default="command"),
    _instant("created_at"),
)


def is_legacy(conn: Connection) -> bool:
    """Whether ``conn`` holds a database made before migrations: our tables, no
    ``alembic_version``."""
    present = set(sa.inspect(conn).get_table_names())
    return "alembic_version" not in present and bool(present & set(metadata.tables))


def adopt(conn: Connection) -> list[str]:
    """Bring a database made before migrations to the baseline, as the releases before
    migrations did on every start; return what was added, "table.column" each.

    Those releases created missing tables and added, with ``ALTER TABLE ... ADD COLUMN``,
    the columns a newer version defined; every column added that way has a default, so
    old rows get it (and the column is NOT NULL where the baseline says so).
    """
    metadata.create_all(conn)
    inspector = sa.inspect(conn)
    added = []
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            default = _default(column)
            clause = ""
            if default is not None:
                clause = f" DEFAULT {_literal(default)}" + ("" if column.nullable else
                                                            " NOT NULL")
            conn.execute(sa.text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" '
                                 f"{kind}{clause}"))
            added.append(f"{table.name}.{column.name}")
    return added


def _default(column: sa.Column[Any]) -> object:
    if column.server_default is not None:
        return getattr(column.server_default, "arg", None)
    if isinstance(column.default, sa.ColumnDefault) and column.default.is_scalar:
        return column.default.arg
    return None


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"
