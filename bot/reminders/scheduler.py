"""APScheduler jobs derived from the database: one date job per reminder moment.

The scheduler holds nothing that cannot be rebuilt: :meth:`ReminderScheduler.sync` derives
the jobs from the sessions and subscriptions, with stable ids and ``replace_existing``,
at start-up and after every change. Due times are simulated instants; they are mapped to
real time through the clock's speed, so a rehearsal at 60x fires a 10:00 reminder one
minute of real time after a 9:59 start. Whether a reminder is still worth sending (the
grace window) is decided when it fires, by the service, not by APScheduler's misfire
logic, so the same rule applies after a restart.

A :meth:`ReminderScheduler.sync` that fails because the database is away (a program
reload noticed during an outage) is retried by the maintenance sweep, with the
service's own retries (:meth:`ReminderService.maintain`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.reminders.service import ReminderService
from bot.store.outage import OutageLog, is_database_down

log = logging.getLogger(__name__)
OVERLAP = "maximum number of running instances reached"


class PeriodicOverlap(logging.Filter):
    """Drops APScheduler's WARNING that a periodic job was skipped because its previous
    run has not finished: while the database stalls, every maintenance job waits out its
    timeout and this came three times every 10 s, beside the one line that says the
    database is away. A skipped run of a periodic check changes nothing (the next one
    does it); a reminder's own job (a date trigger) is still reported."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (OVERLAP in message and "trigger: interval" in message)


def quiet_overlaps(logger: logging.Logger) -> None:
    if not any(isinstance(f, PeriodicOverlap) for f in logger.filters):
        logger.addFilter(PeriodicOverlap())


class CancelledAtShutdown(logging.Filter):
    """Drops APScheduler's "Job raised an exception" when the exception is the job's own
    cancellation: the executor cancels the jobs still running when the bot stops (a
    poll waiting for the database, say), and that is the stop, not an error to show
    with a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, asyncio.CancelledError)


def quiet_cancellations(logger: logging.Logger) -> None:
    if not any(isinstance(f, CancelledAtShutdown) for f in logger.filters):
        logger.addFilter(CancelledAtShutdown())

PREFIX = "reminder:"


class ReminderScheduler:
    def __init__(
        self, service: ReminderService, clock: Clock, real_clock: Clock,
        recover_every: timedelta = timedelta(seconds=10),
    ) -> None:
        self.service = service
        self.clock = clock
        self.real_clock = real_clock
        self.recover_every = recover_every
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        quiet_overlaps(logging.getLogger("apscheduler.scheduler"))
        quiet_cancellations(logging.getLogger("apscheduler.executors.default"))
        service.on_subscriptions_changed = self.sync
        self._sync_missed = False
        self._catch_up_missed = False
        self.outage = OutageLog(log, "reminders are scheduled and caught up when it is back")

    async def start(self) -> None:
        """Catch up on what was missed, then schedule the rest and the recovery sweep."""
        self.scheduler.start()
        await self.catch_up_or_later()
        self.scheduler.add_job(
            self.maintain, "interval", seconds=self.recover_every.total_seconds(),
            id="maintenance:recover", replace_existing=True,
        )

    async def catch_up_or_later(self) -> None:
        """Start-up's work (finish stopped sends, send what came due while the bot was
        down, schedule the rest), or, if the database goes away meanwhile, a note to do
        it all in the sweep: the bot keeps answering instead of failing to start."""
        try:
            await self.service.recover()
            await self.service.catch_up()
            await self.sync()
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self._catch_up_missed = True
            self.outage.failed(exc)
        else:
            self._catch_up_missed = self._sync_missed = False
            self.outage.worked()

    async def maintain(self) -> None:
        """The sweep: start-up's catch-up or a sync that failed for want of the database,
        then the service's own retries."""
        if self._catch_up_missed:
            await self.catch_up_or_later()
        elif self._sync_missed:
            await self.sync_or_later()
        await self.service.maintain()

    async def sync_or_later(self) -> None:
        """:meth:`sync`, or, while the database is away, a note to do it in the sweep."""
        try:
            await self.sync()
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self._sync_missed = True
            self.outage.failed(exc)
        else:
            self._sync_missed = False
            self.outage.worked()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def sync(self) -> None:
        """Make the jobs match the program and subscriptions as they are now."""
        if self.clock.speed == 0:
            log.warning("The clock is frozen (speed 0): reminders cannot come due")
            return
        now = self.clock.now()
        real_now = self.real_clock.now()
        wanted: set[str] = set()
        for slot in await self.service.slots():
            if slot.due <= now:
                continue
            wanted.add(slot.job_id)
            real_at = real_now + (slot.due - now) / self.clock.speed
            job = self.scheduler.get_job(slot.job_id)
            if job is not None and job.next_run_time is not None and abs(
                (job.next_run_time - real_at).total_seconds()
            ) < 0.5:
                continue  # unchanged: keep the job as it is
            self.scheduler.add_job(
                self.service.fire_job, "date", run_date=real_at, id=slot.job_id,
                args=(slot.kind, slot.item.slug, slot.offset), replace_existing=True,
                name=f"{slot.kind} {slot.item.slug} T-{slot.offset}",
            )
        for job in self.scheduler.get_jobs():
            if job.id.startswith(PREFIX) and job.id not in wanted:
                job.remove()
        log.debug("%d reminder jobs scheduled", len(wanted))

    def jobs(self) -> dict[str, object]:
        """Reminder job ids and their real run times (for tests and diagnostics)."""
        return {job.id: job.next_run_time for job in self.scheduler.get_jobs()
                if job.id.startswith(PREFIX)}
