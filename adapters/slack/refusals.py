"""Refused requests, logged so a flood of them costs a few lines, not a disk.

Anyone can send requests to the bot's HTTP endpoint. Each refusal is worth a WARNING
(a wrong signing secret, a proxy mangling bodies, someone probing), but 2,000 forged
requests must not write 2,000 lines. So each kind of refusal ("unsigned", "oversized",
…) is logged in full for the first few of a window of a minute; the rest of that window
is only counted, and summed up in one line once the window is over ("1995 more unsigned
requests refused in the last 60 s"). Lines never hold a request's body or headers: only
what was wrong and where it came from.

The window is measured on a monotonic clock passed in, so the tests can move it. A
window ends when the next refusal comes after it, when :meth:`RefusalLog.tick` runs
(the HTTP server calls it every window) or when the log is closed at shutdown, whichever
is first; nothing counted is ever left unsaid.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 60.0
LOGGED_PER_WINDOW = 5  # refusals of one kind logged in full per window


@dataclass(slots=True)
class _Window:
    """One kind of refusal's current window: since when, how many logged and counted."""

    started: float
    logged: int = 0
    unsaid: int = 0


class RefusalLog:
    """Rate-limited WARNING lines for refused requests, one window per kind."""

    def __init__(self, logger: logging.Logger, monotonic: Callable[[], float], *,
                 window: float = WINDOW_SECONDS, per_window: int = LOGGED_PER_WINDOW,
                 ) -> None:
        self._log = logger
        self._monotonic = monotonic
        self.window = window
        self.per_window = per_window
        self._windows: dict[str, _Window] = {}

    def refused(self, kind: str, message: str, *args: object) -> None:
        """One refusal of ``kind`` ("unsigned"); ``message % args`` is its line, logged
        unless this window has had its share of lines already."""
        now = self._monotonic()
        current = self._windows.get(kind)
        if current is not None and now - current.started >= self.window:
            self._close(kind, current, now)
            current = None
        if current is None:
            current = self._windows[kind] = _Window(now)
        if current.logged < self.per_window:
            current.logged += 1
            self._log.warning(message, *args)
        else:
            current.unsaid += 1

    def tick(self) -> None:
        """Sum up every window that is over."""
        now = self._monotonic()
        for kind, current in list(self._windows.items()):
            if now - current.started >= self.window:
                self._close(kind, current, now)

    def close(self) -> None:
        """Sum up every window, over or not (at shutdown)."""
        now = self._monotonic()
        for kind, current in list(self._windows.items()):
            self._close(kind, current, now)

    async def summarise(self) -> None:
        """Run :meth:`tick` every window, until cancelled, so a burst that stops is summed
        up within two windows even if no request follows it."""
        while True:
            await asyncio.sleep(self.window)
            self.tick()

    def _close(self, kind: str, current: _Window, now: float) -> None:
        del self._windows[kind]
        if current.unsaid:
            seconds = max(1, round(now - current.started))
            self._log.warning("Slack HTTP: %d more %s requests refused in the last %d s",
                              current.unsaid, kind, seconds)
