"""Exactly once across a crash: a bot process is killed with SIGKILL in the middle of a
fan-out of 300 reminder DMs to the loopback Slack, at a random point (several seeds),
then started again. Slack must end up with every DM exactly once: the restarted bot
takes over the dead one's claims, finds the DMs Slack already has by their metadata
key, and sends only the rest."""

from __future__ import annotations

import asyncio
import collections
import os
import random
import signal
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.app import open_core
from bot.store.tables import Subscription
from tests.conftest import make_settings
from tests.fakes.slack_server import FakeSlack
from tests.slack.conftest import BOT_TOKEN, SECRET
from tests.slack.test_reminders import SLACK_PROGRAM
from tests.support import ManualClock, wait_until

FANS = 300
START = "2024-05-06T09:44:55+02:00"  # the keynote's T-15 reminder is due at 09:45


async def _subscribe(database_url: str, program: Path) -> list[str]:
    users = [f"U0FAN{n:04d}" for n in range(FANS)]
    clock = ManualClock(datetime.fromisoformat("2024-05-06T09:00:00+02:00"))
    async with open_core(make_settings(database_url, program), clock) as core:
        keynote = core.catalog.current.program.by_slug["keynote"]
        async with core.db.session() as session:
            session.add_all(Subscription(item_id=keynote.id, platform="slack", user_id=user,
                                         offset_minutes=15, created_at=clock.now())
                            for user in users)
            await session.commit()
    return users


async def _start(tmp_path: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--at", START, cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=(tmp_path / "bot.log").open("a"),
    )


def _dm_count(fake: FakeSlack, users: list[str]) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for user in users:
        channel = fake.dm_channels.get(user)
        if channel is not None:
            counts[user] = len(fake.posted(channel))
    return counts


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_sigkill_during_a_fan_out_loses_and_repeats_nothing(
    fake: FakeSlack, sqlite_url: str, tmp_path: Path, seed: int
) -> None:
    program = tmp_path / "program.yaml"
    program.write_text(SLACK_PROGRAM)
    users = await _subscribe(sqlite_url, program)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BOT_", "DATABASE_URL", "SLACK_", "DISCORD_", "HTTP"))}
    env.update(
        BOT_WEB="false", DATABASE_URL=sqlite_url, BOT_PROGRAM=str(program),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url, BOT_HTTP_HOST="127.0.0.1",
        BOT_HTTP_PORT="0", SLACK_SEND_RATE="150", BOT_CLAIM_LEASE="1", LOG_LEVEL="INFO",
    )
    kill_after = random.Random(seed).randrange(5, FANS - 5)

    first = await _start(tmp_path, env)
    try:
        await wait_until(lambda: len(fake.calls_for("chat.postMessage")) >= kill_after,
                         seconds=30)
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    before_restart = sum(_dm_count(fake, users).values())
    assert 0 < before_restart < FANS  # killed in the middle of the fan-out

    second = await _start(tmp_path, env)
    try:
        await wait_until(lambda: sum(_dm_count(fake, users).values()) >= FANS, seconds=45)
        await asyncio.sleep(1.5)  # a duplicate would arrive now
    finally:
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 20) == 0
    counts = _dm_count(fake, users)
    log = (tmp_path / "bot.log").read_text()
    assert sorted(counts) == sorted(users), log[-2000:]
    assert set(counts.values()) == {1}, [u for u, c in counts.items() if c != 1]
    assert "Recovering" in log or "already decided" in log
