"""The Slack adapter's lifecycle: one Web API client, one AsyncApp, one transport.

``run()`` checks the bot token (``auth.test``, so a wrong token fails at start in one
line rather than on the first question), builds the AsyncApp with the listeners, and
serves until cancelled:

* Socket Mode (``SLACK_APP_TOKEN`` set): slack-sdk's aiohttp Socket Mode client; the
  websocket URL is asked for first so a wrong app token also fails in one line (the
  library itself would log and retry forever).
* HTTP mode: an aiohttp server on ``BOT_HTTP_HOST:BOT_HTTP_PORT`` with one route,
  ``POST /slack/events``, for Events API, slash commands and interactivity alike. Bolt
  verifies every request's signature and timestamp before anything else runs, so a
  forged or stale request gets 401 and reaches no listener.

On cancellation everything is closed in reverse order (the socket or server, then the
client's HTTP session), so nothing is left open.

The adapter also sends on its own: reminders (``deliver``, through ``delivery``) and
Q&A threads (``open_thread`` and the rest of :class:`~bot.adapter.QaPublisher`, through
``threads``). Those calls can come before the connection is up (``workshop-bot qa setup``
and the vote reconciliation start beside the adapter), so they wait for it, briefly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import orjson
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    async_default_handlers,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.delivery import SlackDelivery
from adapters.slack.listeners import Listeners
from adapters.slack.qa import SlackThreads
from bot.adapter import DeliveryError
from bot.core import Core
from bot.messages import Button, Outgoing, QuestionView, Reply, ThreadRef

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
RATE_LIMIT_RETRIES = 5  # each waits Retry-After (+ up to 1 s); slack-sdk's default is 1
SHUTDOWN_SECONDS = 3.0  # how long the HTTP server lets running requests finish
FORM = "application/x-www-form-urlencoded"
READY_WAIT = 30.0  # seconds a reminder or a Q&A call waits for the connection at start-up


class SlackStartupError(Exception):
    """Slack refused the adapter's credentials; the message is one line for the log."""


class SlackNotConnected(Exception):
    """A Q&A call came while the adapter could not reach Slack."""


def json_text(data: object) -> str:
    """Request bodies for the Web API client's session: orjson writes a Block Kit answer
    several times faster than the standard library (aiohttp wants text, not bytes)."""
    return orjson.dumps(data).decode()


def client_logger() -> logging.Logger:
    """slack-sdk's Web API logger, with its level set to the level the bot runs at.

    slack-sdk decides whether to write a request's and a response's debug line from the
    logger's own level (``logger.level <= DEBUG``), not its effective one; left unset
    (0), it formats every request body and response into a string that is then not
    logged. With the level set, it formats them only when they are logged.
    """
    logger = logging.getLogger("slack_sdk.web.async_base_client")
    logger.setLevel(logging.getLogger().getEffectiveLevel())
    return logger


def retry_handlers() -> list[AsyncRetryHandler]:
    handlers = async_default_handlers()  # connection errors, retried once
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
        retry_handlers=retry_handlers(),
        logger=client_logger(),
    )


def build_app(core: Core, client: AsyncWebClient) -> AsyncApp:
    """The bolt app: its listeners, and signature checks for HTTP mode.

    ``signing_secret`` is always passed (empty in Socket Mode, where bolt does not check
    signatures) so bolt never reads it from the environment behind the settings' back.
    """
    secret = core.settings.slack_signing_secret
    app = AsyncApp(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        name="workshop-bot",
    )
    Listeners(core).register(app, core.settings.slack_command)
    return app


def repair_form_body(request: AsyncBoltRequest) -> None:
    """Undo bolt's misreading of form bodies that contain the word "payload".

    slack-bolt 1.30 takes any non-JSON body containing "payload" for an interactivity
    request (``payload=<json>``); a slash command like ``/workshop search payload``
    then arrives as ``{}`` and is answered 404. A form without a ``payload`` field is
    parsed again as the plain form it is.
    """
    if request.body or request.content_type != FORM or "payload" not in request.raw_body:
        return
    fields = dict(parse_qsl(request.raw_body, keep_blank_values=True))
    if fields and "payload" not in fields:
        request.body = fields
        request.context = build_async_context(AsyncBoltContext({}), fields)


class SlackAdapter:
    """Serves one Slack workspace until cancelled, sends reminders into it, and hosts
    the Q&A threads there."""

    name = "slack"
    platform = "slack"
    fallback = False

    def __init__(self, core: Core) -> None:
        self.core = core
        self.socket_mode = core.settings.slack_app_token is not None
        self.ready = asyncio.Event()  # set once Slack can reach the bot
        self.url: str | None = None  # the HTTP endpoint, in HTTP mode
        self.send_rate = core.settings.slack_send_rate
        self._delivery: SlackDelivery | None = None
        self._threads: SlackThreads | None = None

    async def _wait_ready(self) -> bool:
        try:
            await asyncio.wait_for(self.ready.wait(), READY_WAIT)
        except TimeoutError:
            return False
        return True

    async def _connected(self) -> SlackDelivery:
        """Reminders wait (briefly) for the adapter to be connected."""
        if not await self._wait_ready():
            raise DeliveryError("Slack is not connected", permanent=False)
        assert self._delivery is not None
        return self._delivery

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
            self._delivery = SlackDelivery(client)
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
            return (await client.auth_test()).data  # type: ignore[return-value]
        except SlackApiError as exc:
            raise SlackStartupError(
                f"auth.test failed: {exc.response.get('error')} (check SLACK_BOT_TOKEN)"
            ) from None

    async def _serve_http(self, app: AsyncApp, identity: str) -> None:
        async def handle(request: web.Request) -> web.Response:
            bolt_request = await to_bolt_request(request)
            repair_form_body(bolt_request)
            return await to_aiohttp_response(await app.async_dispatch(bolt_request))

        server = web.Application()
        server.router.add_post(EVENTS_PATH, handle)
        # No access log: one line per Slack request would drown the bot's own lines.
        runner = web.AppRunner(server, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        try:
            settings = self.core.settings
            await web.TCPSite(runner, settings.bot_http_host, settings.bot_http_port).start()
            host, port = runner.addresses[0][:2]
            self.url = f"http://{host}:{port}{EVENTS_PATH}"
            log.info("Slack adapter ready: HTTP mode on %s, bot %s", self.url, identity)
            self.ready.set()
            await asyncio.Event().wait()  # serve until cancelled
        finally:
            await runner.cleanup()

    async def _serve_socket_mode(
        self, app: AsyncApp, client: AsyncWebClient, identity: str
    ) -> None:
        token = self.core.settings.slack_app_token
        assert token is not None
        handler = AsyncSocketModeHandler(app, app_token=token.get_secret_value())
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
