"""Bringing a database to this version's schema with Alembic, configured in code.

No ``alembic.ini`` is read: the scripts are found beside this module, so a plain install
migrates as a checkout does. The caller opens the connection, takes the schema lock and
commits (``bot.store.database.Database.migrate``); everything here runs inside that one
transaction, so a failed upgrade leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext, MigrationInfo
from alembic.script import Script, ScriptDirectory
from sqlalchemy.engine import Connection

from bot.store.migrations import NewerDatabaseError, baseline

SCRIPTS = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Step:
    """One thing done to the database: a migration applied, or a database made before
    migrations adopted at the baseline."""

    revision: str
    description: str
    adopted: bool = False

    def line(self) -> str:
        if self.adopted:
            return (f"Adopted a database made before migrations as revision "
                    f"{self.revision} ({self.description})")
        return f"Applied migration {self.revision}: {self.description}"


def alembic_config(connection: Connection | None = None,
                   progress: Callable[[MigrationInfo], None] | None = None) -> Config:
    """Alembic's configuration, without a file: where the scripts are and, for env.py,
    the connection to use and who hears of each step."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    config.attributes["progress"] = progress
    return config


def head_revision() -> str:
    """The revision this version of the bot needs."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover  (the baseline always exists)
        raise RuntimeError(f"no migrations in {SCRIPTS}")
    return head


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at (None: empty, or made before migrations)."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(conn: Connection, progress: Callable[[Step], None] | None = None) -> list[Step]:
    """Upgrade the database on ``conn`` to the head revision; return the steps taken, in
    order (none when it was up to date). ``progress`` hears of each as it is done."""
    steps: list[Step] = []

    def record(step: Step) -> None:
        steps.append(step)
        if progress is not None:
            progress(step)

    def applied(info: MigrationInfo) -> None:
        if info.is_stamp or not info.is_upgrade:
            return
        script = info.up_revision
        doc = script.doc if isinstance(script, Script) else ""
        record(Step(info.up_revision_id or "?", doc.strip()))

    config = alembic_config(conn, applied)
    current = current_revision(conn)
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if current is not None and current not in known:
        raise NewerDatabaseError(current)
    if baseline.is_legacy(conn):
        added = baseline.adopt(conn)
        command.stamp(config, baseline.REVISION)
        note = "the schema of commit 882da0f"
        if added:
            note += "; first added " + ", ".join(added)
        record(Step(baseline.REVISION, note, adopted=True))
    command.upgrade(config, "head")
    return steps
