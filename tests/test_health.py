"""What ``/healthz`` reports, part by part: the database decides whether the process is
healthy; the other parts say their state."""

from __future__ import annotations

from pathlib import Path

from bot.health import Health
from bot.store.database import Database


async def test_a_reachable_database_is_healthy(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/bot.db")
    try:
        health = Health(db)
        health.watch("listener", lambda: (True, "reconnecting"))
        report = await health.check()
        assert report.healthy
        assert report.parts == {"database": "ok", "listener": "reconnecting"}
        health.watch("reminders", lambda: (False, "stopped"))
        report = await health.check()
        assert not report.healthy and report.parts["reminders"] == "stopped"
    finally:
        await db.dispose()


async def test_an_unreachable_database_is_unhealthy_and_named() -> None:
    db = Database("postgresql://postgres@127.0.0.1:1/nothing", timeout=2)
    try:
        report = await Health(db).check()
    finally:
        await db.dispose()
    assert not report.healthy
    assert report.parts["database"].startswith("unreachable: ")
    assert "refused" in report.parts["database"].casefold(), report.parts
