"""The bot's one HTTP server: Slack's HTTP mode, the web pages, health and metrics.

One listener on BOT_HTTP_HOST:BOT_HTTP_PORT whatever is served on it, so a deployment
opens one port and one load balancer rule. Its users take part in its lifetime
(:meth:`HttpServer.serving`): the composition root while it serves the pages, the Slack
adapter while it is in HTTP mode; the first starts it and the last stops it. Each adds
its routes before that (aiohttp freezes its routes at start): the pages and health
routes are added by the composition root, and a platform's webhook path is reserved at
the adapter's construction with :meth:`reserve`, its handler attached once its client
is ready (until then the path answers 503, which Slack retries).

aiohttp is imported when something needs the application (the pages, a start), not
with this module: the console and one-off commands build the server, add health and
metrics routes, and never listen, and the import was a tenth of their start-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)

Handler = Callable[["web.Request"], Awaitable["web.StreamResponse"]]
SHUTDOWN_SECONDS = 5.0  # requests in flight may finish; long-lived streams are cut after
MAX_BODY = 1024 * 1024  # the largest request accepted: forms and Slack payloads are small


class Reserved:
    """A route whose handler comes later (a platform's webhook)."""

    def __init__(self) -> None:
        self.handler: Handler | None = None

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        if self.handler is None:
            from aiohttp import web

            return web.Response(status=503, text="starting\n", headers={"Retry-After": "1"})
        return await self.handler(request)


class HttpServer:
    """The aiohttp application and its one listening site."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._app: web.Application | None = None
        self._routes: list[tuple[str, str, Handler, bool]] = []
        self.url = ""  # http://host:port once it listens (the port is known then)
        self.started = asyncio.Event()
        self._reserved: dict[tuple[str, str], Reserved] = {}
        self._users = 0
        self._runner: web.AppRunner | None = None
        self._lock = asyncio.Lock()
        self._stopping: list[Callable[[], Awaitable[None]]] = []

    @property
    def app(self) -> web.Application:
        """The aiohttp application, made when first needed (the pages set it up)."""
        if self._app is None:
            from aiohttp import web

            self._app = web.Application(client_max_size=MAX_BODY)
        return self._app

    def route(self, method: str, path: str, handler: Handler, *, head: bool | None = None
              ) -> None:
        """Serve ``handler`` at ``path`` (before the server starts; the routes are added
        to the application, in this order, when it starts). A GET route answers HEAD too
        (``head=False``: not, for an event stream), as uptime checks and load balancers
        send it: the same status and headers, no body."""
        self._routes.append((method, path, handler, method == "GET" if head is None else head))

    def reserve(self, method: str, path: str) -> Reserved:
        """A route whose handler is attached later; the same one when asked again."""
        key = (method, path)
        if key not in self._reserved:
            self._reserved[key] = Reserved()
            self.route(method, path, self._reserved[key].__call__)  # a coroutine function
        return self._reserved[key]

    def on_stop(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run ``hook`` as the server stops, before open requests are waited for (the
        live pages end their streams there, so a stop never waits on a dashboard)."""
        self._stopping.append(hook)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[HttpServer]:
        """Take part in the server's lifetime: it listens while anyone does."""
        async with self._lock:
            if self._users == 0:
                await self._start()
            self._users += 1
        try:
            yield self
        finally:
            async with self._lock:
                self._users -= 1
                if self._users == 0:
                    await self._stop()

    async def _start(self) -> None:
        from aiohttp import web

        app = self.app
        for method, path, handler, head in self._routes:  # a later start adds new ones only
            app.router.add_route(method, path, handler)
            if head:
                app.router.add_route("HEAD", path, handler)
        self._routes.clear()
        # No access log: one line per request would drown the bot's own lines.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS,
                               handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError as exc:
            await runner.cleanup()
            raise OSError(exc.errno, f"cannot listen on {self.host}:{self.port} "
                          f"(BOT_HTTP_HOST, BOT_HTTP_PORT): {exc.strerror or exc}") from None
        host, port = runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._runner = runner
        self.started.set()
        log.info("HTTP server listening on %s", self.url)

    async def _stop(self) -> None:
        runner, self._runner = self._runner, None
        self.started.clear()
        for hook in self._stopping:
            try:
                await hook()
            except Exception as exc:  # a stop goes on whatever one part does
                log.warning("HTTP server stop hook failed: %s: %s", type(exc).__name__, exc)
        if runner is not None:
            await runner.cleanup()
