"""A real ``workshop-bot run`` (Slack, Socket Mode, against the loopback Slack) whose
PostgreSQL connection goes through a proxy the test breaks: refused connections around
reminders' due time, and a server that accepts connections and never answers.

What must hold: schedule questions are answered throughout; commands that need the
database get the apology and nothing they asked for is half done; every reminder due
during the outage goes out exactly once after it when still inside the grace window,
and is dropped with a log line after it; the log says so in a few lines, no tracebacks.
PostgreSQL only (TEST_DATABASE_URL): the proxy sits between the bot and a real server.
"""

from __future__ import annotations

import asyncio
import collections
import os
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.app import open_core
from bot.store.tables import Subscription
from tests.conftest import _pg_execute, make_settings
from tests.fakes.pg_proxy import PgProxy
from tests.fakes.slack_server import FakeSlack
from tests.slack.conftest import APP_TOKEN, BOT_TOKEN
from tests.support import ManualClock, wait_until

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="needs PostgreSQL (TEST_DATABASE_URL)")

PROGRAM = """
version: 1
workshop: {id: fault-demo, name: Fault Demo, date: 2024-05-06, timezone: Europe/Berlin}
people:
  - {name: Ada Lovelace, slack_id: U0ADA}
channels:
  slack: {announcements: C0ANNOUNCE}
reminders: {announce: [15], speakers: [15], subscriber_default: 15}
schedule:
  - {id: keynote, kind: keynote, title: Engines, start: "2024-05-06T10:00:00+02:00",
     end: "2024-05-06T10:30:00+02:00", speakers: [Ada Lovelace]}
  - {id: turing, kind: other, title: Machines, start: "2024-05-06T10:45:00+02:00",
     end: "2024-05-06T11:15:00+02:00"}
"""
DUE = datetime.fromisoformat("2024-05-06T09:45:00+02:00")  # every kind's T-15 for Engines
LEAD = 6.0  # real seconds between the bot's start and the reminders' due time
OUTAGE = 20.0  # real seconds the database refuses connections, around the due time
TARGETS = ("C0ANNOUNCE", "U0ADA", "U0EVE")  # announcement, speaker DM, subscriber DM


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A database of this test's own (each test's bot leaves reminders and votes)."""
    base = os.environ["TEST_DATABASE_URL"]
    name = f"wbfault_{uuid.uuid4().hex[:12]}"
    await _pg_execute(base, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        await _pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def proxy(postgres_url: str) -> AsyncIterator[PgProxy]:
    url = make_url(postgres_url)
    running = await PgProxy(url.host or "127.0.0.1", url.port or 5432).start()
    yield running
    await running.stop()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


async def _prepare(tmp_path: Path, database_url: str) -> Path:
    """The program, saved, and one subscriber to the keynote's T-15 reminder."""
    program = tmp_path / "program.yaml"
    program.write_text(PROGRAM)
    clock = ManualClock(datetime.fromisoformat("2024-05-06T09:00:00+02:00"))
    async with open_core(make_settings(database_url, program), clock) as core:
        keynote = core.catalog.current.program.by_slug["keynote"]
        async with core.db.session() as session:
            session.add(Subscription(item_id=keynote.id, platform="slack", user_id="U0EVE",
                                     offset_minutes=15, created_at=clock.now()))
            await session.commit()
    return program


async def _start_bot(tmp_path: Path, fake: FakeSlack, database_url: str, program: Path,
                     **settings: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BOT_", "DATABASE_URL", "SLACK_", "DISCORD_", "HTTP"))}
    env.update(BOT_WEB="false", DATABASE_URL=database_url, BOT_PROGRAM=str(program),
               SLACK_BOT_TOKEN=BOT_TOKEN,
               SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=fake.api_url, LOG_LEVEL="INFO",
               **settings)
    start = (DUE.timestamp() - LEAD)
    at = datetime.fromtimestamp(start, DUE.tzinfo).isoformat()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--at", at, cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=(tmp_path / "bot.log").open("a"),
    )
    await fake.wait_for_socket(within=30)
    return process


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 20) == 0


def _reminders(fake: FakeSlack) -> collections.Counter[str]:
    """How many reminders each target got (DMs are posted to the user's id)."""
    sent: collections.Counter[str] = collections.Counter()
    for call in fake.calls_for("chat.postMessage", ok_only=True):
        if call.args.get("channel") in TARGETS:
            sent[call.args["channel"]] += 1
    return sent


async def _ask(fake: FakeSlack, user: str, text: str) -> str:
    """A DM from ``user``; the bot's reply's text."""
    channel = "D" + user.lstrip("U")
    before = len(fake.calls_for("chat.postMessage"))
    await fake.send_envelope("events_api", fake.message_event(text, user=user, channel=channel))

    def replied() -> bool:
        return any(c.args.get("channel") == channel
                   for c in fake.calls_for("chat.postMessage")[before:])

    await wait_until(replied, seconds=30)
    [reply] = [c for c in fake.calls_for("chat.postMessage")[before:]
               if c.args.get("channel") == channel]
    return str(reply.args["text"])


def _log(tmp_path: Path) -> str:
    return (tmp_path / "bot.log").read_text()


async def test_reminders_due_while_the_database_refuses_go_out_once_after(
    fake: FakeSlack, proxy: PgProxy, postgres_url: str, tmp_path: Path
) -> None:
    program = await _prepare(tmp_path, postgres_url)
    bot = await _start_bot(tmp_path, fake, proxy.url(postgres_url), program)
    try:
        await proxy.set_mode("refuse")
        cut_at = asyncio.get_running_loop().time()
        # Schedule answers go on, for a user the bot has never seen (no saved zone known)
        answer = await _ask(fake, "U0NEW", "what's next?")
        assert "Engines" in answer and "10:00" in answer, answer
        # A command that needs the database says so and does nothing
        apology = await _ask(fake, "U0NEW", "remind me about Machines")
        assert "cannot reach my database" in apology and "Nothing was saved" in apology
        # Past the due time, still refused: nothing can have gone out
        await asyncio.sleep(max(0.0, cut_at + OUTAGE - asyncio.get_running_loop().time()))
        assert _reminders(fake) == {}
        await proxy.set_mode("pass")
        await wait_until(lambda: len(_reminders(fake)) == len(TARGETS), seconds=40)
        await asyncio.sleep(12)  # one more maintenance sweep: a repeat would come now
        assert _reminders(fake) == dict.fromkeys(TARGETS, 1), _log(tmp_path)[-3000:]
        # The subscription asked for during the outage was not made
        mine = await _ask(fake, "U0NEW", "my reminders")
        assert "You have no reminders" in mine and "Machines" not in mine, mine
    finally:
        await _stop(bot)
    log = _log(tmp_path)
    assert "Traceback" not in log, log[-3000:]
    # one line per part of the bot for the whole outage, not one per failed query
    noted = collections.Counter(line.split()[2] for line in log.splitlines()
                                if "The database is not answering" in line)
    assert noted and max(noted.values()) == 1, log[-3000:]


async def test_reminders_beyond_the_grace_window_are_dropped_with_a_line(
    fake: FakeSlack, proxy: PgProxy, postgres_url: str, tmp_path: Path
) -> None:
    program = await _prepare(tmp_path, postgres_url)
    bot = await _start_bot(tmp_path, fake, proxy.url(postgres_url), program,
                           BOT_REMINDER_GRACE="5")
    try:
        await proxy.set_mode("refuse")
        await asyncio.sleep(LEAD + 8)  # due, then more than the 5 s of grace
        await proxy.set_mode("pass")
        await wait_until(lambda: "more than 0:00:05 late" in _log(tmp_path), seconds=40)
        await asyncio.sleep(2)  # a send would have gone out with the drop
        assert _reminders(fake) == {}
    finally:
        await _stop(bot)
    log = _log(tmp_path)
    assert "Dropped 3 reminder(s)" in log, log[-3000:]
    assert "Traceback" not in log, log[-3000:]


async def test_a_stalled_database_does_not_hang_answers(
    fake: FakeSlack, proxy: PgProxy, postgres_url: str, tmp_path: Path
) -> None:
    program = await _prepare(tmp_path, postgres_url)
    bot = await _start_bot(tmp_path, fake, proxy.url(postgres_url), program)
    try:
        await proxy.set_mode("stall")
        answer = await _ask(fake, "U0OTHER", "what's on at 10:50?")
        assert "Machines" in answer, answer
        apology = await _ask(fake, "U0OTHER", "remind me about Machines")
        assert "cannot reach my database" in apology
        await proxy.set_mode("pass")
        await wait_until(lambda: len(_reminders(fake)) == len(TARGETS), seconds=40)
        done = await _ask(fake, "U0OTHER", "remind me about Machines")
        assert "remind you" in done and "Machines" in done, done
    finally:
        await _stop(bot)
    assert "Traceback" not in _log(tmp_path)
