"""The bot's notion of "now", injected everywhere so a 2021 program can be rehearsed today.

Nothing below the composition root calls ``datetime.now()``: everything asks a
:class:`Clock`. A :class:`SimulatedClock` starts at a chosen instant and may run faster
than real time (``--at 2021-12-13T08:45-08:00 --speed 60``). A :class:`RehearsalClock` is
the one the console picks by itself for a program that is already over (see
:func:`rehearsal_clock`); platforms always keep real time.
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

    @property
    def start(self) -> datetime:
        """The simulated instant the clock started at (UTC)."""
        return self._start

    def now(self) -> datetime:
        elapsed = (self._monotonic() - self._origin) * self._speed
        return self._start + timedelta(seconds=elapsed)


# How long before the first session a rehearsal of a past program starts: time to look
# around before the first "starting soon" announcement.
REHEARSAL_LEAD = timedelta(minutes=30)


class RehearsalClock(SimulatedClock):
    """A simulated clock nobody asked for: the console runs a program that is over (the
    bundled 2021 workshop, straight after ``make run``), where "what's next?" would say
    it ended years ago and every reminder would be refused. It starts shortly before the
    first session, and remembers when the program ended and the real time it was made,
    so the console can say in one line why the clock is not real."""

    def __init__(
        self,
        start: datetime,
        speed: float,
        *,
        program_end: datetime,
        real_now: datetime,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(start, speed, monotonic)
        self.program_end = program_end.astimezone(UTC)
        self.real_now = real_now.astimezone(UTC)


def rehearsal_clock(
    span: tuple[datetime, datetime] | None, real_now: datetime, speed: float = 1.0
) -> RehearsalClock | None:
    """The clock for a console on a program that ``span`` (first start, last end) puts
    wholly before ``real_now``; None when any of it is still to come (or it has none)."""
    if span is None or span[1] > real_now:
        return None
    first, last = span
    return RehearsalClock(first - REHEARSAL_LEAD, speed, program_end=last, real_now=real_now)


def build_clock(at: datetime | None, speed: float) -> Clock:
    """The clock the settings ask for: real time unless a start or a speed is given."""
    if at is None and speed == 1.0:
        return SystemClock()
    return SimulatedClock(at if at is not None else datetime.now(UTC), speed)
