"""APScheduler's "skipped: maximum number of running instances" is dropped for periodic
jobs: their next run does the work, and during a database stall it came three times
every 10 s."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.reminders.scheduler import OVERLAP, PeriodicOverlap, quiet_overlaps


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
