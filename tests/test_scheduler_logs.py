"""APScheduler's "skipped: maximum number of running instances" is dropped for periodic
jobs: their next run does the work, and during a database stall it came three times
every 10 s. And a job cancelled as the bot stops is no error with a traceback."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.reminders.scheduler import (
    OVERLAP,
    CancelledAtShutdown,
    PeriodicOverlap,
    quiet_cancellations,
    quiet_overlaps,
)


async def overlapping_runs(caplog: pytest.LogCaptureFixture) -> list[str]:
    """An interval job slower than its interval: the overlap warnings APScheduler logs."""
    caplog.clear()
    scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={"max_instances": 1,
                                                              "coalesce": False})

    async def slow() -> None:
        await asyncio.sleep(0.6)

    scheduler.start()
    try:
        scheduler.add_job(slow, "interval", seconds=0.1, id="periodic")
        await asyncio.sleep(0.5)
    finally:
        scheduler.shutdown(wait=False)
    return [r.getMessage() for r in caplog.records if OVERLAP in r.getMessage()]


async def test_overlapping_periodic_runs_are_not_warned_about(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    logger = logging.getLogger("apscheduler.scheduler")
    before = list(logger.filters)
    # another test's ReminderScheduler may have added it already: start without it
    logger.filters[:] = [f for f in before if not isinstance(f, PeriodicOverlap)]
    try:
        warned = await overlapping_runs(caplog)
        assert any("trigger: interval" in m for m in warned)  # APScheduler's own behaviour
        quiet_overlaps(logger)
        quiet_overlaps(logger)  # once is enough
        assert sum(isinstance(f, PeriodicOverlap) for f in logger.filters) == 1
        warned = await overlapping_runs(caplog)
        assert not any("trigger: interval" in m for m in warned)
    finally:
        logger.filters[:] = before


async def stopped_mid_job(caplog: pytest.LogCaptureFixture) -> list[str]:
    """A job still running when the scheduler stops (it cancels it): what is logged."""
    caplog.clear()
    scheduler = AsyncIOScheduler(timezone=UTC)
    started = asyncio.Event()

    async def waiting() -> None:
        started.set()
        await asyncio.sleep(30)

    scheduler.start()
    scheduler.add_job(waiting, id="waiting")
    await asyncio.wait_for(started.wait(), 5)
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0.1)  # the cancelled job ends and is logged
    return [r.getMessage() for r in caplog.records if "raised an exception" in r.getMessage()]


async def test_a_job_cancelled_as_the_bot_stops_is_no_error(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    logger = logging.getLogger("apscheduler.executors.default")
    before = list(logger.filters)
    logger.filters[:] = [f for f in before if not isinstance(f, CancelledAtShutdown)]
    try:
        assert await stopped_mid_job(caplog)  # APScheduler's own behaviour: a traceback
        quiet_cancellations(logger)
        assert await stopped_mid_job(caplog) == []
    finally:
        logger.filters[:] = before
