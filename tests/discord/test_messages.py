"""Plain sentences: mentions in a server and DMs get answers, nothing else does, nobody is
pinged, and failed replies are logged while the bot goes on answering."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.answers.context import Ask
from bot.intents import Intent
from bot.messages import APOLOGY, Reply
from bot.router import HANDLERS
from tests.discord.conftest import RunningBot
from tests.discord.discord_markdown import live_forms
from tests.fakes.discord_server import FakeDiscord, RecordedRequest

POST_MESSAGE = r"/channels/\d+/messages"


async def answer_to(fake: FakeDiscord, question: dict[str, Any], **wait: Any
                    ) -> RecordedRequest:
    """The bot's reply POST for ``question`` (our replies carry its id as their nonce)."""
    return await fake.wait_for_request(
        "POST", rf"/channels/{question['channel_id']}/messages",
        predicate=lambda r: (r.json or {}).get("nonce") == question["id"], **wait)


async def test_a_mention_gets_the_answer_as_a_reply_that_pings_nobody(bot: RunningBot) -> None:
    fake = bot.fake
    question = await fake.send_guild_message("what's next?")
    reply = await answer_to(fake, question)
    assert reply.path == f"/channels/{fake.channel_id}/messages"
    assert reply.json["content"] == "Next up:"
    assert reply.json["embeds"][0]["title"] == "Talk by Michael Carbin (title TBD)"
    assert reply.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert reply.json["message_reference"]["message_id"] in (question["id"], int(question["id"]))
    assert reply.json["enforce_nonce"] is True


async def test_a_dm_in_plain_words_gets_the_answer(bot: RunningBot) -> None:
    fake = bot.fake
    question = await fake.send_dm("when is kraska")
    reply = await answer_to(fake, question)
    assert reply.json["content"] == "Tim Kraska:"
    [card] = reply.json["embeds"]
    assert card["title"] == "Talk by Tim Kraska (title TBD)"
    assert card["fields"][0]["value"].startswith("<t:")
    assert reply.json["allowed_mentions"] == {"parse": []}
    assert "message_reference" not in reply.json  # a DM needs no reply arrow


async def test_everyone_and_mentions_in_a_question_cannot_ping(bot: RunningBot) -> None:
    fake = bot.fake
    typed = "@everyone @here <@&1234567890123456789> <@9876543210987654321> *boom*"
    question = await fake.send_guild_message(typed)
    reply = await answer_to(fake, question)
    content = reply.json["content"]
    assert content.startswith("Sorry, I did not understand “")  # the question quoted back
    assert reply.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert content.splitlines()[0] == (
        r"Sorry, I did not understand “\@everyone \@here \<\@&1234567890123456789> "
        r"\<\@9876543210987654321> \*boom\*”.")  # as typed, nothing live: not even a pill
    assert live_forms(content) == []


async def test_guild_messages_without_a_mention_are_ignored(bot: RunningBot) -> None:
    fake = bot.fake
    mark = fake.mark()
    await fake.send_guild_message("what's next?", mention_bot=False)
    await fake.send_guild_message("@everyone what's next?", mention_bot=False)
    question = await fake.send_guild_message("what's on now?")
    await answer_to(fake, question)
    [only] = fake.find_requests("POST", POST_MESSAGE, since=mark)
    assert only.json["nonce"] == question["id"]


async def test_other_bots_and_the_bot_itself_are_ignored(bot: RunningBot) -> None:
    fake = bot.fake
    other_bot = fake.make_user("another-bot", bot=True)
    mark = fake.mark()
    await fake.send_guild_message("what's next?", author=other_bot)
    await fake.send_dm("what's next?", author=other_bot)
    await fake.send_guild_message("what's next?", author=fake.bot_user)
    question = await fake.send_dm("what's next?")
    await answer_to(fake, question)
    # the fake echoes the bot's own reply back as MESSAGE_CREATE in the DM, as Discord
    # does; answering it would loop forever
    last = await fake.send_dm("thanks")
    await answer_to(fake, last)
    posts = fake.find_requests("POST", POST_MESSAGE, since=mark)
    assert [p.json["nonce"] for p in posts] == [question["id"], last["id"]]


async def test_the_bots_mention_is_stripped_and_other_mentions_become_names(
        bot: RunningBot) -> None:
    fake = bot.fake
    kraska = fake.make_user("tim kraska")  # display name "Tim Kraska"
    question = await fake.send_guild_message(
        f"<@!{fake.bot_user['id']}> when is <@{kraska['id']}> on?", mention_bot=False,
        mentions=[fake.bot_user, kraska])
    reply = await answer_to(fake, question)
    assert reply.json["content"] == "Tim Kraska:"


async def test_a_mention_in_a_thread_is_answered_in_the_thread(bot: RunningBot) -> None:
    fake = bot.fake
    thread_id = await fake.open_thread("questions about the talks")
    question = await fake.send_guild_message("when is kraska", channel_id=thread_id)
    reply = await answer_to(fake, question)
    assert reply.path == f"/channels/{thread_id}/messages"
    assert reply.json["content"] == "Tim Kraska:"


async def test_a_bare_mention_gets_help(bot: RunningBot) -> None:
    question = await bot.fake.send_guild_message("")
    reply = await answer_to(bot.fake, question)
    assert reply.json["content"].startswith("I answer questions about ML for Systems")


async def test_a_question_delivered_twice_is_answered_once(bot: RunningBot) -> None:
    fake = bot.fake
    question = await fake.send_dm("what's next?")
    first = await answer_to(fake, question)
    mark = fake.mark()
    await fake.redeliver(question)
    again = await answer_to(fake, question, since=mark)
    assert again.response["id"] == first.response["id"]  # Discord kept one message
    assert len(fake.bot_messages(int(question["channel_id"]))) == 1


async def test_a_429_is_waited_out_and_the_answer_delivered_once(bot: RunningBot) -> None:
    fake = bot.fake
    fake.rate_limit_next("POST", POST_MESSAGE, retry_after=0.05)  # with Via: 1.1 google
    mark = fake.mark()
    question = await fake.send_guild_message("when is kraska")
    delivered = await answer_to(fake, question, status=200)
    attempts = fake.find_requests("POST", POST_MESSAGE, since=mark)
    assert [a.status for a in attempts] == [429, 200]
    assert attempts[0].json == attempts[1].json  # the same body and nonce, retried
    assert attempts[0].headers["Authorization"] == "Bot fake.bot.token"
    assert [m["id"] for m in fake.bot_messages(fake.channel_id)] == [delivered.response["id"]]


async def test_a_server_error_is_retried_and_the_answer_delivered_once(bot: RunningBot) -> None:
    fake = bot.fake
    fake.inject("POST", POST_MESSAGE, status=502, body={"message": "Bad Gateway", "code": 0})
    question = await fake.send_dm("what's next?")
    delivered = await answer_to(fake, question, status=200)  # discord.py waits 1 s first
    attempts = fake.find_requests("POST", POST_MESSAGE)
    assert [a.status for a in attempts] == [502, 200]
    assert [m["id"] for m in fake.bot_messages(int(question["channel_id"]))] == [
        delivered.response["id"]]


@pytest.mark.parametrize(("status", "code", "message"), [
    (403, 50013, "Missing Permissions"),
    (404, 10003, "Unknown Channel"),
    (503, 0, "upstream connect error"),  # a 5xx discord.py does not retry
])
async def test_a_refused_reply_is_logged_and_the_bot_keeps_answering(
        bot: RunningBot, caplog: pytest.LogCaptureFixture, status: int, code: int,
        message: str) -> None:
    fake = bot.fake
    fake.inject("POST", POST_MESSAGE, status=status, body={"message": message, "code": code})
    with caplog.at_level(logging.ERROR, logger="adapters.discord"):
        question = await fake.send_guild_message("what's next?")
        await answer_to(fake, question, status=status)
        later = await fake.send_guild_message("when is kraska")
        reply = await answer_to(fake, later, status=200)
    assert reply.json["content"] == "Tim Kraska:"
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("adapters.discord")]
    reason = {403: "Forbidden", 404: "Not Found", 503: "Service Unavailable"}[status]
    assert logged == [f"Discord reply failed: POST /channels/{fake.channel_id}/messages -> "
                      f"{status} {reason} (code {code}): {message}"]
    assert len(fake.find_requests("POST", POST_MESSAGE)) == 2  # no apology: it would fail too


async def test_a_reply_discord_rejects_is_replaced_by_the_apology(
        bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    fake.inject("POST", POST_MESSAGE, status=400,
                body={"message": "Invalid Form Body", "code": 50035,
                      "errors": {"embeds": {"0": {"title": {"_errors": [
                          {"code": "BASE_TYPE_MAX_LENGTH", "message": "Too long."}]}}}}})
    with caplog.at_level(logging.ERROR, logger="adapters.discord"):
        question = await fake.send_dm("what's next?")
        apology = await answer_to(fake, question, status=200)
    assert apology.json["content"] == APOLOGY and apology.json["embeds"] == []
    [line] = [r.getMessage() for r in caplog.records if r.name.startswith("adapters.discord")]
    assert line.startswith(f"Discord reply failed: POST /channels/{question['channel_id']}"
                           "/messages -> 400 Bad Request (code 50035): Invalid Form Body")
    assert "\n" not in line


async def test_when_the_core_fails_the_asker_gets_the_apology(
        bot: RunningBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault the core does not answer for itself (a bug: the database being away is
    answered by the core, see tests/test_faults.py) gets the apology and a logged line."""
    fake = bot.fake

    def broken(_ask: Ask, _arg: str) -> Reply:
        raise RuntimeError("a bug in the answer for next")

    monkeypatch.setitem(HANDLERS, Intent.NEXT, broken)
    with caplog.at_level(logging.ERROR, logger="adapters.discord"):
        question = await fake.send_dm("what's next?")
        reply = await answer_to(fake, question)
        asked = await fake.send_slash_command("next")
        answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    assert reply.json["content"] == APOLOGY
    assert answer.json["data"]["content"] == APOLOGY
    failures = [r for r in caplog.records if r.name.startswith("adapters.discord")]
    assert len(failures) == 2 and all(r.exc_info for r in failures)
