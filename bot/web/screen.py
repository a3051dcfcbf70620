"""The room screen: ``/screen/<room>`` (``/screen`` when the program has one room or
none), read-only, for the projector beside the stage.

It shows the session on now in that room and its top five open questions in large type,
and between sessions "Next: ..." with its time. It follows the program's clock by
itself (a rehearsal's simulated clock too): the stream wakes at every question change
and at the next session boundary, and sends the part of the page that changed. Its link
carries a signed read-only key for that room (bot.web.keys), made by "qa screen".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiohttp_jinja2
from aiohttp import web
from aiohttp_sse import sse_response

from bot.catalog import Catalog
from bot.clock import Clock
from bot.program import Item, Program
from bot.qa.service import QaService
from bot.timefmt import span
from bot.web.keys import Refused, WebKeys
from bot.web.live import Live, Rendered, Shared, compact, push, rendered
from bot.web.queues import Entry, questions_for, queues
from bot.web.refusal import refusal_page
from bot.web.server import Handler

TOP = 5
LONGEST_WAIT = 5.0  # real seconds between checks of the clock, whatever its speed
SINGLE = ""  # the room of a program with one room or none: /screen


@dataclass(frozen=True, slots=True)
class Showing:
    """What a room's screen shows at an instant."""

    now: Item | None
    next: Item | None
    questions: list[Entry]

    def boundary(self) -> datetime | None:
        """When what the screen shows changes by the clock alone."""
        if self.now is not None:
            return self.now.span[1]
        return self.next.span[0] if self.next is not None else None


def room_of(program: Program, name: str) -> str | None:
    """The room a screen path names: one of the program's rooms, exactly or in another
    case, or the single room ("") of a program with one room or none."""
    if name == SINGLE:
        return SINGLE if len(program.rooms) <= 1 else None
    return next((room for room in program.rooms if room.casefold() == name.casefold()), None)


def _in_room(program: Program, item: Item, room: str) -> bool:
    return room == SINGLE or item.room == room


class Screen:
    def __init__(self, keys: WebKeys, catalog: Catalog, qa: QaService, clock: Clock,
                 live: Live) -> None:
        self.keys = keys
        self.catalog = catalog
        self.qa = qa
        self.clock = clock
        self.live = live
        self._shared = Shared()

    def routes(self) -> list[tuple[str, str, Handler]]:
        return [("GET", "/screen", self.page), ("GET", "/screen/{room}", self.page),
                ("GET", "/screen-events", self.events)]

    def _room(self, request: web.Request, name: str) -> str | web.Response:
        room = room_of(self.catalog.current.program, name)
        if room is None:
            rooms = ", ".join(self.catalog.current.program.rooms)
            if name == SINGLE:
                raise web.HTTPNotFound(text=f"This program has several rooms: open "
                                       f"/screen/<room> (ask the bot “qa screen <room>”): "
                                       f"{rooms}.\n")
            raise web.HTTPNotFound(text=f"No room is called {name!r}; the rooms: {rooms}.\n")
        try:
            self.keys.read_screen(request.query.get("k"), room)
        except Refused as refused:
            return refusal_page(request, refused.reason, "screen link")
        return room

    async def showing(self, room: str, now: datetime) -> Showing:
        program = self.catalog.current.program
        current = next((i for i in program.on_at(now) if _in_room(program, i, room)), None)
        upcoming = next((i for i in program.scheduled
                         if i.span[0] > now and _in_room(program, i, room)), None)
        entries: list[Entry] = []
        if current is not None:
            for queue in await queues(self.qa, questions_for(program, current)):
                entries.extend(queue.open)
            entries.sort(key=lambda e: (-e.votes, e.id))
        return Showing(current, upcoming, entries[:TOP])

    async def _html(self, request: web.Request, room: str) -> tuple[Rendered, Showing]:
        now = self.clock.now()
        showing = await self.showing(room, now)
        key = (self.live.revision, showing.now, showing.next, self.catalog.current.program)
        zone = self.catalog.current.program.workshop.timezone

        async def make() -> Rendered:
            template = aiohttp_jinja2.get_env(request.app).get_template("screen_body.html")
            return rendered("screen", compact(template.render(
                show=showing, room=room,
                span=lambda item: span(item.span[0], item.span[1], zone, now))))

        return await self._shared.get(room, key, make), showing

    async def page(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info.get("room", SINGLE)
        room = self._room(request, name)
        if isinstance(room, web.Response):
            return room
        body = (await self._html(request, room))[0].html
        program = self.catalog.current.program
        response = aiohttp_jinja2.render_template("screen.html", request, {
            "title": room or program.workshop.full_name, "workshop": program.workshop.full_name,
            "body": body, "room": room, "key": request.query.get("k", "")})
        response.headers["Cache-Control"] = "no-store"
        return response

    async def events(self, request: web.Request) -> web.StreamResponse:
        room = self._room(request, request.query.get("room", SINGLE))
        if isinstance(room, web.Response):
            return room
        async with sse_response(request) as stream:
            last = ""
            while stream.is_connected() and not self.live.closed:
                seen = self.live.revision
                update, showing = await self._html(request, room)
                if update.html != last:
                    if not await push(stream, update):
                        break
                    last = update.html
                await self.live.wait(seen, self._until(showing))
        return stream

    def _until(self, showing: Showing) -> float:
        """Real seconds until the clock moves the screen on (at most LONGEST_WAIT)."""
        boundary = showing.boundary()
        if boundary is None:
            return LONGEST_WAIT
        speed = self.clock.speed or 1.0
        left = (boundary - self.clock.now()).total_seconds() / speed
        return max(0.05, min(LONGEST_WAIT, left + 0.01))
