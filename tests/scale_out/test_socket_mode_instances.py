"""Two ``workshop-bot run`` processes in Socket Mode on one PostgreSQL database: Slack
spreads an app's envelopes over its open sockets (up to 10) and redelivers an event it
thinks was not acknowledged, possibly on another socket. Each event and each slash
command is acted on once, whichever process's socket it comes in on."""

from __future__ import annotations

import asyncio
import os

import pytest

from tests.fakes.slack_server import FakeSlack
from tests.scale_out.conftest import WITHIN, Start
from tests.slack.conftest import APP_TOKEN

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="needs PostgreSQL: set TEST_DATABASE_URL")
QUIET = 1.0  # seconds a second answer would have had to arrive in
EVENTS = 30


async def test_an_event_sent_to_both_sockets_is_answered_once(fake: FakeSlack,
                                                              start: Start) -> None:
    await start("one", SLACK_APP_TOKEN=APP_TOKEN)
    await start("two", SLACK_APP_TOKEN=APP_TOKEN)
    await fake.wait_until(lambda: fake.socket_count == 2 or None, what="two sockets",
                          within=WITHIN)
    channels = [f"C0SOCK{n:03d}" for n in range(EVENTS)]
    for n, channel in enumerate(channels):
        payload = fake.app_mention(f"<@{fake.bot_user_id}> when is machines",
                                   user=f"U0SOCK{n:03d}", channel=channel)
        # the first delivery on one socket, Slack's retry on the other (at once: a race)
        await asyncio.gather(fake.send_envelope("events_api", payload, socket=n % 2),
                             fake.send_envelope("events_api", payload, socket=1 - n % 2,
                                                retry_attempt=1))
    await fake.wait_until(lambda: all(fake.posted(c) for c in channels) or None,
                          what="an answer in every channel", within=WITHIN)
    await asyncio.sleep(QUIET)
    assert {c: len(fake.posted(c)) for c in channels} == dict.fromkeys(channels, 1)
    assert all("Machines" in fake.posted(c)[0]["text"] for c in channels)

    # A slash command's envelope on both sockets: one answer through its response_url.
    key = "both-sockets"
    form = fake.slash_command(text="when is machines", user="U0CMD", channel="C0GENERAL",
                              response_url=fake.response_url(key))
    await asyncio.gather(*(fake.send_envelope("slash_commands", dict(form), socket=n)
                           for n in range(2)))
    await fake.wait_until(lambda: [p for p in fake.response_posts if p.key == key] or None,
                          what="the command's answer", within=WITHIN)
    await asyncio.sleep(QUIET)
    assert len([p for p in fake.response_posts if p.key == key]) == 1
