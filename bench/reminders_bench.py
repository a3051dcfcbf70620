"""Benchmark of reminders (issue: reminders through APScheduler).

Reports, on SQLite in a temporary directory:
- the delay between a reminder's due time and its first send, through the real
  APScheduler jobs on a real-time clock (p50 / p99 over many moments);
- the fan-out throughput of our own code (ledger claims, pacing, recording outcomes) to a
  platform that answers at once;
- peak RSS with 15,000 users (saved preferences) and 10,000 subscriptions, after a
  10,000-subscriber fan-out.

    .venv/bin/python bench/reminders_bench.py [--subscribers 10000] [--moments 40]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bot.app import open_core
from bot.clock import SimulatedClock, SystemClock
from bot.messages import Outgoing
from bot.reminders.scheduler import ReminderScheduler
from bot.settings import Settings
from bot.store.tables import Subscription, UserPreference


def program_text(start: datetime, sessions: int, spacing: timedelta) -> str:
    """A one-room program whose sessions start ``spacing`` apart from ``start``."""
    lines = [
        "version: 1",
        f"workshop: {{id: bench, name: Bench, date: {start.date()}, "
        f"end_date: {start.date() + timedelta(days=1)}, timezone: UTC}}",
        "channels: {discord: {announcements: '900000000000000001'}}",
        "reminders: {announce: [0], speakers: [], subscriber_default: 0}",
        "schedule:",
    ]
    for n in range(sessions):
        begin = start + n * spacing
        lines.append(f"  - {{id: s{n}, kind: other, title: Session {n}, "
                     f"start: '{begin.isoformat()}', end: '{(begin + spacing).isoformat()}'}}")
    return "\n".join(lines) + "\n"


class InstantPlatform:
    """A platform that accepts every message at once and notes when the first arrived."""

    platform = "discord"
    send_rate = float("inf")

    def __init__(self) -> None:
        self.count = 0
        self.first: dict[str, float] = {}

    async def deliver(self, message: Outgoing) -> str | None:
        self.count += 1
        slug = message.key.split("|")[1]
        self.first.setdefault(slug, time.time())
        return str(self.count)

    async def find_delivered(self, message: Outgoing) -> str | None:
        return None


class SetClock:
    """A clock the benchmark moves by hand."""

    simulated, speed = True, 0.0

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] if len(samples) > 1 else samples[0]


async def due_delay(tmp: Path, moments: int) -> list[float]:
    """Sessions 250 ms apart on a clock that runs at real speed: how late is each send?"""
    real = SystemClock()
    start = real.now() + timedelta(seconds=3)
    spacing = timedelta(milliseconds=250)
    path = tmp / "delay.yaml"
    path.write_text(program_text(start, moments, spacing))
    clock = SimulatedClock(real.now(), speed=1)
    settings = Settings(database_url=f"sqlite:///{tmp / 'delay.db'}", bot_program=path)
    async with open_core(settings, clock) as core:
        platform = InstantPlatform()
        core.reminders.attach(platform)
        scheduler = ReminderScheduler(core.reminders, clock, real)
        await scheduler.start()
        offset = real.now().timestamp() - clock.now().timestamp()  # real minus simulated
        await asyncio.sleep((start - clock.now()).total_seconds() + moments * 0.25 + 1)
        scheduler.shutdown()
    return [platform.first[f"s{n}"] - ((start + n * spacing).timestamp() + offset)
            for n in range(moments) if f"s{n}" in platform.first]


async def fan_out(tmp: Path, subscribers: int, users: int) -> tuple[float, int, float]:
    start = datetime(2030, 1, 1, 12, tzinfo=UTC)
    path = tmp / "fanout.yaml"
    path.write_text(program_text(start, 1, timedelta(hours=1)))
    clock = SetClock(start - timedelta(minutes=30))
    settings = Settings(database_url=f"sqlite:///{tmp / 'fanout.db'}", bot_program=path)
    async with open_core(settings, clock) as core:
        item = core.catalog.current.program.by_slug["s0"]
        async with core.db.engine.begin() as conn:
            await conn.execute(insert(UserPreference), [
                {"platform": "discord", "user_id": f"u{n}", "updated_at": clock.now(),
                 "timezone": "Europe/Berlin" if n % 3 else "Asia/Tokyo"} for n in range(users)])
            await conn.execute(insert(Subscription), [
                {"item_id": item.id, "platform": "discord", "user_id": f"u{n}",
                 "offset_minutes": 0, "created_at": clock.now() + timedelta(seconds=n)}
                for n in range(subscribers)])
        platform = InstantPlatform()
        core.reminders.attach(platform)
        clock.at = start  # the session starts now
        began = time.perf_counter()
        report = await core.reminders.fire("subscriber", "s0", 0)
        elapsed = time.perf_counter() - began
    return elapsed, report.sent, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(subscribers: int, moments: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        elapsed, sent, rss = await fan_out(tmp, subscribers, users=15_000)
        delays = await due_delay(tmp, moments)
    ms = 1000
    print(f"due -> first send over {len(delays)} moments: p50 {pct(delays, 50) * ms:.1f} ms, "
          f"p99 {pct(delays, 99) * ms:.1f} ms, max {max(delays) * ms:.1f} ms")
    print(f"fan-out, our code only: {sent} DMs in {elapsed:.2f} s = {sent / elapsed:,.0f} DMs/s")
    print(f"peak RSS with 15,000 users and {subscribers:,} subscriptions after the fan-out: "
          f"{rss:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--moments", type=int, default=40)
    args = parser.parse_args()
    asyncio.run(main(args.subscribers, args.moments))
