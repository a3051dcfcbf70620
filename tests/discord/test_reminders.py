"""Reminders through the real Discord adapter: announcements with a working "Remind me"
button, DMs whose channel is opened once and remembered, a nonce per ledger key so a
resend after a crash is refused by Discord, and 429s and closed DMs in a fan-out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.discord.transport import nonce_of
from bot.clock import SystemClock
from bot.messages import UserRef
from bot.store import ledger
from tests.discord.conftest import RunningBot, running
from tests.fakes.discord_server import FakeDiscord
from tests.support import ManualClock, wait_until
from tests.test_reminders import PROGRAM, at

COMPONENT = 3  # INTERACTION_CREATE type for a button press
MESSAGES = r"/channels/(\d+)/messages$"


@pytest.fixture
async def bot(fake: FakeDiscord, sqlite_url: str, tmp_path: Path) -> AsyncIterator[RunningBot]:
    ada = fake.make_user("Ada Lovelace")
    text = PROGRAM.replace('"111111111111111111"', f'"{ada["id"]}"').replace(
        '"900000000000000001"', f'"{fake.channel_id}"')
    path = tmp_path / "program.yaml"
    path.write_text(text)
    clock = ManualClock(at("09:30"))
    async with running(fake, sqlite_url, clock, program=path) as running_bot:
        running_bot.core.reminders.attach(running_bot.adapter)  # as `workshop-bot run` does
        running_bot.ada = ada  # type: ignore[attr-defined]
        yield running_bot


def posts(fake: FakeDiscord, channel: int | str) -> list[dict]:
    return [r.json for r in fake.find_requests("POST", rf"/channels/{channel}/messages$")]


async def test_announcement_with_a_remind_me_button_that_works(
    fake: FakeDiscord, bot: RunningBot
) -> None:
    bot.core.clock.at = at("09:50")  # type: ignore[attr-defined]
    report = await bot.core.reminders.fire("announce", "keynote", 10)
    assert report.sent == 1
    [body] = posts(fake, fake.channel_id)
    assert body["content"].startswith("📣 Starting soon: Engines, at <t:")
    assert body["allowed_mentions"] == {"parse": []}
    assert body["enforce_nonce"] is True and len(body["nonce"]) == 25
    button = body["components"][0]["components"][0]
    assert (button["label"], button["custom_id"]) == ("Remind me", "workshop:remind:keynote")

    sent = fake.bot_messages(fake.channel_id)[-1]
    press = fake.interaction_payload(COMPONENT, {"custom_id": button["custom_id"],
                                                 "component_type": 2}, message=sent)
    await fake.dispatch("INTERACTION_CREATE", press)
    callback = await fake.wait_for_request("POST", fake.interaction_callback_path(press))
    data = callback.json["data"]
    assert "I'll remind you 5 min before “Engines”" in (data.get("content") or "")
    assert data["flags"] & 64  # only the presser sees it
    mine = await bot.core.reminders.subscriptions(UserRef("discord", str(fake.user["id"])))
    assert [(item.slug, offset) for item, offset in mine] == [("keynote", 5)]


async def test_a_dm_channel_is_opened_once_and_remembered(fake: FakeDiscord, bot: RunningBot
                                                          ) -> None:
    ada = bot.ada  # type: ignore[attr-defined]
    keynote = bot.core.catalog.current.program.by_slug["keynote"]
    await bot.core.reminders.subscribe(UserRef("discord", str(ada["id"])), keynote, 15)
    bot.core.clock.at = at("09:40")  # type: ignore[attr-defined]
    assert (await bot.core.reminders.fire("speaker", "keynote", 20)).sent == 1
    bot.core.clock.at = at("09:45")  # type: ignore[attr-defined]
    assert (await bot.core.reminders.fire("subscriber", "keynote", 15)).sent == 1
    assert len(fake.find_requests("POST", r"/users/@me/channels$")) == 1
    dm = fake.dm_channel_for(ada)["id"]
    speaker, subscriber = posts(fake, dm)
    assert speaker["content"].startswith("🎤 Your session “Engines” starts at <t:")
    assert subscriber["content"].startswith("⏰ Reminder: “Engines” starts at <t:")

    # Someone who DMs the bot is reached in that DM later, with no request to open one.
    eve = fake.make_user("Eve")
    await fake.send_dm("what's next?", author=eve)
    await wait_until(lambda: len(fake.bot_messages(int(fake.dm_channel_for(eve)["id"]))) == 1)
    await bot.core.reminders.subscribe(UserRef("discord", str(eve["id"])), keynote, 5)
    bot.core.clock.at = at("09:55")  # type: ignore[attr-defined]
    assert (await bot.core.reminders.fire("subscriber", "keynote", 5)).sent == 1
    assert len(fake.find_requests("POST", r"/users/@me/channels$")) == 1


async def test_a_resend_after_a_crash_is_refused_by_discord(fake: FakeDiscord, bot: RunningBot
                                                            ) -> None:
    """The dead process's send reached Discord; the restart sends the same nonce again
    and Discord (enforce_nonce) answers with the message it already has."""
    ada = bot.ada  # type: ignore[attr-defined]
    keynote = bot.core.catalog.current.program.by_slug["keynote"]
    key = f"speaker|keynote|{keynote.start:%Y%m%dT%H%M%SZ}|discord|{ada['id']}|20"
    entry = ledger.Entry(key, "speaker", keynote.id, "discord", str(ada["id"]), at("09:40"), 20)
    await ledger.claim(bot.core.db, [entry], "dead", SystemClock().now().replace(year=2000))
    bot.core.clock.at = at("09:40")  # type: ignore[attr-defined]
    plan = await bot.core.reminders._plan(  # what the dead process was sending
        bot.core.catalog.current.program, next(s for s in await bot.core.reminders.slots()
                                              if s.kind == "speaker" and s.offset == 20
                                              and s.item.slug == "keynote"))
    await bot.adapter.deliver(plan[0].message)
    assert await bot.core.reminders.recover() == 1
    dm = int(fake.dm_channel_for(ada)["id"])
    requests = posts(fake, dm)
    assert len(requests) == 2 and {r["nonce"] for r in requests} == {nonce_of(key)}
    assert len(fake.bot_messages(dm)) == 1  # Discord kept one
    assert await ledger.statuses(bot.core.db, [key]) == {key: "sent"}


async def test_fan_out_survives_429s_and_a_closed_dm(fake: FakeDiscord, bot: RunningBot
                                                     ) -> None:
    keynote = bot.core.catalog.current.program.by_slug["keynote"]
    fans = [fake.make_user(f"fan {n}") for n in range(10)]
    for fan in fans:
        await bot.core.reminders.subscribe(UserRef("discord", str(fan["id"])), keynote, 15)
    fake.inject("POST", r"/users/@me/channels$", times=1, status=403,
                body={"code": 50007, "message": "Cannot send messages to this user"})
    fake.rate_limit_next("POST", MESSAGES, times=3, retry_after=0.05)
    bot.core.clock.at = at("09:45")  # type: ignore[attr-defined]
    report = await bot.core.reminders.fire("subscriber", "keynote", 15)
    assert (report.sent, report.failed) == (9, 1)
    delivered = [len(fake.bot_messages(int(fake.dm_channel_for(f)["id"]))) for f in fans[1:]]
    assert delivered == [1] * 9
    assert len(fake.find_requests("POST", MESSAGES)) == 9 + 3  # three 429s, retried
