"""Helpers shared by the tests: a clock the test moves by hand, and a conversation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.messages import IncomingMessage, Reply, UserRef
from bot.render_text import render
from bot.services import Services

# The source tree, for what ships beside the package rather than in it (config/,
# tests/data/); the bundled program is in the package: bot.settings.BUNDLED_PROGRAM.
ROOT = Path(__file__).resolve().parent.parent


class ManualClock:
    """A clock that shows whatever instant the test sets."""

    simulated = True
    speed = 0.0

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, iso: str) -> None:
        self.at = datetime.fromisoformat(iso)


class Conversation:
    """Talk to the core like a user would: send a line, read the answer."""

    def __init__(self, core: Services, clock: ManualClock) -> None:
        self.core = core
        self.clock = clock

    async def reply(
        self, text: str, *, at: str | None = None, tz: str | None = None,
        user: str = "alice", platform: str = "test", command: str | None = None,
    ) -> Reply:
        if at is not None:
            self.clock.set(at)
        message = IncomingMessage(
            UserRef(platform, user), text, command=command, zone=ZoneInfo(tz) if tz else None
        )
        return await self.core.router.handle(message)

    async def ask(self, text: str, **options: str) -> str:
        return render(await self.reply(text, **options))


async def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Poll ``condition`` until it holds; fail after ``seconds``."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110  (the condition has no event to wait on)
            await asyncio.sleep(0.02)
