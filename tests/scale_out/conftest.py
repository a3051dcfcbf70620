"""Real ``workshop-bot run`` processes on one PostgreSQL database (the CI server), in
Slack HTTP mode against the loopback fake Slack: what the multi-process tests share.

Every test here is skipped without TEST_DATABASE_URL: more than one process needs
PostgreSQL (README "Scaling out").
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import aiohttp
import pytest
from sqlmodel import select

from bot.store import qa as store
from bot.store.database import Database
from bot.store.tables import Item
from tests.conftest import _reset_postgres
from tests.fakes.slack_server import ApiCall, FakeSlack, SignedPoster
from tests.slack.conftest import BOT_TOKEN, SECRET
from tests.slack.test_cli import environment
from tests.slack.test_qa import MORNING, QA, SLACK_QA_PROGRAM, unescape
from tests.support import wait_until

READY = re.compile(r"Slack adapter ready: (?:HTTP mode on (\S+),|Socket Mode)")
START_WITHIN = 30.0
WITHIN = 10.0
POLL = "1"  # BOT_RELOAD_POLL: how often the bots look for threads made elsewhere


@pytest.fixture
async def pg(postgres_url: str | None) -> str:
    assert postgres_url is not None  # the module is skipped without TEST_DATABASE_URL
    await _reset_postgres(postgres_url)
    return postgres_url


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "program.yaml"
    path.write_text(SLACK_QA_PROGRAM)
    return path


@pytest.fixture
async def db(pg: str) -> AsyncIterator[Database]:
    """The test's own connection, to see what the processes stored."""
    database = Database(pg)
    yield database
    await database.dispose()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


def _env(fake: FakeSlack, pg: str, program: Path) -> dict[str, str]:
    return environment(DATABASE_URL=pg, BOT_PROGRAM=str(program), SLACK_BOT_TOKEN=BOT_TOKEN,
                       SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url,
                       BOT_HTTP_HOST="127.0.0.1", BOT_HTTP_PORT="0", BOT_RELOAD_POLL=POLL,
                       LOG_LEVEL="INFO")


@dataclass
class Bot:
    """A ``workshop-bot run`` process and the signed requests Slack would send it."""

    process: asyncio.subprocess.Process
    log: Path
    poster: SignedPoster

    def logged(self) -> str:
        return self.log.read_text(errors="replace")


class Start(Protocol):
    """Starts a bot process named ``name`` with its clock from ``at``; ``settings`` are
    added to its environment."""

    def __call__(self, name: str, *, at: str = MORNING, **settings: str) -> Awaitable[Bot]: ...


@pytest.fixture
async def start(fake: FakeSlack, pg: str, program: Path, tmp_path: Path,
                session: aiohttp.ClientSession) -> AsyncIterator[Start]:
    """Start a bot process; at the end each is stopped as by a service manager (SIGTERM),
    must exit 0 and must have logged no traceback."""
    bots: list[Bot] = []

    async def started(name: str, *, at: str = MORNING, **settings: str) -> Bot:
        log = tmp_path / f"{name}.log"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--at", at, cwd=tmp_path,
            env={**_env(fake, pg, program), **settings}, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=log.open("w"))
        bot = Bot(process, log, SignedPoster(session, "", SECRET))
        bots.append(bot)

        def ready() -> bool:
            assert process.returncode is None, bot.logged()[-3000:]
            return READY.search(bot.logged()) is not None

        await wait_until(ready, START_WITHIN)
        found = READY.search(bot.logged())
        assert found is not None
        bot.poster.url = found[1] or ""  # Socket Mode: Slack reaches it over its socket
        return bot

    try:
        yield started
    finally:
        for bot in bots:
            if bot.process.returncode is None:
                bot.process.send_signal(signal.SIGTERM)
        for bot in bots:
            try:
                code = await asyncio.wait_for(bot.process.wait(), 20)
            except TimeoutError:
                bot.process.kill()
                await bot.process.wait()
                raise
            assert code == 0, bot.logged()[-3000:]
            assert "Traceback" not in bot.logged(), bot.logged()[-3000:]


async def qa_setup(fake: FakeSlack, pg: str, program: Path, tmp_path: Path) -> str:
    """``workshop-bot qa setup`` in a process of its own; what it printed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "qa", "setup", cwd=tmp_path,
        env={**_env(fake, pg, program), "LOG_LEVEL": "WARNING"},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    return out.decode().strip()


async def command(fake: FakeSlack, bot: Bot, text: str, *, user: str = "U0MOD") -> str:
    """A slash command to ``bot``; its answer as the asker reads it."""
    key = f"r{len(fake.response_posts)}-{user}"
    form = fake.slash_command(text=text, user=user, channel="C0GENERAL",
                              response_url=fake.response_url(key))
    assert (await bot.poster.command(form)).status == 200
    post = await fake.wait_until(
        lambda: next((p for p in fake.response_posts if p.key == key), None),
        what=f"the answer to /workshop {text}", within=WITHIN)
    return unescape(post.body["text"])


async def in_thread(fake: FakeSlack, bot: Bot, thread_ts: str, text: str, *, user: str
                    ) -> tuple[str, ApiCall]:
    """A person's reply in a Q&A thread, sent to ``bot``: its ts and the bot's answer."""
    def answers() -> list[ApiCall]:
        return [c for c in fake.calls_for("chat.postMessage", ok_only=True)
                if c.args.get("thread_ts") == thread_ts
                and str(c.args.get("text", "")).startswith(("Thanks!", "Sorry"))]

    before = len(answers())
    payload = fake.message_event(text, user=user, channel=QA, channel_type="channel",
                                 thread_ts=thread_ts)
    assert (await bot.poster.event(payload)).status == 200
    call = await fake.wait_until(lambda: answers()[before] if len(answers()) > before
                                 else None, what=f"the answer to {text!r}", within=WITHIN)
    return payload["event"]["ts"], call


async def threads(db: Database) -> dict[int, str]:
    """Item id -> its Slack thread's parent ts, as stored."""
    return {t.item_id: t.thread_id for t in await store.threads(db, "slack")}


def link(fake: FakeSlack, ts: str) -> str:
    return f"https://{fake.team_domain}.slack.com/archives/{QA}/p{ts.replace('.', '')}"


async def until_linked(fake: FakeSlack, bot: Bot, question: str, url: str) -> str:
    """Ask until the answer links ``url`` (the bot's poll brings it); the last answer."""
    last = ""

    async def linked() -> None:
        nonlocal last
        while not (last := await command(fake, bot, question)).endswith(url):  # noqa: ASYNC110
            await asyncio.sleep(0.2)  # (the bot's poll has no event to wait on)

    try:
        await asyncio.wait_for(linked(), 20)
    except TimeoutError:
        raise AssertionError(f"{question!r} never linked {url}; it said {last!r}") from None
    return last


def keynote_and_turing(db_threads: dict[int, str], items: dict[str, int]) -> tuple[str, str]:
    return db_threads[items["keynote"]], db_threads[items["turing"]]


async def item_ids(db: Database) -> dict[str, int]:
    async with db.session() as session:
        return {i.slug: i.id for i in (await session.exec(select(Item))).all()
                if i.id is not None}




def upvote_press(fake: FakeSlack, thread_ts: str, *, user: str, key: str) -> dict[str, Any]:
    """A press by ``user`` of the Upvote button under the question the bot posted in the
    thread (its answer goes to the response_url ``key``)."""
    [posted] = [m for m in fake.thread_replies(QA, thread_ts) if m.get("blocks")
                and any(b["type"] == "actions" for b in m["blocks"])]
    [actions] = [b for b in posted["blocks"] if b["type"] == "actions"]
    [button] = actions["elements"]
    return fake.block_actions(button["action_id"], button["value"], user=user, channel=QA,
                              message_ts=posted["ts"], response_url=fake.response_url(key))
