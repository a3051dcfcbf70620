"""The Slack adapter's lifecycle: one Web API client, one AsyncApp, one transport.

``run()`` checks the bot token (``auth.test``, so a wrong token fails at start in one
line rather than on the first question), builds the AsyncApp with the listeners, and
serves until cancelled:

* Socket Mode (``SLACK_APP_TOKEN`` set): slack-sdk's aiohttp Socket Mode client; the
  websocket URL is asked for first so a wrong app token also fails in one line (the
  library itself would log and retry forever).
* HTTP mode: one route, ``POST /slack/events``, on the bot's one HTTP server
  (``core.http``, on ``BOT_HTTP_HOST:BOT_HTTP_PORT``, shared with the web pages and
  ``/healthz``), for Events API, slash commands and interactivity alike. Every
  request's size, signature and timestamp are checked before its body is even parsed
  (``http_checks``), so a forged, stale or oversized request gets 401 or 413, one
  rate-limited WARNING line (``refusals``), and reaches neither bolt nor a listener.

No log line holds a request's body, whatever the level: bolt's and slack-sdk's loggers
are given levels at which they write none (:func:`library_logger`).

On cancellation everything is closed in reverse order (the socket or server, then the
client's HTTP session), so nothing is left open.

The adapter also sends on its own: reminders (``deliver``, through ``outbound``) and
Q&A threads (``open_thread`` and the rest of :class:`~bot.adapter.QaPublisher`, through
``qa``). Those calls can come before the connection is up (``workshop-bot qa setup``
and the vote reconciliation start beside the adapter), so they wait for it, briefly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    async_default_handlers,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.http_checks import RequestChecks
from adapters.slack.inbound import PLATFORM
from adapters.slack.listeners import Listeners
from adapters.slack.outbound import SlackOutbound
from adapters.slack.qa import SlackThreads
from adapters.slack.refusals import RefusalLog
from adapters.slack.transport import CallWatch, answer_of
from bot.adapter import DeliveryError, PlatformInfo
from bot.core import Core
from bot.messages import Button, Outgoing, QuestionView, Reply, ThreadRef
from bot.metrics import PlatformErrorKind

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
RATE_LIMIT_RETRIES = 5  # each waits Retry-After (+ up to 1 s); slack-sdk's default is 1
READY_WAIT = 30.0  # seconds a reminder or a Q&A call waits for the connection at start-up


class SlackStartupError(Exception):
    """Slack refused the adapter's credentials; the message is one line for the log."""


class SlackNotConnected(Exception):
    """A Q&A call came while the adapter could not reach Slack."""


def json_text(data: object) -> str:
    """Request bodies for the Web API client's session: orjson writes a Block Kit answer
    several times faster than the standard library (aiohttp wants text, not bytes)."""
    return orjson.dumps(data).decode()


def library_logger(name: str, floor: int) -> logging.Logger:
    """A library's logger at the level the bot runs at, but never below ``floor``.

    The floor keeps request bodies out of the log: slack-sdk writes every Web API
    request and response (our answers, with what users typed) and every Socket Mode
    message at DEBUG; bolt writes the whole body of a request with a bad signature, and
    more, at INFO and DEBUG. The level is set on the logger itself because both decide
    whether to format a body from ``logger.level``, not the effective level; left unset
    (0), slack-sdk formats every body into a string that is then not logged.
    """
    logger = logging.getLogger(name)
    logger.setLevel(max(floor, logging.getLogger().getEffectiveLevel()))
    return logger


def client_logger() -> logging.Logger:
    """slack-sdk's Web API logger: retries at INFO, and no request or response body."""
    return library_logger("slack_sdk.web.async_base_client", logging.INFO)


def bolt_logger() -> logging.Logger:
    """bolt's logger (and the base of every logger bolt makes): its warnings and errors
    only, since its INFO and DEBUG lines quote requests; without the warning it gives
    every start because it reads SLACK_BOT_TOKEN from the environment itself while we
    hand it the client made with that token."""
    logger = library_logger("slack_bolt.workshop-bot", logging.WARNING)
    if not any(isinstance(f, _TokenUnused) for f in logger.filters):
        logger.addFilter(_TokenUnused())
    return logger


class _TokenUnused(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def webhook_logger() -> logging.Logger:
    """The logger of the clients bolt's ``respond()`` makes for each response_url (by this
    name): no answer's body at DEBUG."""
    return library_logger("slack_sdk.webhook.async_client", logging.INFO)


def socket_logger() -> logging.Logger:
    """The Socket Mode client's logger: connections at INFO, no message at DEBUG."""
    return library_logger("slack_sdk.socket_mode", logging.INFO)


def retry_handlers(report: Callable[[PlatformErrorKind], None] | None = None
                   ) -> list[AsyncRetryHandler]:
    """Connection errors retried once, 429s waited out; ``report`` (the core's
    ``platform_error``) is told of each failed or rate-limited attempt first."""
    handlers: list[AsyncRetryHandler] = [CallWatch(report)] if report is not None else []
    handlers += async_default_handlers()  # connection errors, retried once
    handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return handlers


def build_client(core: Core, session: aiohttp.ClientSession) -> AsyncWebClient:
    """The Web API client every listener's client copies (base URL, session, retries)."""
    settings = core.settings
    assert settings.slack_bot_token is not None
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        session=session,
        retry_handlers=retry_handlers(lambda kind: core.platform_error(PLATFORM, kind)),
        logger=client_logger(),
    )


def build_app(core: Core, client: AsyncWebClient) -> AsyncApp:
    """The bolt app with the listeners. Its own signature check is off: in HTTP mode
    :class:`RequestChecks` has checked every request before bolt sees it (bolt would
    parse the body first), and in Socket Mode there is none to check.

    ``signing_secret`` is passed (empty) so bolt never reads it from the environment
    behind the settings' back.
    """
    app = AsyncApp(
        client=client,
        signing_secret="",
        request_verification_enabled=False,
        name="workshop-bot",
        logger=bolt_logger(),
    )
    webhook_logger()
    Listeners(core).register(app, core.settings.slack_command)
    return app


class SlackAdapter:
    """Serves one Slack workspace until cancelled, sends reminders into it, and hosts
    the Q&A threads there."""

    name = "slack"
    fallback = False

    def __init__(self, core: Core, *, wall: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        """``wall`` is real time, for Slack's signed timestamps; ``monotonic`` measures
        the windows of the refusal log."""
        self.core = core
        self.wall = wall
        self.monotonic = monotonic
        self.socket_mode = core.settings.slack_app_token is not None
        self.ready = asyncio.Event()  # set once Slack can reach the bot
        self.url: str | None = None  # the HTTP endpoint, in HTTP mode
        self.info = PlatformInfo("slack", send_rate=core.settings.slack_send_rate)
        self._outbound: SlackOutbound | None = None
        self._threads: SlackThreads | None = None
        # Reserved now: the server may start (for the web pages) before Slack's client
        # is ready, and it cannot take new routes once it listens.
        self._events = core.http.reserve("POST", EVENTS_PATH)

    @property
    def connected(self) -> bool:
        return self.ready.is_set()

    async def _wait_ready(self) -> bool:
        try:
            await asyncio.wait_for(self.ready.wait(), READY_WAIT)
        except TimeoutError:
            return False
        return True

    async def _connected(self) -> SlackOutbound:
        """Reminders wait (briefly) for the adapter to be connected."""
        if not await self._wait_ready():
            raise DeliveryError("Slack is not connected", permanent=False)
        assert self._outbound is not None
        return self._outbound

    async def _qa(self) -> SlackThreads:
        """Q&A calls wait (briefly) for the adapter to be connected, as reminders do."""
        if not await self._wait_ready():
            raise SlackNotConnected(f"Slack is not connected after {READY_WAIT:g} s")
        assert self._threads is not None
        return self._threads

    async def deliver(self, message: Outgoing) -> str | None:
        return await (await self._connected()).deliver(message)

    async def find_delivered(self, message: Outgoing) -> str | None:
        return await (await self._connected()).find_delivered(message)

    # QaPublisher: the Q&A threads (adapters/slack/qa.py)

    async def open_thread(self, channel_id: str, slug: str, title: str, intro: Reply,
                          existing: ThreadRef | None) -> ThreadRef:
        return await (await self._qa()).open_thread(channel_id, slug, title, intro, existing)

    async def publish_question(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> str | None:
        return await (await self._qa()).publish_question(thread, question, text, buttons)

    async def question_changed(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> None:
        await (await self._qa()).question_changed(thread, question, text, buttons)

    async def publish_answer(self, thread: ThreadRef, question: QuestionView,
                             text: Reply) -> None:
        await (await self._qa()).publish_answer(thread, question, text)

    async def votes_on(self, thread: ThreadRef, question: QuestionView) -> set[str] | None:
        return await (await self._qa()).votes_on(thread, question)

    async def run(self) -> None:
        async with aiohttp.ClientSession(json_serialize=json_text) as session:
            client = build_client(self.core, session)
            auth = await self._check_token(client)
            identity = f"@{auth.get('user')} in {auth.get('team')}"
            self._outbound = SlackOutbound(client)
            self._threads = SlackThreads(client, str(auth.get("user_id") or ""),
                                         str(auth.get("bot_id") or ""),
                                         str(auth.get("url") or ""))
            app = build_app(self.core, client)
            if self.socket_mode:
                await self._serve_socket_mode(app, client, identity)
            else:
                await self._serve_http(app, identity)

    async def _check_token(self, client: AsyncWebClient) -> Mapping[str, Any]:
        try:
            return answer_of(await client.auth_test())
        except SlackApiError as exc:
            raise SlackStartupError(
                f"auth.test failed: {exc.response.get('error')} (check SLACK_BOT_TOKEN)"
            ) from None

    async def _serve_http(self, app: AsyncApp, identity: str) -> None:
        secret = self.core.settings.slack_signing_secret
        assert secret is not None  # check_settings requires it in HTTP mode
        refusals = RefusalLog(log, self.monotonic)
        checks = RequestChecks(secret.get_secret_value(), refusals, self.wall)

        async def handle(request: web.Request) -> web.Response:
            admitted = await checks.admit(request)
            if isinstance(admitted, web.Response):
                return admitted
            return await to_aiohttp_response(await app.async_dispatch(admitted))

        # The bot's one HTTP server (bot.web.server), shared with the web pages; its
        # health check (GET /healthz) is served there too.
        http = self.core.http
        summaries = asyncio.create_task(refusals.summarise(), name="slack-refusal-summaries")
        try:
            async with http.serving():
                self._events.handler = handle
                self.url = f"{http.url}{EVENTS_PATH}"
                log.info("Slack adapter ready: HTTP mode on %s, bot %s", self.url, identity)
                self.ready.set()
                try:
                    await asyncio.Event().wait()  # serve until cancelled
                finally:
                    self._events.handler = None
        finally:
            summaries.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await summaries
            refusals.close()  # what the last window counted is said, not lost

    async def _serve_socket_mode(
        self, app: AsyncApp, client: AsyncWebClient, identity: str
    ) -> None:
        token = self.core.settings.slack_app_token
        assert token is not None
        handler = AsyncSocketModeHandler(app, app_token=token.get_secret_value(),
                                         logger=socket_logger())
        try:
            try:
                opened = await client.apps_connections_open(app_token=token.get_secret_value())
            except SlackApiError as exc:
                raise SlackStartupError(
                    f"apps.connections.open failed: {exc.response.get('error')} "
                    "(check SLACK_APP_TOKEN)"
                ) from None
            handler.client.wss_uri = opened["url"]
            await handler.connect_async()
            log.info("Slack adapter ready: Socket Mode, bot %s", identity)
            self.ready.set()
            await asyncio.Event().wait()  # serve until cancelled
        finally:
            await handler.close_async()
            # close() cancels the client's tasks; let them finish before the loop moves on
            socket = handler.client
            tasks = [socket.message_processor, socket.current_session_monitor,
                     socket.message_receiver]
            await asyncio.gather(*(t for t in tasks if t is not None), return_exceptions=True)
