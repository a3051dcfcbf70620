"""Upgrades with Alembic, on SQLite and (with TEST_DATABASE_URL) PostgreSQL: a database
made by the last release before migrations (tests/data/legacy-882da0f.*, written by that
release's own code) upgrades without losing a row and ends up exactly as the models say;
the models and the migrations agree, so a change without a migration fails here; twice
is a no-op, two processes at once take turns, a failed upgrade changes nothing; and
``workshop-bot migrate`` says what it did in one line per step."""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel, col, select

from bot.store.database import Database, async_url
from bot.store.migrations import HEAD, NewerDatabaseError, apply, baseline
from bot.store.tables import Question, Workshop
from tests.conftest import BACKENDS, _pg_execute
from tests.support import ROOT

LEGACY_SQLITE = ROOT / "tests" / "data" / "legacy-882da0f.sqlite3"
LEGACY_POSTGRES = ROOT / "tests" / "data" / "legacy-882da0f.postgresql.sql"
REVISIONS = [s.revision for s in reversed(list(
    ScriptDirectory.from_config(apply.alembic_config()).walk_revisions()))]


@pytest.fixture(params=BACKENDS)
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    async with _postgres_database() as url:
        yield url


@pytest.fixture(params=BACKENDS)
async def legacy_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A copy of the database the release before migrations made (see the fixtures)."""
    if request.param == "sqlite":
        copy = tmp_path / "legacy.db"
        shutil.copyfile(LEGACY_SQLITE, copy)
        yield f"sqlite:///{copy}"
        return
    async with _postgres_database() as url:
        await _pg_execute(url, LEGACY_POSTGRES.read_text(encoding="utf-8"))
        yield url


@asynccontextmanager
async def _postgres_database() -> AsyncIterator[str]:
    """A throw-away PostgreSQL database of its own, dropped on exit."""
    base = os.environ["TEST_DATABASE_URL"]
    name = f"wbmig_{uuid.uuid4().hex[:12]}"
    await _pg_execute(base, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        await _pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _on(url: str, work: Any) -> Any:
    """Run ``work(sync_connection)`` on its own connection (not the bot's engine)."""
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            return await conn.run_sync(work)
    finally:
        await engine.dispose()


def _rows(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the previous release, in primary-key order."""
    out = {}
    for table in baseline.metadata.sorted_tables:
        query = sa.select(*table.c).order_by(*table.primary_key.columns)
        out[table.name] = [tuple(row) for row in conn.execute(query)]
    return out


def _differences(conn: Connection, metadata: sa.MetaData = SQLModel.metadata) -> list[Any]:
    """What Alembic's autogenerate would write to make the database match ``metadata``:
    tables, columns, types, nullability, server defaults, indexes, unique constraints."""
    context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "compare_server_default": True})
    return compare_metadata(context, metadata)


def _revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _tables(conn: Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


async def test_a_database_of_the_previous_release_upgrades_without_losing_a_row(
    legacy_url: str,
) -> None:
    before = await _on(legacy_url, _rows)
    assert all(before.values()), {name: len(rows) for name, rows in before.items()}
    assert await _on(legacy_url, lambda conn: "alembic_version" not in _tables(conn))

    db = Database(legacy_url)
    try:
        steps = await db.migrate()
        assert steps[0].adopted and steps[0].revision == baseline.REVISION
        assert steps[0].line() == ("Adopted a database made before migrations as revision "
                                   "0001 (the schema of commit 882da0f)")
        assert [s.revision for s in steps] == REVISIONS
        assert not any(s.adopted for s in steps[1:])
        assert await db.revision() == HEAD

        assert await _on(legacy_url, _rows) == before
        assert await _on(legacy_url, _differences) == []
        assert await db.migrate() == []  # twice: nothing to do, nothing touched
        assert await _on(legacy_url, _rows) == before

        # Today's models read the old rows, and new rows get fresh ids (sequences kept).
        async with db.session() as session:
            workshop = (await session.exec(select(Workshop))).one()
            assert workshop.revision == 2  # the program reloaded once, as it was left
            assert workshop.qa_revision == 0  # added by 0002, with its default
            texts = [q.text for q in (await session.exec(select(Question).order_by(
                col(Question.id)))).all()]
            assert texts[0] == "How does it scale to 10⁶ nodes? “quotes” 'too'"
            assert texts[3] == "Answered one\nwith two lines"
            now = datetime(2021, 12, 13, 17, 0, tzinfo=UTC)
            new = Question(item_id=2, platform="slack", author_id="U0NEW", text="New one?",
                           status="open", created_at=now, updated_at=now)
            session.add(new)
            await session.commit()
            assert new.id == len(texts) + 1
    finally:
        await db.dispose()


async def test_the_baseline_is_the_schema_of_the_previous_release(legacy_url: str) -> None:
    """Migration 0001 means what commit 882da0f made, on each backend: the frozen tables
    match a database that release created, to the index and server default."""
    assert await _on(legacy_url, lambda conn: _differences(conn, baseline.metadata)) == []


async def test_a_database_older_than_the_previous_release_is_brought_up_first(
    legacy_url: str,
) -> None:
    """Columns older releases added on start (``ADD COLUMN``) are added when adopting, as
    those releases did, so no database made before migrations is stamped wrongly."""
    def age(conn: Connection) -> None:
        conn.execute(sa.text('ALTER TABLE workshop DROP COLUMN "qa_json"'))
        conn.execute(sa.text('ALTER TABLE workshop DROP COLUMN "reminders_json"'))

    await _on(legacy_url, age)
    db = Database(legacy_url)
    try:
        steps = await db.migrate()
    finally:
        await db.dispose()
    assert steps[0].line().endswith("first added workshop.qa_json, workshop.reminders_json)")
    assert await _on(legacy_url, _differences) == []
    values = await _on(legacy_url, lambda conn: conn.execute(sa.text(
        "SELECT qa_json, reminders_json, name FROM workshop")).one())
    assert tuple(values) == ("{}", "{}", "ML for Systems")


async def test_models_and_migrations_agree(empty_url: str) -> None:
    """Migrating an empty database gives exactly the models' schema. A change to
    bot/store/tables.py without a migration fails here (see bot/store/migrations)."""
    db = Database(empty_url)
    try:
        steps = await db.migrate()
        assert [s.revision for s in steps] == REVISIONS
        assert not any(s.adopted for s in steps)
        assert await _on(empty_url, _differences) == []
        assert await db.migrate() == []
        assert await db.revision() == HEAD
    finally:
        await db.dispose()


def test_the_migrations_are_one_line_of_history() -> None:
    """One head, each revision after the one before: two migrations written on parallel
    branches must be put in order (or merged) before release."""
    scripts = ScriptDirectory.from_config(apply.alembic_config())
    assert scripts.get_heads() == [HEAD]  # bot.store.migrations.HEAD names the newest
    assert REVISIONS[0] == baseline.REVISION
    for earlier, later in itertools.pairwise(REVISIONS):
        assert scripts.get_revision(later).down_revision == earlier


async def test_every_migration_goes_down_and_up_again(empty_url: str) -> None:
    db = Database(empty_url)
    await db.migrate()
    await db.dispose()

    def down_and_up(conn: Connection) -> list[str]:
        config = apply.alembic_config(conn)
        command.downgrade(config, "base")
        left = sorted(_tables(conn) - {"alembic_version"})
        command.upgrade(config, "head")
        return left

    assert await _on(empty_url, down_and_up) == []
    assert await _on(empty_url, _differences) == []


async def test_two_bots_starting_at_once_take_turns(empty_url: str) -> None:
    """Two engines, as two processes have: one migrates, the other waits and finds the
    schema up to date (an advisory lock on PostgreSQL, SQLite's write lock)."""
    first, second = Database(empty_url), Database(empty_url)
    try:
        done = await asyncio.gather(first.migrate(), second.migrate())
    finally:
        await first.dispose()
        await second.dispose()
    assert sorted(len(steps) for steps in done) == [0, len(REVISIONS)]
    assert await _on(empty_url, _differences) == []


async def test_a_failed_upgrade_changes_nothing(
    legacy_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Adopting, stamping and every migration run in one transaction: when the last step
    fails, the database is still the previous release's, rows and all."""
    before = await _on(legacy_url, _rows)
    upgrade = command.upgrade

    def upgrade_then_fail(config: Any, revision: str) -> None:
        upgrade(config, revision)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(apply.command, "upgrade", upgrade_then_fail)
    db = Database(legacy_url)
    try:
        with pytest.raises(RuntimeError, match="the disk is full"):
            await db.migrate()
    finally:
        await db.dispose()
    assert await _on(legacy_url, lambda conn: "alembic_version" not in _tables(conn))
    assert await _on(legacy_url, lambda conn: _differences(conn, baseline.metadata)) == []
    assert await _on(legacy_url, _rows) == before


# -- workshop-bot migrate --------------------------------------------------------------

CLEAN = {k: v for k, v in os.environ.items()
         if not k.startswith(("BOT_", "DATABASE_", "DISCORD_", "SLACK_", "LOG_"))}


def _migrate(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _workshop_bot(url, cwd, "migrate", *args)


def _workshop_bot(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd,
        env={**CLEAN, "DATABASE_URL": url}, input="", capture_output=True, text=True,
        timeout=120, check=False,
    )


def test_migrate_upgrades_a_database_of_the_previous_release(tmp_path: Path) -> None:
    copy = tmp_path / "legacy.db"
    shutil.copyfile(LEGACY_SQLITE, copy)
    url = f"sqlite:///{copy}"
    done = _migrate(url, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("Adopted a database made before migrations as revision 0001 "
                        "(the schema of commit 882da0f)")
    assert [line.split(":")[0] for line in lines[1:-1]] == [
        f"Applied migration {revision}" for revision in REVISIONS[1:]]
    assert lines[-1] == f"sqlite+aiosqlite:///{copy}: now at revision {HEAD}"
    assert done.stderr == ""

    again = _migrate(url, tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"sqlite+aiosqlite:///{copy}: already up to date at revision {HEAD}\n"


def test_migrate_creates_a_new_database(tmp_path: Path) -> None:
    done = _migrate("sqlite:///data/new.db", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "Applied migration 0001: baseline: the schema of the last release before migrations "
        "(commit 882da0f)")
    assert len(done.stdout.splitlines()) == len(REVISIONS) + 1
    assert (tmp_path / "data" / "new.db").is_file()


def test_migrate_without_a_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = _migrate("postgresql://nobody@127.0.0.1:1/nothing", tmp_path)  # nothing listens
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("workshop-bot: cannot use the database "
                                  "postgresql+asyncpg://nobody@127.0.0.1:1/nothing: ")
    assert len(done.stderr.strip().splitlines()) == 1


async def test_a_database_a_newer_release_upgraded_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    """Rolled back to an older release after an upgrade: this version cannot know what the
    tables mean now, so it touches nothing and says so, in one line, for every command."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    db = Database(url)
    await db.migrate()
    await db.dispose()
    await _on(url, lambda conn: conn.execute(sa.text(
        "UPDATE alembic_version SET version_num = '9999'")))
    before = await _on(url, _rows)

    db = Database(url)
    try:
        with pytest.raises(NewerDatabaseError, match="at revision 9999, "):
            await db.migrate()
    finally:
        await db.dispose()
    message = (f"workshop-bot: cannot use the database sqlite+aiosqlite:///{tmp_path}/bot.db: "
               f"{NewerDatabaseError('9999')}\n")
    for args, status in ((["migrate"], 2), (["ask", "what's next?"], 1)):
        done = _workshop_bot(url, tmp_path, *args)
        assert (done.returncode, done.stdout, done.stderr) == (status, "", message)
    assert await _on(url, _rows) == before
    assert await _on(url, _revision) == "9999"


def test_a_start_on_an_up_to_date_database_loads_no_alembic(tmp_path: Path) -> None:
    """The usual start reads the revision and goes on: Alembic (a few hundred ms to
    import) is only loaded when there is something to do."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    assert _migrate(url, tmp_path).returncode == 0
    script = ("import asyncio, sys\n"
              "from bot.store.database import Database\n"
              "async def main():\n"
              f"    db = Database({url!r})\n"
              "    print(await db.migrate())\n"
              "    await db.dispose()\n"
              "asyncio.run(main())\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=CLEAN,
                          capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (0, "[]\n[]\n"), done.stderr


def test_migrate_help_says_what_it_does(tmp_path: Path) -> None:
    done = _migrate("sqlite:///unused.db", tmp_path, "--help")
    assert done.returncode == 0
    assert "Apply the database migrations this version needs" in done.stdout
    assert not (tmp_path / "unused.db").exists()
