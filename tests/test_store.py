"""The store on a real SQLite file, and on PostgreSQL when TEST_DATABASE_URL is set:
idempotent loading, edits in place with ids kept, removal, preferences across restarts,
and a bad program file that leaves the database untouched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlmodel import col, func, select

from bot.app import open_core
from bot.program_file import ProgramError, parse_program
from bot.program_loader import load_program_file
from bot.settings import BUNDLED_PROGRAM
from bot.store.database import Database, DatabaseURLError, async_url
from bot.store.program_sync import load_program, save_program
from bot.store.tables import Item, Person, Role, UserPreference
from tests.conftest import make_settings
from tests.support import Conversation, ManualClock

NOW = datetime(2021, 12, 13, 18, 15, tzinfo=UTC)


async def _counts(db: Database) -> dict[str, int]:
    out = {}
    async with db.session() as session:
        for table in (Item, Person, Role, UserPreference):
            query = select(func.count()).select_from(table)
            out[table.__name__] = (await session.exec(query)).one()
    return out


async def _ids(db: Database) -> dict[str, int]:
    async with db.session() as session:
        return {i.slug: i.id for i in (await session.exec(select(Item))).all()}  # type: ignore[misc]


def _bundled() -> dict:
    return yaml.safe_load(BUNDLED_PROGRAM.read_text())


async def test_loading_twice_changes_nothing(database_url: str) -> None:
    db = Database(database_url)
    await db.create_schema()
    spec = load_program_file(BUNDLED_PROGRAM).spec
    first = await save_program(db, spec, NOW)
    assert len(first.created) == 22
    counts, ids = await _counts(db), await _ids(db)
    second = await save_program(db, spec, NOW)
    assert not second.changed and second.summary() == "unchanged"
    assert await _counts(db) == counts
    assert await _ids(db) == ids
    assert counts["Item"] == 22 and counts["Person"] == 58
    await db.dispose()


async def test_an_edited_program_updates_rows_in_place(database_url: str) -> None:
    db = Database(database_url)
    await db.create_schema()
    await save_program(db, load_program_file(BUNDLED_PROGRAM).spec, NOW)
    ids = await _ids(db)

    data = _bundled()
    kraska = data["schedule"][1]
    kraska["title"] = "Learned database systems"
    kraska["start"], kraska["end"] = "2021-12-13T11:25:00-08:00", "2021-12-13T12:00:00-08:00"
    data["papers"] = [p for p in data["papers"] if p["id"] != "nic"]
    data["papers"][0]["authors"].append("Grace Hopper")
    report = await save_program(db, parse_program(yaml.safe_dump(data)), NOW)
    assert sorted(report.updated) == ["aquarius", "kraska-talk"]
    assert report.retired == ["nic"] and report.created == []
    assert await _ids(db) == ids  # same ids, nothing deleted

    program = await load_program(db, "mlforsys-2021")
    talk = program.by_slug["kraska-talk"]
    assert talk.title == "Learned database systems"
    assert talk.start == datetime(2021, 12, 13, 19, 25, tzinfo=UTC)
    assert "nic" not in program.by_slug
    assert [p.name for p in program.by_slug["aquarius"].people][-1] == "Grace Hopper"

    # Putting the paper back revives the same row.
    revived = await save_program(db, load_program_file(BUNDLED_PROGRAM).spec, NOW)
    assert "nic" in revived.created
    assert (await _ids(db))["nic"] == ids["nic"]
    await db.dispose()


async def test_instants_come_back_as_utc(database_url: str) -> None:
    db = Database(database_url)
    await db.create_schema()
    await save_program(db, load_program_file(BUNDLED_PROGRAM).spec, NOW)
    async with db.session() as session:
        lunch = (await session.exec(select(Item).where(col(Item.slug) == "lunch"))).one()
    assert lunch.start == datetime(2021, 12, 13, 20, 5, tzinfo=UTC)
    assert lunch.start.tzinfo is UTC
    await db.dispose()


async def test_timezone_preference_survives_a_restart(database_url: str) -> None:
    clock = ManualClock(NOW)
    async with open_core(make_settings(database_url), clock) as core:
        answer = await Conversation(core, clock).ask("tz Asia/Tokyo", user="zoe")
        assert "Asia/Tokyo" in answer
    async with open_core(make_settings(database_url), clock) as core:
        answer = await Conversation(core, clock).ask("when is kraska", user="zoe")
        assert "02:30 – 03:05 JST" in answer
        async with core.db.session() as session:
            row = await session.get(UserPreference, ("test", "zoe"))
        assert row is not None and row.timezone == "Asia/Tokyo"


async def test_a_bad_program_file_leaves_the_database_untouched(
    database_url: str, tmp_path: Path
) -> None:
    clock = ManualClock(NOW)
    async with open_core(make_settings(database_url), clock) as core:
        before = await _counts(core.db)
    bad = _bundled()
    bad["schedule"][0]["end"] = "2021-12-13T08:00:00-08:00"
    bad["papers"][0]["title"] = "A changed title that must not be saved"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(ProgramError):
        async with open_core(make_settings(database_url, program=path), clock):
            pass
    db = Database(database_url)
    assert await _counts(db) == before
    program = await load_program(db, "mlforsys-2021")
    assert program.by_slug["aquarius"].title.startswith("Aquarius: bridging")
    await db.dispose()


async def test_a_bad_program_creates_no_database_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("workshop: {id: x}\n")
    database = tmp_path / "bot.db"
    with pytest.raises(ProgramError):
        async with open_core(make_settings(f"sqlite:///{database}", path), ManualClock(NOW)):
            pass
    assert not database.exists()  # the program is read before the database is touched


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:///data/x.db", "sqlite+aiosqlite"),
        ("postgresql://u:p@db:5432/bot", "postgresql+asyncpg"),
        ("postgres://u@db/bot", "postgresql+asyncpg"),
        ("postgresql+psycopg2://u@db/bot", "postgresql+asyncpg"),
    ],
)
def test_database_urls_get_async_drivers(url: str, driver: str) -> None:
    assert async_url(url).drivername == driver


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "cannot parse"),
        ("mysql://root@localhost/db", "unsupported database 'mysql'"),
        ("sqlite://", "in-memory SQLite database would forget everything"),
    ],
)
def test_unusable_database_urls(url: str, message: str) -> None:
    with pytest.raises(DatabaseURLError, match=message):
        async_url(url)
