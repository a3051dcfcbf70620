"""Two ``workshop-bot run`` processes behind a round-robin load balancer, as README
"Scaling out" deploys them: one PostgreSQL, Slack HTTP mode, the loopback fake Slack.

Every event, command and button press is acted on once across the instances, whichever
instance gets it and however often Slack sends it; a timezone saved through one
instance is used by the other within a second, although both poll only every ten
minutes here (BOT_RELOAD_POLL=600): the change notification is what carries it.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import aiohttp
import pytest

from bot.messages import APOLOGY
from bot.store import qa as store
from bot.store.database import Database
from tests.fakes.round_robin import RoundRobinProxy
from tests.fakes.slack_server import FakeSlack, JsonDict, PostResult, SignedPoster
from tests.scale_out.conftest import (
    WITHIN,
    Bot,
    Start,
    command,
    in_thread,
    item_ids,
    keynote_and_turing,
    threads,
    upvote_press,
)
from tests.slack.conftest import SECRET

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="needs PostgreSQL: set TEST_DATABASE_URL")

SLOW_POLL = "600"  # BOT_RELOAD_POLL: no poll explains anything that arrives within a test
ASKERS = 240
RACED = 40  # events sent to both instances at the same moment
IN_FLIGHT = 24  # requests the "load balancer" has open at once
QUESTIONS = ("what's on now?", "when is machines", "who talks about engines", "agenda",
             "what's next?", "when is the coffee break", "who is Ada Lovelace", "help",
             "when does turing speak", "how long is machines", "wots on", "papers",
             "what's after the keynote?", "first talk?", "when is lovelace on")
QUIET = 1.0  # seconds a second answer would have had to arrive in


def base(bot: Bot) -> str:
    """The instance's own address, as the load balancer knows it."""
    return bot.poster.url.removesuffix("/slack/events")


@pytest.fixture
async def pair(start: Start) -> tuple[Bot, Bot]:
    one = await start("one", BOT_RELOAD_POLL=SLOW_POLL)
    two = await start("two", BOT_RELOAD_POLL=SLOW_POLL)
    return one, two


@pytest.fixture
async def proxy(pair: tuple[Bot, Bot]) -> AsyncIterator[RoundRobinProxy]:
    async with RoundRobinProxy([base(bot) for bot in pair]) as balancer:
        yield balancer


@pytest.fixture
def front(proxy: RoundRobinProxy, session: aiohttp.ClientSession) -> SignedPoster:
    """What Slack posts to: the load balancer's /slack/events."""
    return SignedPoster(session, proxy.url + "/slack/events", SECRET)


async def bounded(requests: list[Awaitable[PostResult]]) -> list[PostResult]:
    """Send the requests with at most IN_FLIGHT open at once, as Slack's senders do."""
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(request: Awaitable[PostResult]) -> PostResult:
        async with gate:
            return await request

    return await asyncio.gather(*(one(r) for r in requests))


def answers_in(fake: FakeSlack, channels: list[str]) -> Counter[str]:
    """How many messages the bot posted in each channel."""
    return Counter({channel: len(fake.posted(channel)) for channel in channels})


async def until_answered(fake: FakeSlack, channels: list[str]) -> None:
    await fake.wait_until(lambda: all(fake.posted(c) for c in channels) or None,
                          what=f"an answer in each of {len(channels)} channels", within=60)


def mentions(fake: FakeSlack, prefix: str, count: int) -> tuple[list[str], list[JsonDict]]:
    """``count`` people, each mentioning the bot in a channel of their own with a
    different question from QUESTIONS."""
    channels = [f"C{prefix}{n:04d}" for n in range(count)]
    payloads = [fake.app_mention(f"<@{fake.bot_user_id}> {QUESTIONS[n % len(QUESTIONS)]}",
                                 user=f"U{prefix}{n:04d}", channel=channel)
                for n, channel in enumerate(channels)]
    return channels, payloads


async def test_every_event_is_answered_once_across_two_instances(
        fake: FakeSlack, pair: tuple[Bot, Bot], proxy: RoundRobinProxy,
        front: SignedPoster) -> None:
    channels, payloads = mentions(fake, "CROWD", ASKERS)
    sent = await bounded([front.event(p) for p in payloads])
    assert [r.status for r in sent] == [200] * ASKERS
    await until_answered(fake, channels)
    # Both instances did their share, and every asker got one answer, none the apology.
    shares = Counter(s.upstream for s in proxy.served)
    assert shares == {0: ASKERS // 2, 1: ASKERS // 2}
    assert answers_in(fake, channels) == dict.fromkeys(channels, 1)
    texts = [fake.posted(c)[0]["text"] for c in channels]
    assert not [t for t in texts if APOLOGY in t]

    # Slack retries each event; every retry reaches the instance that did not answer it.
    mark = fake.mark()
    by_body = {s.body: s.upstream for s in proxy.served}
    retries = []
    for payload in payloads:
        [original] = [body for body in by_body if payload["event_id"].encode() in body]
        other = pair[1 - by_body[original]]
        retries.append(other.poster.event(payload, retry_num=1))
    assert [r.status for r in await bounded(retries)] == [200] * ASKERS
    await fake.assert_no_call("chat.postMessage", since=mark, during=QUIET)

    # The hardest case: the same event reaching both instances at the same moment.
    channels, payloads = mentions(fake, "RACE", RACED)
    raced = await asyncio.gather(*(bot.poster.event(p, retry_num=n)
                                   for p in payloads for n, bot in enumerate(pair)))
    assert [r.status for r in raced] == [200] * (2 * RACED)
    await until_answered(fake, channels)
    await asyncio.sleep(QUIET)
    assert answers_in(fake, channels) == dict.fromkeys(channels, 1)


async def test_a_command_and_a_button_press_are_acted_on_once(
        fake: FakeSlack, pair: tuple[Bot, Bot], db: Database) -> None:
    one, two = pair
    assert await command(fake, one, "qa setup") == \
        "Q&A threads on slack: 3 created, 0 already there, 0 recreated."

    # The same slash command (one trigger_id) delivered to both instances at once.
    key = "twice"
    form = fake.slash_command(text="when is machines", user="U0ASKER", channel="C0GENERAL",
                              response_url=fake.response_url(key))
    both = await asyncio.gather(one.poster.command(form), two.poster.command(form))
    assert [r.status for r in both] == [200, 200]
    await fake.wait_until(lambda: [p for p in fake.response_posts if p.key == key] or None,
                          what="the command's answer", within=WITHIN)
    await asyncio.sleep(QUIET)
    [answer] = [p for p in fake.response_posts if p.key == key]
    assert "Machines" in answer.body["text"]

    # A question asked through one instance; its Upvote button pressed once, with the
    # press delivered to both: one answer, one vote.
    keynote, _ = keynote_and_turing(await threads(db), await item_ids(db))
    await in_thread(fake, one, keynote, "Why brass?", user="U0BOB")
    asked = await command(fake, two, "ask engines: Does it run on steam?", user="U0CAROL")
    assert asked == "Thanks! Your question is #2 for “Engines”."
    key = "press"
    press = upvote_press(fake, keynote, user="U0GAIL", key=key)
    pressed = await asyncio.gather(one.poster.interaction(press), two.poster.interaction(press))
    assert [r.status for r in pressed] == [200, 200]
    await fake.wait_until(lambda: [p for p in fake.response_posts if p.key == key] or None,
                          what="the press's answer", within=WITHIN)
    await asyncio.sleep(QUIET)
    [answer] = [p for p in fake.response_posts if p.key == key]
    assert answer.body["text"] == "👍 Counted: you upvoted #2 (now 1)."
    assert await store.voters(db, 2, "slack") == {"U0GAIL"}


async def test_a_timezone_saved_through_one_instance_is_used_by_the_other_at_once(
        fake: FakeSlack, pair: tuple[Bot, Bot], front: SignedPoster) -> None:
    one, two = pair
    berlin = await command(fake, two, "when is machines", user="U0TRAVEL")
    assert "10:45" in berlin, berlin  # the program's zone, before anything is saved
    saved = await command(fake, one, "tz Asia/Tokyo", user="U0TRAVEL")
    assert "Asia/Tokyo" in saved, saved
    told = time.monotonic()
    while True:
        asked = time.monotonic() - told
        answer = await command(fake, two, "when is machines", user="U0TRAVEL")
        if "17:45" in answer:
            break
        assert asked < 1.0, f"still not in Tokyo time after {asked:.2f} s: {answer!r}"
        await asyncio.sleep(0.05)
    # Through the load balancer, both instances now answer in Tokyo time.
    for n in range(2):
        channel = f"C0TOKYO{n}"
        payload = fake.app_mention(f"<@{fake.bot_user_id}> when is machines", user="U0TRAVEL",
                                   channel=channel)
        assert (await front.event(payload)).status == 200
        await fake.wait_until(lambda c=channel: fake.posted(c) or None, what="the answer",
                              within=WITHIN)
        assert "17:45" in fake.posted(channel)[0]["text"]
    assert "Change notifications: listening" in one.logged()
    assert "Change notifications: listening" in two.logged()


async def test_a_reminder_asked_for_through_one_instance_is_sent_once(
        fake: FakeSlack, start: Start) -> None:
    # Both clocks start 20 s before Machines' reminder is due (15 min before 10:45).
    at = "2024-05-06T10:29:40+02:00"
    one = await start("one", at=at, BOT_RELOAD_POLL=SLOW_POLL)
    two = await start("two", at=at, BOT_RELOAD_POLL=SLOW_POLL)
    said = await command(fake, one, "remind machines 15m", user="U0FAN")
    assert "Machines" in said and "15 min" in said, said

    def reminders() -> list[dict[str, Any]]:
        channel = fake.dm_channels.get("U0FAN")
        return fake.posted(channel) if channel else []

    await fake.wait_until(lambda: reminders() or None, what="the reminder", within=60)
    await asyncio.sleep(QUIET)
    [reminder] = reminders()
    assert "Machines" in reminder["text"], reminder
    assert "Traceback" not in one.logged() + two.logged()


async def test_each_instance_reports_its_health_to_the_load_balancer(
        pair: tuple[Bot, Bot], proxy: RoundRobinProxy, session: aiohttp.ClientSession
) -> None:
    healthy = {"healthy": True, "database": "ok", "reminders": "ok",
               "change notifications": "ok", "slack": "connected"}
    states: list[dict[str, Any]] = []
    async with asyncio.timeout(WITHIN):
        while states[-2:] != [healthy, healthy]:  # the last two: one from each instance
            async with session.get(proxy.url + "/healthz") as response:
                assert response.status == 200  # healthy while starting too
                states.append(await response.json())
                assert states[-1]["change notifications"] == "ok"  # listening before ready
                assert states[-1]["reminders"] in ("starting", "ok")
    assert Counter(s.upstream for s in proxy.served[-2:]) == {0: 1, 1: 1}
    for bot in pair:  # a clean start says nothing to worry about (bolt's token warning)
        assert [line for line in bot.logged().splitlines() if " WARNING " in line] == []
