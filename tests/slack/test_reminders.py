"""Reminders through the real Slack adapter: announcements with a "Remind me" button,
speaker and subscriber DMs carrying their ledger key in message metadata, the button
itself, recovery after a crash without a second post, 429s and closed DMs in a fan-out."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.messages import UserRef
from bot.store import ledger
from tests.fakes.slack_server import FakeSlack
from tests.slack.conftest import RunningBot, StartBot
from tests.support import wait_until
from tests.test_reminders import PROGRAM, at

SLACK_PROGRAM = PROGRAM.replace(
    'discord_id: "111111111111111111"}', 'discord_id: "111111111111111111", slack_id: U0ADA}'
).replace(
    'discord: {announcements: "900000000000000001"}',
    'discord: {announcements: "900000000000000001"}\n  slack: {announcements: C0ANNOUNCE}',
)
METADATA_TYPE = "workshop_bot_message"


@pytest.fixture
async def bot(start_bot: StartBot, tmp_path: Path) -> RunningBot:
    path = tmp_path / "program.yaml"
    path.write_text(SLACK_PROGRAM)
    running = await start_bot(program=path, at="2024-05-06T09:30:00+02:00")
    running.core.reminders.attach(running.adapter)  # as `workshop-bot run` does
    return running


async def test_announcement_with_a_remind_me_button_that_works(
    fake: FakeSlack, bot: RunningBot
) -> None:
    bot.clock.at = at("09:50")
    report = await bot.core.reminders.fire("announce", "keynote", 10)
    assert report.sent == 1
    [post] = fake.calls_for("chat.postMessage")
    assert post.args["channel"] == "C0ANNOUNCE"
    assert post.args["text"].startswith("📣 Starting soon: Engines, at 10:00 CEST (in 10 min).")
    assert post.args["metadata"]["event_type"] == METADATA_TYPE
    assert post.args["metadata"]["event_payload"]["key"].startswith("announce|keynote|")
    button = post.args["blocks"][-1]["elements"][0]
    assert (button["text"]["text"], button["value"]) == ("Remind me", "keynote")

    message = fake.posted("C0ANNOUNCE")[0]
    press = fake.block_actions(button["action_id"], "keynote", user="U0EVE",
                               channel="C0ANNOUNCE", message_ts=message["ts"])
    response = await bot.poster.interaction(press)
    assert response.status == 200
    answer = await fake.wait_for_response_post()
    assert answer.body["response_type"] == "ephemeral"
    assert answer.body["replace_original"] is False
    # 15 min before (the default) has passed: the button picks the next step, 5 min.
    assert "I'll remind you 5 min before “Engines”" in answer.body["text"]
    subscriptions = await bot.core.reminders.subscriptions(UserRef("slack", "U0EVE"))
    assert [(item.slug, offset) for item, offset in subscriptions] == [("keynote", 5)]


async def test_speaker_and_subscriber_dms(fake: FakeSlack, bot: RunningBot) -> None:
    keynote = bot.core.catalog.current.program.by_slug["keynote"]
    await bot.core.reminders.subscribe(UserRef("slack", "U0EVE"), keynote, 15)
    bot.clock.at = at("09:40")
    assert (await bot.core.reminders.fire("speaker", "keynote", 20)).sent == 1
    bot.clock.at = at("09:45")
    assert (await bot.core.reminders.fire("subscriber", "keynote", 15)).sent == 1
    ada, eve = fake.calls_for("chat.postMessage")
    assert ada.args["channel"] == "U0ADA"
    assert ada.args["text"].startswith(
        "🎤 Your session “Engines” starts at 10:00 CEST (in 20 min).")
    assert eve.args["channel"] == "U0EVE"
    assert eve.args["text"].startswith("⏰ Reminder: “Engines” starts at 10:00 CEST (in 15 min).")
    assert "<!date^" in eve.args["blocks"][0]["text"]["text"]  # each reader's own time
    assert len(fake.posted(fake.dm_channels["U0EVE"])) == 1


async def _claimed_by_a_dead_process(bot: RunningBot) -> str:
    """A speaker DM claimed by a process that died before recording the outcome."""
    keynote = bot.core.catalog.current.program.by_slug["keynote"]
    key = f"speaker|keynote|{keynote.start:%Y%m%dT%H%M%SZ}|slack|U0ADA|20"
    entry = ledger.Entry(key, "speaker", keynote.id, "slack", "U0ADA", at("09:40"), 20)
    await ledger.claim(bot.core.db, [entry], "dead", SystemClock().now() - timedelta(minutes=5))
    bot.clock.at = at("09:41")
    return key


async def test_a_message_slack_already_has_is_not_posted_again(
    fake: FakeSlack, bot: RunningBot
) -> None:
    key = await _claimed_by_a_dead_process(bot)
    dm = fake._dm_for("U0ADA")  # the dead process's post did reach Slack
    fake.add_message(dm, {"user": fake.bot_user_id, "bot_id": fake.bot_id, "text": "🎤 …",
                          "metadata": {"event_type": METADATA_TYPE,
                                       "event_payload": {"key": key}}})
    assert await bot.core.reminders.recover() == 1
    history = fake.calls_for("conversations.history")
    assert history and history[0].args["include_all_metadata"] in ("1", "true", True)
    assert fake.calls_for("chat.postMessage") == []
    assert await ledger.statuses(bot.core.db, [key]) == {key: "sent"}


async def test_a_message_slack_never_got_is_posted_once(fake: FakeSlack, bot: RunningBot) -> None:
    key = await _claimed_by_a_dead_process(bot)
    await bot.core.reminders.recover()
    [post] = fake.calls_for("chat.postMessage")
    assert post.args["metadata"]["event_payload"]["key"] == key
    await bot.core.reminders.recover()
    assert len(fake.calls_for("chat.postMessage")) == 1


async def test_fan_out_survives_429s_and_a_closed_dm(fake: FakeSlack, bot: RunningBot) -> None:
    keynote = bot.core.catalog.current.program.by_slug["keynote"]
    users = [f"U0FAN{n:02d}" for n in range(12)]
    for user in users:
        await bot.core.reminders.subscribe(UserRef("slack", user), keynote, 15)
    fake.rate_limit("chat.postMessage", times=3, retry_after=0)
    bot.clock.at = at("09:45")
    report = await bot.core.reminders.fire("subscriber", "keynote", 15)
    assert (report.sent, report.failed) == (12, 0)
    await wait_until(lambda: all(len(fake.posted(fake.dm_channels[u])) == 1 for u in users)
                     if all(u in fake.dm_channels for u in users) else False)
    assert sum(1 for c in fake.calls_for("chat.postMessage") if c.status == 429) == 3

    closed = "U0CLOSED"
    await bot.core.reminders.subscribe(UserRef("slack", closed), keynote, 5)
    fake.fail("chat.postMessage", "cannot_dm_bot", times=1)
    bot.clock.at = at("09:55")
    second = await bot.core.reminders.fire("subscriber", "keynote", 5)
    assert (second.sent, second.failed) == (0, 1)
