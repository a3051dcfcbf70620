"""Schedule changes: reload moves, removes and adds sessions, reschedules their reminders
and tells the people concerned once; an unchanged or bad file changes nothing."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.app import open_core, reload_program
from bot.clock import SimulatedClock, SystemClock
from bot.messages import UserRef
from bot.program_watch import ProgramWatcher
from bot.reminders.scheduler import ReminderScheduler
from bot.render_text import render
from tests.conftest import make_settings
from tests.test_reminders import CHANNEL, PROGRAM, RecordingMessenger, at

MOVED = PROGRAM.replace(  # the keynote moves to 11:30; the Turing talk is cancelled;
    'start: "2024-05-06T10:00:00+02:00",\n     end: "2024-05-06T10:30:00+02:00"',
    'start: "2024-05-06T11:30:00+02:00",\n     end: "2024-05-06T12:00:00+02:00"',
).replace(
    """  - {id: turing, kind: talk, title: Machines, start: "2024-05-06T10:45:00+02:00",
     end: "2024-05-06T11:15:00+02:00", speakers: [Alan Turing]}""",
    """  - {id: panel, kind: panel, title: Panel, start: "2024-05-06T12:00:00+02:00",
     end: "2024-05-06T12:30:00+02:00", speakers: [Alan Turing]}""",  # and a panel is added
)


async def test_reload_moves_removes_and_adds(
    sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert MOVED != PROGRAM and "turing" not in MOVED
    path = tmp_path / "program.yaml"
    path.write_text(PROGRAM)
    clock = SimulatedClock(at("09:00"), speed=1)
    async with open_core(make_settings(sqlite_url, path), clock) as core:
        messenger = RecordingMessenger(clock)
        core.reminders.attach(messenger)
        program = core.catalog.current.program
        for user, slug in (("eve", "keynote"), ("bob", "turing"), ("ann", "coffee")):
            await core.reminders.subscribe(UserRef("discord", user), program.by_slug[slug], 15)
        scheduler = ReminderScheduler(core.reminders, clock, SystemClock())
        await scheduler.start()
        try:
            before = scheduler.jobs()
            assert "reminder:subscriber:turing:15" in before
            watcher = ProgramWatcher(core, scheduler, path)

            caplog.set_level(logging.INFO)
            assert (await watcher.reload_file()).changed is False  # type: ignore[union-attr]
            assert messenger.sent == []

            path.write_text(MOVED)
            report = await watcher.reload_file()
            assert report is not None
            assert sorted((c.slug, c.change) for c in report.sessions) == [
                ("keynote", "moved"), ("panel", "added"), ("turing", "removed")]
            after = scheduler.jobs()
            moved_by = after["reminder:announce:keynote:10"] - before[  # type: ignore[operator]
                "reminder:announce:keynote:10"]
            assert round(moved_by.total_seconds()) == 90 * 60
            assert not any(":turing:" in job for job in after)
            assert "reminder:announce:panel:10" in after
            assert core.catalog.current.program.by_slug["keynote"].start == at("11:30")

            texts = {m.target: render(m.reply) for _, m in messenger.sent}
            assert set(texts) == {CHANNEL, "eve", "bob"}  # coffee did not change: ann hears nothing
            assert texts["eve"].startswith("📅 “Engines” has moved from 10:00 CEST to 11:30 – "
                                           "12:00 CEST (in 2 h 30 min).")
            assert texts["bob"].startswith("❌ “Machines” has been removed from the program "
                                           "(it was at 10:45 CEST).")
            channel = texts[CHANNEL]
            assert "“Engines” moved from 10:00 CEST to 11:30 – 12:00 CEST." in channel
            assert "“Machines” is cancelled." in channel
            assert "New: “Panel” at 12:00 – 12:30 CEST." in channel

            # Another instance seeing the same change sends nothing more.
            await core.reminders.process_changes()
            assert len(messenger.sent) == 3

            # A bad file changes nothing and says why.
            path.write_text(MOVED.replace("Europe/Berlin", "Europe/Atlantis"))
            assert await watcher.reload_file() is None
            assert any("Reload refused" in r.message and "Europe/Atlantis" in r.message
                       for r in caplog.records)
            assert core.catalog.current.program.by_slug["keynote"].start == at("11:30")
        finally:
            scheduler.shutdown()


async def test_a_reload_elsewhere_is_picked_up_by_polling(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "program.yaml"
    path.write_text(PROGRAM)
    clock = SimulatedClock(at("09:00"), speed=1)
    async with open_core(make_settings(sqlite_url, path), clock) as core:
        messenger = RecordingMessenger(clock)
        core.reminders.attach(messenger)
        await core.reminders.subscribe(UserRef("discord", "eve"),
                                       core.catalog.current.program.by_slug["keynote"], 15)
        scheduler = ReminderScheduler(core.reminders, clock, SystemClock())
        await scheduler.start()
        try:
            watcher = ProgramWatcher(core, scheduler, path)
            assert await watcher.refresh() is False
            path.write_text(MOVED)
            await reload_program(make_settings(sqlite_url, path), clock)  # `workshop-bot reload`
            assert await watcher.refresh() is True
            assert core.catalog.current.program.by_slug["keynote"].start == at("11:30")
            assert {m.target for _, m in messenger.sent} == {CHANNEL, "eve"}
        finally:
            scheduler.shutdown()


def _bot(*args: str, cwd: Path, env: dict[str, str], **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=cwd, env=env, text=True,
                            **kw)  # type: ignore[call-overload]


def _env(tmp_path: Path, program: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_URL",
                                                                      "SLACK_", "DISCORD_"))}
    return {**keep, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "BOT_PROGRAM": str(program)}


def test_reload_command_and_sighup(tmp_path: Path) -> None:
    program = tmp_path / "program.yaml"
    program.write_text(PROGRAM)
    env = _env(tmp_path, program)
    bot = _bot("run", "--at", "2024-05-06T09:00:00+02:00", cwd=tmp_path, env=env,
               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while "console adapter starting" not in (line := bot.stderr.readline()):  # type: ignore[union-attr]
            assert line and time.monotonic() < deadline, "the bot did not start"

        unchanged = subprocess.run([sys.executable, "-m", "bot", "reload"], cwd=tmp_path, env=env,
                                   capture_output=True, text=True, timeout=60, check=False)
        assert unchanged.returncode == 0, unchanged.stderr
        assert "unchanged" in unchanged.stdout

        program.write_text(PROGRAM.replace("Europe/Berlin", "Nowhere/Land"))
        bad = subprocess.run([sys.executable, "-m", "bot", "reload"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60, check=False)
        assert bad.returncode == 2
        assert "workshop.timezone: unknown timezone 'Nowhere/Land'" in bad.stderr

        program.write_text(MOVED)
        bot.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        seen = []
        while not any("Reloaded" in line for line in seen):
            line = bot.stderr.readline()  # type: ignore[union-attr]
            assert line and time.monotonic() < deadline, "no reload after SIGHUP"
            seen.append(line)
        assert "1 added, 1 updated, 1 removed" in seen[-1]
        shown = []
        while not any("Say “agenda” for the updated program." in line for line in shown):
            line = bot.stdout.readline()  # type: ignore[union-attr]
            assert line and time.monotonic() < deadline, "no change notice in the console"
            shown.append(line)
    finally:
        try:
            out, err = bot.communicate("quit\n", timeout=30)
        finally:
            if bot.poll() is None:
                bot.kill()
    assert bot.returncode == 0, err
    printed = "".join(shown)
    assert "📅 Program update:" in printed
    assert "“Engines” moved from 10:00 CEST to 11:30 – 12:00 CEST." in printed
    assert "📅 Program update:" not in out  # told once


async def test_a_bot_started_with_an_older_copy_does_not_roll_the_program_back(
    sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two hosts, each with its own copy of the program: one copy was reloaded, the other
    is older. A bot restarted with the older copy serves the database's newer program
    (and says why); a copy changed after that is loaded as always."""
    clock = SimulatedClock(at("09:00"), speed=1)
    here, there = tmp_path / "here.yaml", tmp_path / "there.yaml"
    here.write_text(PROGRAM)
    an_hour_ago = time.time() - 3600
    os.utime(here, (an_hour_ago, an_hour_ago))
    async with open_core(make_settings(sqlite_url, here), clock) as core:
        assert "keynote" in core.catalog.current.program.by_slug
    there.write_text(MOVED)
    await reload_program(make_settings(sqlite_url, there), clock)  # the other host's reload

    caplog.set_level(logging.INFO)
    async with open_core(make_settings(sqlite_url, here), clock) as core:
        program = core.catalog.current.program
        assert "turing" not in program.by_slug and "panel" in program.by_slug  # MOVED's
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.getMessage().startswith(f"{here} differs from the program in the database")
    assert "serving the database's; run `workshop-bot reload` to load this file anyway" in \
        warning.getMessage()

    there.write_text(PROGRAM)  # the same program as the older copy: nothing to warn about
    await reload_program(make_settings(sqlite_url, there), clock)
    caplog.clear()
    async with open_core(make_settings(sqlite_url, here), clock) as core:
        assert "turing" in core.catalog.current.program.by_slug
    assert [r for r in caplog.records if r.levelno == logging.WARNING] == []

    there.write_text(MOVED)
    await reload_program(make_settings(sqlite_url, there), clock)
    here.touch()  # edited after that reload: this copy is the newest, and is loaded
    async with open_core(make_settings(sqlite_url, here), clock) as core:
        assert "turing" in core.catalog.current.program.by_slug
