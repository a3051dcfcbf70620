"""Two bot processes on one database send each reminder once between them (SQLite, and
PostgreSQL when TEST_DATABASE_URL is set). Both rehearse the demo day at 600x speed and
print what they send to their consoles; together the consoles must show every
announcement, speaker reminder and subscriber reminder exactly once. 1,500 subscribers
make the keynote's fan-out long enough that both processes work on it at the same time."""

from __future__ import annotations

import asyncio
import collections
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from bot.app import open_core
from bot.store.tables import Subscription
from tests.conftest import make_settings
from tests.support import ManualClock
from tests.test_reminders import PROGRAM

HEADER = re.compile(r"^── .+ · (#announcements|DM to .+) ──$")


def _start(tmp_path: Path, database_url: str, program: Path, n: int) -> subprocess.Popen[str]:
    """A rehearsing bot whose console goes to out-N.txt (a pipe nobody reads would fill)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BOT_", "DATABASE_URL", "SLACK_", "DISCORD_"))}
    env.update(DATABASE_URL=database_url, BOT_PROGRAM=str(program), LOG_LEVEL="WARNING")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--at", "2024-05-06T09:35:00+02:00",
         "--speed", "600"],
        cwd=tmp_path, env=env, text=True, stdin=subprocess.PIPE,
        stdout=(tmp_path / f"out-{n}.txt").open("w"), stderr=subprocess.PIPE,
    )


SUBSCRIBERS = 1500


async def _subscribe_many(database_url: str, program: Path) -> None:
    clock = ManualClock(datetime.fromisoformat("2024-05-06T09:00:00+02:00"))
    async with open_core(make_settings(database_url, program), clock) as core:
        keynote = core.catalog.current.program.by_slug["keynote"]
        async with core.db.session() as session:
            session.add_all(
                Subscription(item_id=keynote.id, platform="console", user_id=f"fan{n:04d}",
                             offset_minutes=15, created_at=clock.now())
                for n in range(SUBSCRIBERS)
            )
            await session.commit()


async def test_two_processes_send_each_reminder_once(database_url: str, tmp_path: Path) -> None:
    program = tmp_path / "program.yaml"
    program.write_text(PROGRAM)
    await _subscribe_many(database_url, program)
    bots = [_start(tmp_path, database_url, program, n) for n in range(2)]
    try:
        # 09:35 -> 10:50 simulated is 7.5 s of real time at 600x.
        await asyncio.sleep(12)
        outputs = []
        for n, bot in enumerate(bots):
            _, err = await asyncio.to_thread(bot.communicate, "quit\n", 60)
            assert bot.returncode == 0, err
            outputs.append((tmp_path / f"out-{n}.txt").read_text())
    finally:
        for bot in bots:
            if bot.poll() is None:
                bot.kill()
    seen = collections.Counter()
    for out in outputs:
        current = None
        for line in out.splitlines():
            if (match := HEADER.match(line)) is not None:
                current = match.group(1)
            elif current is not None and line.startswith(("📣", "🎤", "⏰")):
                seen[(current, line)] += 1
                current = None
    announcements = [key for key in seen if key[0] == "#announcements"]
    speakers = [key for key in seen if key[0].startswith("DM to speaker")]
    fans = [key for key in seen if key[0].startswith("DM to subscriber")]
    assert len(announcements) == 6  # keynote T-10/T-0, coffee T-10/T-0, turing T-10/T-0
    assert len(speakers) == 4  # Ada T-20/T-5 (09:40, 09:55), Alan T-20/T-5
    assert len(fans) == SUBSCRIBERS
    assert all(count == 1 for count in seen.values()), seen
    per_bot = [sum(1 for line in out.splitlines() if HEADER.match(line)) for out in outputs]
    assert sum(per_bot) == 10 + SUBSCRIBERS
