"""The bot's notion of "now", injected everywhere so a 2021 program can be rehearsed today.

Nothing below the composition root calls ``datetime.now()``: everything asks a
:class:`Clock`. A :class:`SimulatedClock` starts at a chosen instant and may run faster
than real time (``--at 2021-12-13T08:45-08:00 --speed 60``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.instant_range import check_instant


class Clock(Protocol):
    """Anything that can tell the current instant (timezone-aware, UTC)."""

    def now(self) -> datetime: ...

    @property
    def simulated(self) -> bool: ...

    @property
    def speed(self) -> float: ...


class SystemClock:
    """Real time."""

    simulated = False
    speed = 1.0

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """Starts at ``start`` and advances ``speed`` simulated seconds per real second.

    ``speed=0`` freezes time, which is what one-shot questions and tests want. The start
    must fall in the years the bot keeps time in (bot.instant_range); settings and
    options check it first, to say so in one line.
    """

    simulated = True

    def __init__(
        self,
        start: datetime,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulated start time needs a UTC offset")
        check_instant(start)  # else converting it (to UTC, to any zone) may overflow
        if not speed >= 0:  # NaN too
            raise ValueError("speed cannot be negative")
        self._start = start.astimezone(UTC)
        self._speed = speed
        self._monotonic = monotonic
        self._origin = monotonic()

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        elapsed = (self._monotonic() - self._origin) * self._speed
        return self._start + timedelta(seconds=elapsed)


def build_clock(at: datetime | None, speed: float) -> Clock:
    """The clock the settings ask for: real time unless a start or a speed is given."""
    if at is None and speed == 1.0:
        return SystemClock()
    return SimulatedClock(at if at is not None else datetime.now(UTC), speed)
