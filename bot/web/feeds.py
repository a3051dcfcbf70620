"""The calendar feeds: ``/ics/program.ics`` (the whole program) and ``/ics/u/<token>.ics``
(one person's reminders, with their alarms), for calendar apps to subscribe to.

A feed is made afresh on every request from the program in memory and the person's
reminders, by the very functions that make "agenda ics all" and "agenda ics"
(bot.answers.calendar), so it follows a reload and a "remind cancel" at the next poll.

Calendar apps poll, many of them every few minutes, so the answer carries an ETag and an
unchanged feed costs a 304 and no body. Every event's DTSTAMP is the moment the feed is
made (RFC 5545), so the body differs on every request even when nothing else does: the
ETag is a hash of the body without its DTSTAMP lines, and weak (``W/``), since it names
what the calendar holds rather than the bytes. The token is the person's credential: it
appears in no log line, and an unknown or reset one gets a 404 that says how to get a
new address.
"""

from __future__ import annotations

import hashlib
import logging
import re

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.answers.calendar import my_calendar, whole_calendar
from bot.calendar_export import MIME
from bot.catalog import Catalog
from bot.clock import Clock
from bot.messages import UserRef
from bot.reminders.service import ReminderService
from bot.store import feeds
from bot.store.database import Database
from bot.store.outage import is_database_down
from bot.web.links import PROGRAM_FEED_PATH
from bot.web.server import Handler, HttpServer

log = logging.getLogger(__name__)

PERSONAL_FEED_PATH = "/ics/u/{token}.ics"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what secrets.token_urlsafe makes
GONE = ("This calendar link was reset or never existed. Ask the bot “agenda feed” for a "
        "new one.\n")
AWAY = "The calendar cannot be read just now; please try again in a minute.\n"
_DTSTAMP = re.compile(rb"^DTSTAMP[;:].*\r?\n", re.MULTILINE)


def etag_of(body: bytes) -> str:
    """The same tag for the same calendar, whenever it was made (see the module)."""
    return f'W/"{hashlib.sha256(_DTSTAMP.sub(b"", body)).hexdigest()[:32]}"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match, compared weakly, as RFC 9110 has it for GET and HEAD."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    mine = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == mine for tag in if_none_match.split(","))


def calendar_response(request: web.Request, body: bytes) -> web.Response:
    """``body`` as a calendar, or a 304 when the app has it already."""
    etag = etag_of(body)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if _matches(request.headers.get("If-None-Match"), etag):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type=MIME, charset="utf-8", headers=headers)


def _plain(status: int, text: str, **headers: str) -> web.Response:
    return web.Response(status=status, text=text, headers={"Cache-Control": "no-cache",
                                                            **headers})


def program_feed(catalog: Catalog, clock: Clock) -> Handler:
    async def serve(request: web.Request) -> web.StreamResponse:
        return calendar_response(request, whole_calendar(catalog.current.program, clock.now()))

    return serve


def personal_feed(catalog: Catalog, reminders: ReminderService, clock: Clock,
                  db: Database) -> Handler:
    async def serve(request: web.Request) -> web.StreamResponse:
        token = request.match_info.get("token", "")
        if TOKEN.fullmatch(token) is None:
            return _plain(404, GONE)
        try:
            found = await feeds.owner(db, token)
            if found is None:
                return _plain(404, GONE)
            program = catalog.current.program
            sessions = await reminders.subscriptions(UserRef(*found))
        except Exception as exc:
            # The token is in a failed statement's parameters: the error's type is logged,
            # never its text (nor, for a database error, its traceback).
            if is_database_down(exc):
                log.warning("Calendar feed not served: the database is away (%s)",
                            type(exc).__name__)
                return _plain(503, AWAY, **{"Retry-After": "60"})
            log.error("Calendar feed failed: %s", type(exc).__name__,
                      exc_info=not isinstance(exc, SQLAlchemyError))
            return _plain(500, AWAY)
        return calendar_response(request, my_calendar(program, clock.now(), sessions))

    return serve


def add_feed_routes(http: HttpServer, catalog: Catalog, reminders: ReminderService,
                    clock: Clock, db: Database) -> None:
    """Serve both feeds on ``http`` (before it starts), for GET and HEAD (the server adds
    HEAD to every GET route): some calendar apps check a subscription with HEAD first."""
    for path, handler in ((PROGRAM_FEED_PATH, program_feed(catalog, clock)),
                          (PERSONAL_FEED_PATH, personal_feed(catalog, reminders, clock, db))):
        http.route("GET", path, handler)
