"""Slash commands end to end: the sync Discord receives, interaction callbacks, the
ephemeral default and ``public``, autocomplete, and ``/tz`` saved for later answers."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from adapters.discord.commands import choices
from bot.messages import APOLOGY, UserRef
from tests.discord.conftest import RunningBot, running
from tests.fakes.discord_payloads import EPHEMERAL
from tests.fakes.discord_server import FakeDiscord
from tests.support import ManualClock

ANSWERS = {"now", "next", "agenda", "papers", "when", "about", "search", "tz", "help"}
# about the asker: never public
PERSONAL = {"remind", "reminders", "remind-cancel", "agenda-ics", "agenda-feed"}
QA = {"ask", "qa"}  # tests/discord/test_qa.py
COMMANDS = ANSWERS | PERSONAL | QA


def unix(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp())


def by_name(items: list[dict]) -> dict[str, dict]:
    return {item["name"]: item for item in items}


async def test_sync_carries_every_command_with_its_options(bot: RunningBot) -> None:
    fake = bot.fake
    put = await fake.wait_for_request("PUT", rf"/applications/{fake.app_id}/commands")
    commands = by_name(put.json)
    assert set(commands) == COMMANDS
    assert all(c["description"] and c["type"] == 1 for c in commands.values())
    for name in ANSWERS:  # every answer is private unless asked
        public = by_name(commands[name]["options"])["public"]
        assert public["type"] == 5 and not public.get("required", False)
    remind = by_name(commands["remind"]["options"])
    assert remind["what"]["autocomplete"] is True and remind["what"]["required"] is True
    assert not remind["before"].get("required", False)
    assert "options" not in commands["reminders"] or not commands["reminders"]["options"]
    what = by_name(commands["when"]["options"])["what"]
    assert what == {**what, "type": 3, "required": True, "autocomplete": True,
                    "min_length": 1, "max_length": 200}
    assert by_name(commands["about"]["options"])["what"]["autocomplete"] is True
    assert by_name(commands["search"]["options"])["words"]["required"] is True
    zone = by_name(commands["tz"]["options"])["zone"]
    assert zone["autocomplete"] is True and not zone.get("required", False)
    scope = by_name(commands["agenda"]["options"])["scope"]
    assert [c["value"] for c in scope["choices"]] == ["today", "tomorrow", "all"]
    assert not fake.find_requests("PUT", r"/applications/\d+/guilds/\d+/commands")


async def test_guild_id_syncs_to_that_server_only(fake: FakeDiscord, sqlite_url: str,
                                                  clock: ManualClock) -> None:
    async with running(fake, sqlite_url, clock, discord_guild_id=fake.guild_id):
        path = rf"/applications/{fake.app_id}/guilds/{fake.guild_id}/commands"
        put = await fake.wait_for_request("PUT", path)
        assert {c["name"] for c in put.json} == COMMANDS
        assert not fake.find_requests("PUT", rf"/applications/{fake.app_id}/commands")
        asked = await fake.send_slash_command("now")
        assert asked["data"]["guild_id"] == str(fake.guild_id)  # a guild command
        answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
        assert answer.json["data"]["content"] == "On now:"


async def test_next_at_a_fixed_bot_now_is_the_right_talk_and_ephemeral(
        fake: FakeDiscord, sqlite_url: str) -> None:
    async with running(fake, sqlite_url, None, bot_now="2021-12-13T10:15:00-08:00",
                       bot_speed=0):
        asked = await fake.send_slash_command("next")
        answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    assert answer.query == {"with_response": "1"}
    assert answer.json["type"] == 4  # a message, not deferred
    data = answer.json["data"]
    assert data["flags"] & EPHEMERAL
    assert data["allowed_mentions"] == {"parse": []}
    assert data["content"] == "Next up:"
    [card] = data["embeds"]
    assert card["title"] == "Talk by Michael Carbin (title TBD)"
    when = by_name(card["fields"])["When"]["value"]
    start, end = unix("2021-12-13T10:45:00-08:00"), unix("2021-12-13T11:20:00-08:00")
    # a simulated clock: Discord's <t:R> would count from the real now, so the words
    # are the core's, counted from BOT_NOW
    assert when == f"<t:{start}:F> – <t:{end}:t> (in 30 min)"
    assert by_name(card["fields"])["Speaker"]["value"] == "Michael Carbin"
    assert answer.status == 200


async def test_public_makes_the_answer_visible_to_everyone(bot: RunningBot) -> None:
    asked = await bot.fake.send_slash_command("when", {"what": "kraska", "public": True})
    answer = await bot.fake.wait_for_request("POST", bot.fake.interaction_callback_path(asked))
    data = answer.json["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    assert data["content"] == "Tim Kraska:"
    assert data["embeds"][0]["title"] == "Talk by Tim Kraska (title TBD)"


async def test_commands_answer_in_direct_messages_too(bot: RunningBot) -> None:
    asked = await bot.fake.send_slash_command("about", {"what": "CompilerGym"},
                                              in_guild=False)
    answer = await bot.fake.wait_for_request("POST", bot.fake.interaction_callback_path(asked))
    [card] = answer.json["data"]["embeds"]
    assert card["title"].startswith("CompilerGym")
    assert card["author"]["name"] == "Paper"
    assert answer.json["data"]["flags"] & EPHEMERAL


async def test_agenda_lists_the_day_in_one_embed(bot: RunningBot) -> None:
    asked = await bot.fake.send_slash_command("agenda", {"scope": "today"})
    answer = await bot.fake.wait_for_request("POST", bot.fake.interaction_callback_path(asked))
    [listing] = answer.json["data"]["embeds"]
    lines = [line for line in listing["description"].splitlines() if line.startswith("• ")]
    assert len(lines) == 9  # the bundled program's sessions
    assert listing["description"].endswith("say “papers” to list them.")
    first = unix("2021-12-13T09:00:00-08:00")
    assert lines[0].startswith(f"• <t:{first}:f>–")  # the date on the day's first line
    assert all(":f>" not in line for line in lines[1:])  # one day for the asker


async def test_autocomplete_offers_matching_names(bot: RunningBot) -> None:
    fake = bot.fake
    asked = await fake.send_autocomplete("when", {"what": "kra"}, focused="what")
    answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    assert answer.json["type"] == 8
    offered = answer.json["data"]["choices"]
    assert {"name": "Tim Kraska", "value": "Tim Kraska"} in offered
    assert 1 <= len(offered) <= 25

    asked = await fake.send_autocomplete("about", {"what": "compiler gym"}, focused="what")
    answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    assert any(c["name"].startswith("CompilerGym") for c in answer.json["data"]["choices"])


async def test_tz_autocomplete_offers_zones_and_reset(bot: RunningBot) -> None:
    fake = bot.fake
    asked = await fake.send_autocomplete("tz", {"zone": "berl"}, focused="zone")
    answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in answer.json["data"]["choices"]
    asked = await fake.send_autocomplete("tz", {"zone": "res"}, focused="zone")
    answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    assert answer.json["data"]["choices"][0]["value"] == "reset"


def test_choices_respect_discords_limits() -> None:
    long_title = "A very long paper title " * 8
    offered = choices([long_title, long_title + "again", *(f"name {i}" for i in range(40))])
    assert len(offered) == 25
    assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in offered)
    assert offered[0].name.endswith("…") and long_title.startswith(offered[0].value)
    assert len({c.value for c in offered}) == 25  # the two long titles collapse into one


async def test_tz_is_saved_and_later_answers_use_it(bot: RunningBot) -> None:
    fake = bot.fake
    asked = await fake.send_slash_command("tz", {"zone": "Europe/Berlin"})
    answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    assert answer.json["data"]["content"].startswith(
        "Saved: times are now shown in Europe/Berlin, where it is 19:15 CET")
    me = UserRef("discord", fake.user["id"])
    assert await bot.core.preferences.timezone(me) == ZoneInfo("Europe/Berlin")

    dm = await fake.send_dm("tz")  # the same person, in plain words: the same preference
    reply = await fake.wait_for_request("POST", rf"/channels/{dm['channel_id']}/messages")
    assert "Europe/Berlin (your saved timezone)" in reply.json["content"]

    asked = await fake.send_slash_command("agenda")
    answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    lines = answer.json["data"]["embeds"][0]["description"].splitlines()
    # in Berlin the afternoon talks fall on the next day, so that line carries its date
    after_midnight = unix("2021-12-13T15:50:00-08:00")
    dated = [line for line in lines if ":f>" in line]
    assert len(dated) == 2 and f"<t:{after_midnight}:f>" in dated[1]


async def test_a_rejected_response_is_logged_and_apologised_for(
        bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    fake.inject("POST", r"/interactions/\d+/[^/]+/callback", status=400,
                body={"message": "Invalid Form Body", "code": 50035})
    with caplog.at_level(logging.ERROR, logger="adapters.discord"):
        asked = await fake.send_slash_command("next")
        apology = await fake.wait_for_request("POST", fake.interaction_callback_path(asked),
                                              status=200)
    assert apology.json["data"]["content"] == APOLOGY
    assert apology.json["data"]["flags"] & EPHEMERAL
    [line] = [r.getMessage() for r in caplog.records if r.name.startswith("adapters.discord")]
    assert line == (f"Discord /next response failed: POST /interactions/{asked['id']}/<token>"
                    "/callback -> 400 Bad Request (code 50035): Invalid Form Body")
    assert asked["token"] not in line  # interaction tokens are credentials
    asked = await fake.send_slash_command("now")  # and the bot goes on answering
    answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    assert answer.json["data"]["content"] == "On now:"


async def test_an_unknown_command_is_logged_and_apologised_for(
        bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    """A command Discord still shows but this version no longer has (a stale sync)."""
    fake = bot.fake
    with caplog.at_level(logging.ERROR, logger="adapters.discord"):
        asked = await fake.send_slash_command("schedule")
        answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    assert answer.json["data"]["content"] == APOLOGY
    assert answer.json["data"]["flags"] & EPHEMERAL
    [line] = [r.getMessage() for r in caplog.records if r.name.startswith("adapters.discord")]
    assert line.startswith("Discord /schedule failed: CommandNotFound: ")
