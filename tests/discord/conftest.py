"""The Discord adapter, end to end: the real discord.py client, started through the
adapter's own ``create(core.core)``/``run()``, against the loopback fake Discord.

Every test runs the bot inside :func:`running`, which afterwards proves what a silent
failure would hide: the client task was still alive at the end of the test (a KeyError
in a gateway parser ends it and leaves a deaf bot), stopping it the way the bot stops
(cancelling the adapter's task) closed the HTTP session and the heartbeat thread, the
patched discord.py globals were restored, and the event loop saw no stray errors
("Unclosed client session", "Task was destroyed but it is pending").
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord.gateway
import discord.http
import pytest

from adapters.discord import create
from adapters.discord.client import WorkshopClient
from adapters.discord.service import DiscordAdapter
from bot.app import open_core
from bot.services import Services
from tests.conftest import WORKSHOP_MORNING, make_settings
from tests.fakes.discord_server import FakeDiscord
from tests.support import ManualClock

TOKEN = "fake.bot.token"
WAIT = 5.0  # seconds any single wait may take before the test fails


@pytest.fixture(autouse=True)
def no_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse to resolve anything but loopback: nothing can reach discord.com by mistake."""
    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", "::1", None):
            raise OSError(f"a test tried to resolve {host!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN) as server:
        yield server
    assert not server.errors, f"the fake Discord raised: {server.errors!r}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.fromisoformat(WORKSHOP_MORNING))


@dataclass
class RunningBot:
    fake: FakeDiscord
    core: Services
    adapter: DiscordAdapter
    task: asyncio.Task[None]

    @property
    def client(self) -> WorkshopClient:
        return self.adapter.client


def keep_alive_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("keep-alive-handler")]


@contextlib.contextmanager
def loop_errors() -> Iterator[list[dict[str, Any]]]:
    loop = asyncio.get_running_loop()
    seen: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    try:
        yield seen
    finally:
        loop.set_exception_handler(previous)


async def until_ready(adapter: DiscordAdapter, task: asyncio.Task[None]) -> None:
    """Wait for READY, failing at once (with the real reason) if the client task ends."""
    ready = asyncio.create_task(adapter.client.ready_once.wait())
    done, _ = await asyncio.wait({ready, task}, timeout=WAIT,
                                 return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()  # raises the client's own error
            raise AssertionError("the adapter stopped before the client was ready")
        raise AssertionError(f"the client was not ready within {WAIT} s")


@contextlib.asynccontextmanager
async def running(fake: FakeDiscord, database_url: str, clock: ManualClock | None,
                  on_start: Callable[[RunningBot], None] | None = None,
                  api_url: str | None = None, **settings: Any) -> AsyncIterator[RunningBot]:
    """The bot on the bundled program, serving Discord through the fake; with ``clock``
    None, the clock comes from the settings (BOT_NOW, BOT_SPEED) as in production.
    ``on_start`` runs as soon as the adapter's task is created, before the client is
    ready (where ``bot.app.serve`` attaches the adapter and starts its background work).
    ``api_url`` (default: the fake's) is DISCORD_API_URL, e.g. ``fake.api_url_for(...)``.
    The shards of one process identify 0.05 s apart rather than Discord's 5 s."""
    saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    config = make_settings(database_url, discord_token=TOKEN,
                           discord_api_url=api_url or fake.api_url,
                           discord_gateway_url=fake.gateway_url, **settings)
    async with open_core(config, clock) as core:
        adapter = create(core.core, guild_ready_timeout=0.05, identify_interval=0.05)
        assert isinstance(adapter, DiscordAdapter)
        with loop_errors() as errors:
            task = asyncio.create_task(adapter.run(), name="adapter:discord")
            started = RunningBot(fake, core, adapter, task)
            try:
                if on_start is not None:
                    on_start(started)
                await until_ready(adapter, task)
                yield started
                await asyncio.sleep(0.01)  # let the last handlers finish
                if task.done():
                    ended = task.exception() if not task.cancelled() else "cancelled"
                    raise AssertionError(f"the client task died: {ended!r}")
            finally:
                task.cancel()  # how bot.app.serve stops adapters
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(task, WAIT)  # an error here was reported above
            session = adapter.client.http._HTTPClient__session  # type: ignore[attr-defined]
            assert session is discord.utils.MISSING or session.closed, "HTTP session left open"
            for thread in keep_alive_threads():
                thread.join(WAIT)
            assert not keep_alive_threads(), "the heartbeat thread is still running"
            restored = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
            assert restored == saved, "discord.py's endpoints were not restored"
            del adapter, task, started
            await asyncio.sleep(0)
        assert not errors, errors


@pytest.fixture
async def bot(fake: FakeDiscord, sqlite_url: str, clock: ManualClock
              ) -> AsyncIterator[RunningBot]:
    """The bot at 10:15 on the workshop morning, commands synced globally."""
    async with running(fake, sqlite_url, clock) as running_bot:
        yield running_bot
