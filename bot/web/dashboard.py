"""The moderators' live dashboard: ``/mod`` (every item) and ``/mod/<item>`` (one).

A moderator opens the login link the bot gave them (``/login?t=...``), which sets an
HTTP-only, SameSite=Strict session cookie and sends them on. The page lists each queue
(bot.web.queues) and follows it over Server-Sent Events (``/mod/events``): whenever a
question, vote or status changes on any platform or page, the open pages get the new
list within milliseconds. Each action (answered, hide, restore, approve) is a form post
with the session's CSRF token, and is carried out as the very ``qa`` command a
moderator would type, so the platforms show it exactly as they show that command's.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_sse import sse_response

from bot.catalog import Catalog
from bot.clock import Clock
from bot.messages import IncomingMessage, UserRef
from bot.program import Item
from bot.qa.roles import WEB
from bot.qa.service import QaService
from bot.render_text import render
from bot.router import Router
from bot.web.keys import Moderator, Refused, WebKeys
from bot.web.live import Live, Rendered, Shared, compact, push, rendered
from bot.web.queues import queues, shown_author, with_qa
from bot.web.refusal import refusal_page
from bot.web.server import Handler

log = logging.getLogger(__name__)

COOKIE = "workshop_bot_session"
ACTIONS = ("answered", "hide", "restore", "approve")
LABELS = {"answered": "Mark answered", "hide": "Hide", "restore": "Restore", "approve": "Approve"}
REFRESH_SECONDS = 30.0  # ages ("3 min") move on, and a change made by another process shows
MAX_TEXT = 1000


@dataclass(frozen=True, slots=True)
class Session:
    moderator: Moderator
    cookie: str


def age(then: datetime, now: datetime) -> str:
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


class Dashboard:
    def __init__(self, keys: WebKeys, catalog: Catalog, qa: QaService, router: Router,
                 clock: Clock, live: Live, *, secure: bool) -> None:
        self.keys = keys
        self.catalog = catalog
        self.qa = qa
        self.router = router
        self.clock = clock
        self.live = live
        self.secure = secure  # cookies marked Secure when the public address is https
        self._shared = Shared()

    def routes(self) -> list[tuple[str, str, Handler]]:
        return [("GET", "/login", self.login), ("GET", "/mod", self.page),
                ("GET", "/mod/events", self.events), ("POST", "/mod/action", self.action),
                ("GET", "/mod/{item}", self.page), ("POST", "/logout", self.logout)]

    # -- who is asking ---------------------------------------------------------------

    def _session(self, request: web.Request) -> Session:
        cookie = request.cookies.get(COOKIE)
        return Session(self.keys.read_session(cookie), cookie or "")

    async def login(self, request: web.Request) -> web.StreamResponse:
        try:
            moderator = self.keys.read_login(request.query.get("t"))
        except Refused as refused:
            return refusal_page(request, refused.reason, "login link")
        then = _ours(request.query.get("next"))
        response = web.Response(status=303, headers={"Location": then})
        left = moderator.issued + self.keys.lifetime.total_seconds() - \
            self.keys.now().timestamp()
        response.set_cookie(COOKIE, self.keys.session(moderator), httponly=True,
                            samesite="Strict", secure=self.secure, path="/",
                            max_age=max(1, int(left)))
        response.headers["Referrer-Policy"] = "no-referrer"  # the link holds the token
        log.info("Dashboard login by %s", moderator.shown)
        return response

    async def _posted(self, request: web.Request) -> Session | web.Response:
        """The session of a post that changes something: its cookie, and the CSRF token
        (a header from the page's script, or a form field) that only its page knows."""
        try:
            session = self._session(request)
        except Refused as refused:
            return refusal_page(request, refused.reason, "session")
        form = await request.post()
        if not self.keys.csrf_ok(session.cookie, request.headers.get("X-CSRF-Token")
                                 or _field(form, "csrf")):
            return refusal_page(request, "forged", "request")
        return session

    async def logout(self, request: web.Request) -> web.StreamResponse:
        session = await self._posted(request)
        if isinstance(session, web.Response):
            return session
        response = aiohttp_jinja2.render_template("refused.html", request, {
            "title": "Logged out", "why": "You are logged out.", "screen": False})
        response.del_cookie(COOKIE, path="/")
        return response

    # -- the page ----------------------------------------------------------------------

    def _items(self, slug: str | None) -> list[Item] | None:
        program = self.catalog.current.program
        if slug is None:
            return with_qa(program)
        item = program.by_slug.get(slug)
        return [item] if item is not None and item.has_qa else None

    async def page(self, request: web.Request) -> web.StreamResponse:
        try:
            session = self._session(request)
        except Refused as refused:
            return refusal_page(request, refused.reason, "session")
        slug = request.match_info.get("item")
        items = self._items(slug)
        if items is None:
            raise web.HTTPNotFound(text=f"No paper or talk with Q&A is called {slug!r}.\n")
        program = self.catalog.current.program
        context = {
            "title": items[0].display_title if slug else "Q&A: every paper and talk",
            "workshop": program.workshop.full_name,
            "moderator": session.moderator,
            "csrf": self.keys.csrf(session.cookie),
            "slug": slug or "",
            "queue_html": (await self._queues_html(request, slug)).html,
            "items": with_qa(program) if slug is None else [],
        }
        response = aiohttp_jinja2.render_template("dashboard.html", request, context)
        return _private(response)

    async def _queues_html(self, request: web.Request, slug: str | None) -> Rendered:
        """The queues part of the page, as the stream sends it: rendered once per
        revision and minute for every open page showing the same view."""
        now = self.clock.now()
        key = (self.live.revision, int(now.timestamp() // 60), self.catalog.current.program)

        async def make() -> Rendered:
            items = self._items(slug) or []
            found = await queues(self.qa, items)
            template = aiohttp_jinja2.get_env(request.app).get_template("queues.html")
            return rendered("queues", compact(template.render(
                queues=found, now=now, age=age, author=shown_author, single=slug is not None,
                labels=LABELS)))

        return await self._shared.get(("mod", slug), key, make)

    async def events(self, request: web.Request) -> web.StreamResponse:
        """The stream: the queues again after every change (and every half minute)."""
        try:
            self._session(request)
        except Refused as refused:
            return refusal_page(request, refused.reason, "session")
        slug = request.query.get("item") or None
        if self._items(slug) is None:
            raise web.HTTPNotFound(text="No such item.\n")
        async with sse_response(request) as stream:
            last = ""
            while stream.is_connected() and not self.live.closed:
                try:  # at every wake: a session that ran out ends its stream
                    self._session(request)
                except Refused:
                    break
                seen = self.live.revision
                update = await self._queues_html(request, slug)
                if update.html != last:  # a half-minute wake-up with nothing new: nothing
                    if not await push(stream, update):
                        break
                    last = update.html
                await self.live.wait(seen, REFRESH_SECONDS)
        return stream

    # -- actions ------------------------------------------------------------------------

    async def action(self, request: web.Request) -> web.StreamResponse:
        session = await self._posted(request)
        if isinstance(session, web.Response):
            return session
        form = await request.post()
        what = _field(form, "action") or ""
        number = _field(form, "question") or ""
        text = " ".join((_field(form, "text") or "").split())[:MAX_TEXT]
        if what not in ACTIONS or not (number.isascii() and number.isdigit()):
            return web.json_response({"ok": False, "text": "Unknown action."}, status=400)
        moderator = session.moderator
        said = f"{what} {number} {text}".strip()
        # As the same "qa" command typed on a platform: the platforms show it the same way.
        user = UserRef(WEB, f"{moderator.platform}:{moderator.user_id}", moderator.name)
        reply = await self.router.handle(IncomingMessage(user, said, command="qa"))
        ok = reply.kind == "answer"
        log.info("Dashboard: %s by %s: %s", said.split(" ", 2)[:2], moderator.shown,
                 "done" if ok else reply.kind)
        if request.headers.get("X-Requested-With") == "fetch":
            return web.json_response({"ok": ok, "text": render(reply)},
                                     status=200 if ok else 422)
        return web.Response(status=303, headers={"Location": _ours(_field(form, "back"))})


_OUR_PAGE = re.compile(r"/mod(?:/[A-Za-z0-9._~-]{1,200})?")


def _ours(path: str | None) -> str:
    """Where to send a moderator after a login or a form: one of our own pages, named
    plainly, or the dashboard (never elsewhere, never a header with controls in it)."""
    return path if path is not None and _OUR_PAGE.fullmatch(path) else "/mod"


def _field(form: Mapping[str, Any], name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


def _private(response: web.StreamResponse) -> web.StreamResponse:
    response.headers["Cache-Control"] = "no-store"
    return response


async def stop_streams(live: Live) -> None:
    """The server's stop hook: every stream ends at once."""
    live.close()
    await asyncio.sleep(0)
