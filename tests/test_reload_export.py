"""Re-reading a changed export: the program follows it in place, ids kept (so
subscriptions, reminders and Q&A threads survive), a moved event's reminders move with
it, and a running bot notices the file changed on disk without being told."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bot.app import open_core
from bot.clock import SimulatedClock, SystemClock
from bot.messages import UserRef
from bot.program_watch import ProgramWatcher
from bot.reminders.scheduler import ReminderScheduler
from tests.conftest import make_settings
from tests.test_reminders import RecordingMessenger, at


def export(*, keynote_at: str = "10:00", title: str = "Engines", extra: bool = False
           ) -> dict[str, Any]:
    events = [
        {"guid": "1f0e0000-0000-4000-8000-00000000000a", "id": 1, "title": title,
         "date": f"2024-05-06T{keynote_at}:00+02:00", "duration": "00:30", "type": "keynote",
         "persons": [{"public_name": "Ada Lovelace"}]},
        {"guid": "1f0e0000-0000-4000-8000-00000000000b", "id": 2, "title": "Machines",
         "date": "2024-05-06T11:00:00+02:00", "duration": "00:30", "type": "lecture",
         "persons": [{"name": "Alan Turing"}]},
    ]
    if extra:
        events.append({"guid": "1f0e0000-0000-4000-8000-00000000000c", "id": 3,
                       "title": "Late addition", "date": "2024-05-06T12:00:00+02:00",
                       "duration": "00:30", "type": "lecture", "persons": []})
    return {"schedule": {"version": "1", "conference": {
        "acronym": "engines", "title": "Engine Day", "time_zone_name": "Europe/Berlin",
        "start": "2024-05-06", "end": "2024-05-06",
        "days": [{"index": 1, "date": "2024-05-06", "rooms": {"Hall": events}}]}}}


async def test_a_changed_export_updates_in_place_and_moves_reminders(
        database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(export()))
    clock = SimulatedClock(at("09:00"), speed=1)
    async with open_core(make_settings(database_url, path), clock) as core:
        messenger = RecordingMessenger(clock)
        core.reminders.attach(messenger)
        program = core.catalog.current.program
        keynote = next(i for i in program.scheduled if i.kind == "keynote")
        ids = {i.slug: i.id for i in program.items}
        await core.reminders.subscribe(UserRef("discord", "eve"), keynote, 15)
        scheduler = ReminderScheduler(core.reminders, clock, SystemClock())
        await scheduler.start()
        try:
            watcher = ProgramWatcher(core, scheduler, path, core.program_files)
            job = f"reminder:subscriber:{keynote.slug}:15"
            before = scheduler.jobs()[job]

            path.write_text(json.dumps(export(keynote_at="10:30", title="Engines, revised",
                                              extra=True)))
            report = await watcher.reload_file()
            assert report is not None and report.changed
            after = core.catalog.current.program
            assert {i.slug: i.id for i in after.items if i.slug in ids} == ids  # ids kept
            moved = after.by_slug[keynote.slug]
            assert (moved.title, moved.start) == ("Engines, revised", at("10:30"))
            assert round((scheduler.jobs()[job] - before).total_seconds()) == 30 * 60  # type: ignore[operator]
            assert len(after.scheduled) == 3
            subscribed = await core.reminders.subscriptions(UserRef("discord", "eve"))
            assert [(i.slug, o) for i, o in subscribed] == [(keynote.slug, 15)]
            notices = {m.target: m for _, m in messenger.sent}
            assert "eve" in notices  # told of the move, in a DM
        finally:
            scheduler.shutdown()


async def test_a_running_bot_follows_the_file_on_disk(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(export()))
    clock = SimulatedClock(at("09:00"), speed=1)
    async with open_core(make_settings(sqlite_url, path), clock) as core:
        scheduler = ReminderScheduler(core.reminders, clock, SystemClock())
        await scheduler.start()
        try:
            watcher = ProgramWatcher(core, scheduler, path, core.program_files)
            await watcher.poll()  # nothing changed: nothing happens
            revision = core.catalog.current.program.workshop.revision
            assert core.catalog.current.program.workshop.revision == revision

            path.write_text("{ half a download")  # a fetch caught in the middle
            stamp = os.stat(path).st_mtime_ns + 1_000_000
            os.utime(path, ns=(stamp, stamp))
            await watcher.poll()
            assert core.catalog.current.program.workshop.revision == revision  # refused

            path.write_text(json.dumps(export(extra=True)))
            os.utime(path, ns=(stamp + 1_000_000, stamp + 1_000_000))
            await watcher.poll()
            program = core.catalog.current.program
            assert program.workshop.revision == revision + 1
            assert [i.title for i in program.scheduled][-1] == "Late addition"
        finally:
            scheduler.shutdown()
