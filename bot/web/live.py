"""What wakes the live pages: every change to a Q&A queue made through this process.

The Q&A service tells :class:`Live` of each question, vote and status change (whichever
platform or page it came through); Live counts them in one revision number and wakes
every open stream. A stream then renders its own view once for the new revision, and
streams showing the same view share that work (:class:`Shared`): a hundred open
dashboards cost one query and one rendering per change, not a hundred.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from aiohttp_sse import EventSourceResponse

from bot.qa.service import QaChange


class Live:
    """A revision number and a wake-up for everyone waiting on it."""

    def __init__(self) -> None:
        self.revision = 0
        self.closed = False
        self._wake = asyncio.Event()

    def changed(self, _change: QaChange | None = None) -> None:
        self.revision += 1
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()

    async def wait(self, seen: int, within: float | None = None) -> int:
        """The revision once it is past ``seen`` (or ``within`` seconds passed, or Live closed)."""
        if self.revision == seen and not self.closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), within)
        return self.revision

    def close(self) -> None:
        """Wake every stream for good: the server is stopping."""
        self.closed = True
        self.changed()


_BETWEEN_TAGS = re.compile(r">\s+<")


def compact(html: str) -> str:
    """A template's output without the white space between its tags: a stream sends it
    to every open page at every change, as one line (one ``data:`` line of the event)."""
    return _BETWEEN_TAGS.sub("> <", html).strip()


SEND_TIMEOUT = 10.0  # seconds a stalled page may hold up its own stream, then it is cut


@dataclass(frozen=True, slots=True)
class Rendered:
    """A view's HTML, and the Server-Sent Event that carries it, encoded once for every
    stream (aiohttp-sse's ``send`` would split and encode it again for each)."""

    html: str
    event: bytes


def rendered(name: str, html: str) -> Rendered:
    lines = "".join(f"data: {line}\r\n" for line in html.splitlines() or [""])
    return Rendered(html, f"event: {name}\r\n{lines}\r\n".encode())


async def push(stream: EventSourceResponse, update: Rendered) -> bool:
    """Write ``update`` to one page's stream: False when the page is gone (its tab was
    closed: the stream just ends) or stopped reading (it is cut off)."""
    try:
        async with asyncio.timeout(SEND_TIMEOUT):
            await stream.write(update.event)
    except (ConnectionResetError, TimeoutError):
        stream.stop_streaming()
        return False
    return True


class Shared:
    """One rendering per view and key (the revision, and what else it depends on),
    awaited by every stream that shows that view."""

    def __init__(self) -> None:
        self._made: dict[Hashable, tuple[Hashable, asyncio.Future[Rendered]]] = {}

    async def get(self, view: Hashable, key: Hashable, make: Callable[[], Awaitable[Rendered]]
                  ) -> Rendered:
        found = self._made.get(view)
        if found is not None and found[0] == key:
            return await asyncio.shield(found[1])
        future = asyncio.ensure_future(make())
        self._made[view] = (key, future)
        try:
            return await asyncio.shield(future)
        except Exception:
            if self._made.get(view, (None, None))[1] is future:
                del self._made[view]  # the next stream tries again
            raise
