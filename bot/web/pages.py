"""The web pages put together on the bot's HTTP server: templates, static files, the
security headers every page gets, the dashboard, the room screens.

Nothing is fetched from elsewhere (venues have bad networks): the page's style and its
one small script are served from the package, and the Content-Security-Policy allows
nothing else, so even a question that slipped past the templates' escaping could run no
script.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.catalog import Catalog
from bot.clock import Clock
from bot.qa.service import QaService
from bot.router import Router
from bot.web.dashboard import Dashboard, stop_streams
from bot.web.keys import WebKeys
from bot.web.live import Live
from bot.web.screen import Screen
from bot.web.server import HttpServer

STATIC = {"style.css": "text/css", "live.js": "text/javascript"}
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
          "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


@web.middleware
async def security_headers(request: web.Request,
                           handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                           ) -> web.StreamResponse:
    response = await handler(request)
    if request.path.startswith(("/mod", "/screen", "/login", "/logout", "/static")):
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _static() -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    files = resources.files("bot.web") / "static"
    bodies = {name: (files / name).read_bytes() for name in STATIC}

    async def static(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in bodies:
            raise web.HTTPNotFound()
        return web.Response(body=bodies[name], content_type=STATIC[name],
                            headers={"Cache-Control": "max-age=300"})

    return static


def add_pages(http: HttpServer, keys: WebKeys, catalog: Catalog, qa: QaService,
              router: Router, clock: Clock, *, secure: bool) -> Live:
    """Add the dashboard, the screens and their files to ``http`` (before it starts);
    the returned :class:`Live` must be told of Q&A changes (``qa.watch``)."""
    aiohttp_jinja2.setup(
        http.app, loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined)
    http.app.middlewares.append(security_headers)
    live = Live()
    qa.watch(live.changed)
    dashboard = Dashboard(keys, catalog, qa, router, clock, live, secure=secure)
    screen = Screen(keys, catalog, qa, clock, live)
    streams = (dashboard.events, screen.events)  # a HEAD of a stream would hold it open
    for method, path, handler in (*dashboard.routes(), *screen.routes()):
        http.route(method, path, handler, head=handler not in streams)
    http.route("GET", "/static/{name}", _static())
    http.on_stop(lambda: stop_streams(live))
    return live
