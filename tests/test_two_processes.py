"""Two processes on one PostgreSQL database, as organisers run them, against the loopback
Slack: real ``workshop-bot run`` processes in HTTP mode, and ``workshop-bot qa setup``
run beside one of them as the README says to.

(a) While the bot runs, a second process sets the Q&A threads up, then makes two of them
    again: a question posted right away in a thread the other process made is
    acknowledged and stored, and the running bot's "about" answers link the new threads
    (within its poll, BOT_RELOAD_POLL, here 1 s), never the replaced ones after that.
(b) Two bots on one database: a question asked through one and votes cast through the
    other (a 👍, the Upvote button) are all counted once; both link the same threads.

Skipped without TEST_DATABASE_URL (SQLite's two-process case is in tests/slack/test_qa.py).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="needs PostgreSQL: set TEST_DATABASE_URL")

READY = re.compile(r"Slack adapter ready: HTTP mode on (\S+),")
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


Start = Callable[[str], Awaitable[Bot]]


@pytest.fixture
async def start(fake: FakeSlack, pg: str, program: Path, tmp_path: Path,
                session: aiohttp.ClientSession) -> AsyncIterator[Start]:
    """Start a bot process; at the end each is stopped as by a service manager (SIGTERM),
    must exit 0 and must have logged no traceback."""
    bots: list[Bot] = []

    async def started(name: str) -> Bot:
        log = tmp_path / f"{name}.log"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--at", MORNING, cwd=tmp_path,
            env=_env(fake, pg, program), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=log.open("w"))
        bot = Bot(process, log, SignedPoster(session, "", SECRET))
        bots.append(bot)

        def ready() -> bool:
            assert process.returncode is None, bot.logged()[-3000:]
            return READY.search(bot.logged()) is not None

        await wait_until(ready, START_WITHIN)
        found = READY.search(bot.logged())
        assert found is not None
        bot.poster.url = found[1]
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


async def test_qa_setup_beside_a_running_bot(
        fake: FakeSlack, pg: str, program: Path, tmp_path: Path, db: Database,
        start: Start) -> None:
    bot = await start("bot")
    unlinked = await command(fake, bot, "about machines")
    assert "Machines" in unlinked and "Questions for the speakers" not in unlinked, unlinked
    said = await qa_setup(fake, pg, program, tmp_path)
    assert said == "Q&A threads on slack: 3 created, 0 already there, 0 recreated."
    items = await item_ids(db)
    keynote, turing = keynote_and_turing(await threads(db), items)

    # At once: a question in a thread the other process made is taken.
    ts, ack = await in_thread(fake, bot, keynote, "Made elsewhere?", user="U0BOB")
    assert ack.args["text"] == "Thanks! Your question is #1 for “Engines”."
    stored = await store.question_by_message(db, "slack", ts)
    assert stored is not None and (stored.id, stored.text) == (1, "Made elsewhere?")
    await until_linked(fake, bot, "about machines", link(fake, turing))

    # The parents of both are deleted on Slack, and the other process posts them again.
    assert fake.delete_message(QA, keynote) and fake.delete_message(QA, turing)
    said = await qa_setup(fake, pg, program, tmp_path)
    assert said == "Q&A threads on slack: 0 created, 1 already there, 2 recreated."
    new_keynote, new_turing = keynote_and_turing(await threads(db), items)
    assert new_keynote != keynote and new_turing != turing
    ts, ack = await in_thread(fake, bot, new_keynote, "Still taken?", user="U0CAROL")
    assert ack.args["text"] == "Thanks! Your question is #2 for “Engines”."
    stored = await store.question_by_message(db, "slack", ts)
    assert stored is not None and (stored.id, stored.text) == (2, "Still taken?")

    # The links follow, and once they have, the replaced threads are never linked again.
    await until_linked(fake, bot, "about machines", link(fake, new_turing))
    for _ in range(3):
        assert (await command(fake, bot, "about machines")).endswith(link(fake, new_turing))
    assert (await command(fake, bot, "about engines")).endswith(link(fake, new_keynote))


async def test_two_bots_count_a_question_and_its_votes_once(
        fake: FakeSlack, db: Database, start: Start) -> None:
    one, two = await start("one"), await start("two")
    said = await command(fake, one, "qa setup")
    assert said == "Q&A threads on slack: 3 created, 0 already there, 0 recreated."
    items = await item_ids(db)
    keynote, turing = keynote_and_turing(await threads(db), items)

    # Asked through one, voted for through the other (a 👍 in the thread) and back.
    ts, ack = await in_thread(fake, one, keynote, "Why brass?", user="U0BOB")
    assert ack.args["text"] == "Thanks! Your question is #1 for “Engines”."
    assert (await two.poster.event(fake.reaction_event(QA, ts, user="U0EVE"))).status == 200
    assert (await one.poster.event(fake.reaction_event(QA, ts, user="U0FAN"))).status == 200

    async def voters(number: int) -> set[str]:
        return await store.voters(db, number, "slack")

    async def until_voters(number: int, expected: set[str]) -> None:
        async with asyncio.timeout(WITHIN):
            while await voters(number) != expected:  # noqa: ASYNC110 (a database read)
                await asyncio.sleep(0.05)

    await until_voters(1, {"U0EVE", "U0FAN"})

    # "ask" through two posts into the thread one set up; its Upvote button, pressed
    # through one, counts.
    asked = await command(fake, two, "ask engines: Does it run on steam?", user="U0CAROL")
    assert asked == "Thanks! Your question is #2 for “Engines”."
    [posted] = [m for m in fake.thread_replies(QA, keynote) if m.get("blocks")
                and any(b["type"] == "actions" for b in m["blocks"])]
    [actions] = [b for b in posted["blocks"] if b["type"] == "actions"]
    [button] = actions["elements"]
    key = "press-U0GAIL"
    press: dict[str, Any] = fake.block_actions(button["action_id"], button["value"],
                                               user="U0GAIL", channel=QA,
                                               message_ts=posted["ts"],
                                               response_url=fake.response_url(key))
    assert (await one.poster.interaction(press)).status == 200
    pressed = await fake.wait_until(
        lambda: next((p for p in fake.response_posts if p.key == key), None),
        what="the answer to the press", within=WITHIN)
    assert pressed.body["text"] == "👍 Counted: you upvoted #2 (now 1)."
    await until_voters(2, {"U0GAIL"})

    # Both see the same queue and link the same threads.
    for bot in (one, two):
        top = (await command(fake, bot, "qa top engines", user="U0ZED")).splitlines()
        assert top == ["Top questions for “Engines”:", "#1 · 2 👍 · slack · “Why brass?”",
                       "#2 · 1 👍 · slack · “Does it run on steam?”"]
        await until_linked(fake, bot, "about engines", link(fake, keynote))
        await until_linked(fake, bot, "about machines", link(fake, turing))
    assert len(fake.top_level(QA)) == 3  # one parent per item, whichever bot set them up
