"""Benchmark of reminders (issue: reminders through APScheduler).

Reports, on SQLite in a temporary directory:
- the delay between a reminder's due time and its first send, through the real
  APScheduler jobs on a real-time clock (p50 / p99 over many moments);
- the fan-out throughput of our own code (ledger claims, pacing, recording outcomes) to a
  platform that answers at once;
- peak RSS with 15,000 users (saved preferences) and 10,000 subscriptions, after a
  10,000-subscriber fan-out;
- the same fan-out through the real Discord adapter (discord.py) to the loopback fake
  Discord: once with no rate limit, and once against a fake that enforces Discord's 50
  requests a second (the floor for 10,000 DMs is 200 s), counting the 429s it had to send.

    .venv/bin/python bench/reminders_bench.py [--subscribers 10000] [--moments 40]
                                              [--skip-discord] [--skip-limited]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bot.adapter import PlatformInfo
from bot.app import open_core
from bot.clock import SimulatedClock, SystemClock
from bot.messages import Outgoing
from bot.reminders.scheduler import ReminderScheduler
from bot.settings import Settings
from bot.store.tables import DirectChannel, Subscription, UserPreference

DISCORD_RATE = Settings.model_fields["discord_send_rate"].default


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

    info = PlatformInfo("discord")

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
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


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


async def discord_fan_out(
    tmp: Path, subscribers: int, limit: float | None, send_rate: float
) -> tuple[float, int, int]:
    """10,000 DMs through the real adapter to the fake Discord; (seconds, sent, 429s)."""
    from adapters.discord import create
    from tests.fakes.discord_server import FakeDiscord

    start = datetime(2030, 1, 1, 12, tzinfo=UTC)
    name = f"discord-{limit}"
    async with FakeDiscord(token="bench.token", requests_per_second=limit) as fake:
        path = tmp / f"{name}.yaml"
        path.write_text(program_text(start, 1, timedelta(hours=1)).replace(
            "'900000000000000001'", f"'{fake.channel_id}'"))
        clock = SetClock(start - timedelta(minutes=30))
        settings = Settings(
            database_url=f"sqlite:///{tmp / (name + '.db')}", bot_program=path,
            discord_token="bench.token", discord_api_url=fake.api_url,
            discord_gateway_url=fake.gateway_url, discord_send_rate=send_rate)
        async with open_core(settings, clock) as core:
            item = core.catalog.current.program.by_slug["s0"]
            users = [fake.make_user(f"fan {n}") for n in range(subscribers)]
            async with core.db.engine.begin() as conn:
                # People who asked for a reminder talked to the bot: their DM is known.
                await conn.execute(insert(DirectChannel), [
                    {"platform": "discord", "user_id": str(u["id"]),
                     "channel_id": str(fake.dm_channel_for(u)["id"])} for u in users])
                await conn.execute(insert(Subscription), [
                    {"item_id": item.id, "platform": "discord", "user_id": str(u["id"]),
                     "offset_minutes": 0, "created_at": clock.now() + timedelta(seconds=n)}
                    for n, u in enumerate(users)])
            adapter = create(core.core, guild_ready_timeout=0.05)
            assert adapter is not None
            task = asyncio.create_task(adapter.run())
            await asyncio.wait_for(adapter.client.ready_once.wait(), 30)
            core.reminders.attach(adapter)
            clock.at = start
            began = time.perf_counter()
            report = await core.reminders.fire("subscriber", "s0", 0)
            elapsed = time.perf_counter() - began
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return elapsed, report.sent, fake.rate_limited


async def main(subscribers: int, moments: int, discord_runs: bool, limited: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        elapsed, sent, rss = await fan_out(tmp, subscribers, users=15_000)
        delays = await due_delay(tmp, moments)
        if discord_runs:
            free = await discord_fan_out(tmp, subscribers, None, 10_000)
            print(f"fan-out through discord.py to the fake Discord, no rate limit: {free[1]} "
                  f"DMs in {free[0]:.1f} s = {free[1] / free[0]:,.0f} DMs/s")
        if discord_runs and limited:
            paced = await discord_fan_out(tmp, subscribers, 50, DISCORD_RATE)
            floor = subscribers / 50
            print(f"fan-out to a fake Discord enforcing 50 requests/s, sending at "
                  f"{DISCORD_RATE:g}/s: {paced[1]} DMs in {paced[0]:.1f} s (floor {floor:.0f} s, "
                  f"+{(paced[0] / floor - 1) * 100:.1f}%), 429s from the fake: {paced[2]}")
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
    parser.add_argument("--skip-discord", action="store_true",
                        help="skip both fan-outs through the Discord adapter")
    parser.add_argument("--skip-limited", action="store_true",
                        help="skip the 50 requests/s fan-out (it takes over 200 s)")
    args = parser.parse_args()
    asyncio.run(main(args.subscribers, args.moments, not args.skip_discord,
                     not args.skip_limited))
