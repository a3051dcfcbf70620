"""Fixtures for the Slack tests: the loopback fake, and the real adapter running on it.

``start_bot`` starts the adapter exactly as ``workshop-bot run`` does, through the
``create(core.core)`` entry point and ``run()``, with settings that point ``SLACK_API_URL``
at the fake and the HTTP server at 127.0.0.1 port 0; so the production wiring is what
is tested. At teardown the adapter is cancelled like on shutdown, and the test fails if
it had died, or if anything (an HTTP session, a socket, a task) was left unclosed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.slack import create
from adapters.slack.service import SlackAdapter
from bot.app import open_core
from bot.services import Services
from bot.settings import BUNDLED_PROGRAM
from tests.conftest import WORKSHOP_MORNING, make_settings
from tests.fakes.slack_server import FakeSlack, SignedPoster
from tests.support import ManualClock

BOT_TOKEN = "xoxb-test-bot-token"
APP_TOKEN = "xapp-1-A0FAKE-test"
SECRET = "test-signing-secret"
START_WITHIN = 5.0
STOP_WITHIN = 5.0
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
LEAK_SIGNS = ("Unclosed", "Task was destroyed", "never retrieved")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def no_leaks() -> Iterator[None]:
    """Fail on "Unclosed client session", "Task was destroyed" and the like."""
    collect = _Collect()
    logging.getLogger("asyncio").addHandler(collect)
    yield
    gc.collect()
    logging.getLogger("asyncio").removeHandler(collect)
    leaks = [m for m in collect.messages if any(sign in m for sign in LEAK_SIGNS)]
    assert not leaks, leaks


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack-sdk sends even loopback requests through HTTP(S)_PROXY (it ignores NO_PROXY)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


@dataclass
class RunningBot:
    """The adapter serving on the fake, and what the tests need to talk to it."""

    adapter: SlackAdapter
    core: Services
    clock: ManualClock
    task: asyncio.Task[None]
    poster: SignedPoster

    async def stop(self) -> None:
        """Shut down as on SIGTERM: cancel run() and wait for it to clean up."""
        if not self.task.done():
            self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.task, STOP_WITHIN)


StartBot = Callable[..., Awaitable[RunningBot]]


async def wait_ready(adapter: SlackAdapter, task: asyncio.Task[None]) -> None:
    """Until the adapter is serving; its own error if it failed to start."""
    ready = asyncio.create_task(adapter.ready.wait())
    done, _ = await asyncio.wait({ready, task}, timeout=START_WITHIN,
                                 return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    if task in done:
        task.result()  # raises the start-up error
        raise AssertionError("the adapter returned before it was ready")
    assert ready in done, f"the adapter was not ready within {START_WITHIN}s"


@pytest.fixture
async def start_bot(fake: FakeSlack, sqlite_url: str) -> AsyncIterator[StartBot]:
    """Start the adapter (HTTP mode unless socket_mode=True); extra keywords are settings."""
    running: list[RunningBot] = []
    async with contextlib.AsyncExitStack() as stack:
        session = await stack.enter_async_context(aiohttp.ClientSession())

        async def start(
            *, socket_mode: bool = False, program: Path = BUNDLED_PROGRAM,
            at: str = WORKSHOP_MORNING, **settings: Any,
        ) -> RunningBot:
            mode = {"slack_app_token": APP_TOKEN} if socket_mode else {
                "slack_signing_secret": SECRET}
            config = make_settings(
                sqlite_url, program, slack_bot_token=BOT_TOKEN, slack_api_url=fake.api_url,
                bot_http_host="127.0.0.1", bot_http_port=0, **{**mode, **settings},
            )
            clock = ManualClock(datetime.fromisoformat(at))
            core = await stack.enter_async_context(open_core(config, clock))
            adapter = create(core.core)
            assert isinstance(adapter, SlackAdapter)
            task = asyncio.create_task(adapter.run(), name="slack-adapter")
            await wait_ready(adapter, task)
            poster = SignedPoster(session, adapter.url or "", SECRET)
            bot = RunningBot(adapter, core, clock, task, poster)
            running.append(bot)
            return bot

        yield start
        for bot in running:
            died = bot.task.done() and not bot.task.cancelled() and bot.task.exception()
            await bot.stop()
            assert not died, f"the adapter died during the test: {died!r}"
        # the fake is stopped after the adapters (its fixture was set up first)


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """The adapter in HTTP mode, at 10:15 in Los Angeles on the workshop day."""
    return await start_bot()
