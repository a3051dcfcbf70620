"""Pacing sends under a platform's rate limit, so a fan-out never provokes a 429."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable


class Pacer:
    """Lets one send start every ``1 / rate`` seconds (no bursts), in call order."""

    def __init__(
        self,
        rate: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 0.0 if math.isinf(rate) or rate <= 0 else 1.0 / rate
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = 0.0

    async def wait(self) -> None:
        if not self.interval:
            return
        now = self._monotonic()
        start = max(self._next, now)
        self._next = start + self.interval
        if start > now:
            await self._sleep(start - now)
