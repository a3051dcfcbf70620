"""Keeping a running bot on the current program: SIGHUP reloads the file, a poll notices
when the program file (or the export or CSV it reads) has changed on disk, as when a
cron job fetches a fresh pretalx export, and a poll of the database's revision picks up
reloads made elsewhere (``workshop-bot reload``, or another instance), so every
instance reschedules and the change notices go out once.

While the database is not answering, a poll logs that once and changes nothing: a file
change that could not be saved is tried again on the next poll, a revision that could
not be loaded is loaded then, and rescheduling and notices left undone are retried by
the reminder sweep."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

from bot.program_file import ProgramError
from bot.program_loader import read_program
from bot.reminders.scheduler import ReminderScheduler
from bot.services import Services
from bot.settings import program_zone
from bot.store.outage import OutageLog, is_database_down
from bot.store.program_sync import SyncReport, current_revision, load_program, save_program

log = logging.getLogger(__name__)
NOTICE_WINDOW = timedelta(days=1)  # changes older than this are not announced any more


Stamp = tuple[int, int] | None  # a file's modification time and size; None: not there


def _stamp(path: Path) -> Stamp:
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size)


class ProgramWatcher:
    def __init__(self, services: Services, scheduler: ReminderScheduler, path: Path,
                 inputs: tuple[Path, ...] = ()) -> None:
        self.services = services
        self.scheduler = scheduler
        self.path = path
        self.zone = program_zone(services.settings)
        self._stamps = {p: _stamp(p) for p in (inputs or (path,))}
        self.outage = OutageLog(log, "program changes are picked up when it is back")

    async def reload_file(self) -> SyncReport | None:
        """Validate and save the program file; a bad file changes nothing and says why."""
        before = self._stamps
        self._stamps = {p: _stamp(p) for p in self._stamps}  # this version is seen now
        try:
            # a big export takes a moment to read: not on the event loop, which answers
            loaded = await asyncio.to_thread(read_program, self.path, self.zone)
        except ProgramError as exc:
            for line in exc.lines:
                log.error("Reload refused: %s", line)
            return None
        try:
            report = await save_program(self.services.db, loaded.spec, self.services.clock.now(),
                                        saved_at=self.scheduler.real_clock.now())
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self._stamps = before  # not saved: the next poll tries this version again
            self.outage.failed(exc)
            return None
        self._stamps = {p: _stamp(p) for p in loaded.inputs}
        if report.changed:
            log.info("Reloaded %s: %s (revision %d)", self.path, report.summary(),
                     report.revision)
        else:  # another process (or `workshop-bot reload`) saved this version first
            log.info("Reloaded %s: the database holds this program already (revision %d)",
                     self.path, report.revision)
        await self.refresh()
        return report

    async def poll(self) -> None:
        """The periodic check: the files on disk first, then the database's revision."""
        if any(_stamp(p) != seen for p, seen in self._stamps.items()):
            log.info("%s changed on disk; reloading", self.path)
            await self.reload_file()
        try:
            await self.refresh()
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self.outage.failed(exc)
        else:
            self.outage.worked()

    async def refresh(self) -> bool:
        """Follow the database if the program's revision moved on; True if it did."""
        program = self.services.catalog.current.program
        revision = await current_revision(self.services.db, program.workshop.slug)
        if revision == program.workshop.revision:
            return False
        self.services.catalog.replace(await load_program(self.services.db, program.workshop.slug))
        await self.scheduler.sync_or_later()
        await self.services.reminders.announce_pending_changes(
            since=self.services.clock.now() - NOTICE_WINDOW)
        return True
