"""User text on Discord shows as typed and nothing in it is live: the bot's messages as the
fake Discord received them from the real discord.py, read with a checker that parses
them the way Discord's client does (``discord_markdown``). Each test is a case that
once reached Discord live: the second of two masked links (discord.py's escape_markdown
skips what its URL pattern swallows), channel, command, timestamp and emoji forms,
markdown after a link, and user text that reached the renderer as the bot's own words:
a timezone hint's repetition, a display name in a Q&A post, a moderator's hide reason,
question texts in speakers' reminders and digests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.messages import UserRef
from tests.discord.conftest import RunningBot, running
from tests.discord.discord_markdown import Live, live_forms, shown
from tests.discord.test_qa import (
    People,
    engines_thread,
    populate,
    posted,
    program_text,
    qa_bot,
    slash,
)
from tests.fakes.discord_payloads import Json
from tests.fakes.discord_server import FakeDiscord
from tests.support import ManualClock
from tests.test_reminders import ADA, at

TWO_LINKS = "[click](http://evil.example) and [login](https://evil.example/login)"


def live(text: str | None) -> list[Live]:
    """The live forms in a message's text, but the timestamps the bot makes itself (of
    real instants: the hostile texts here carry small ones)."""
    return [form for form in live_forms(text or "") if form.kind != "timestamp"
            or int(form.text[3:].split(":")[0].rstrip(">")) < 10**9]


def texts(body: dict[str, Any]) -> list[str]:
    """Everything of a message Discord renders as markdown: content and embeds."""
    out = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        out += [embed.get("title") or "", embed.get("description") or ""]
        out += [field["value"] for field in embed.get("fields") or []]
    return out


def assert_nothing_live(body: dict[str, Any]) -> None:
    for text in texts(body):
        assert live(text) == [], text


async def command_answer(bot: RunningBot, name: str, values: dict[str, object]) -> str:
    asked = await bot.fake.send_slash_command(name, values)
    answer = await bot.fake.wait_for_request("POST", bot.fake.interaction_callback_path(asked))
    data = answer.json["data"]
    assert data["allowed_mentions"] == {"parse": []}
    assert_nothing_live(data)
    return str(data["content"])


async def mention_answer(bot: RunningBot, typed: str) -> str:
    question = await bot.fake.send_guild_message(typed)
    reply = await bot.fake.wait_for_request(
        "POST", rf"/channels/{question['channel_id']}/messages",
        predicate=lambda r: (r.json or {}).get("nonce") == question["id"])
    assert reply.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert_nothing_live(reply.json)
    return str(reply.json["content"])


async def test_two_masked_links_in_a_search_both_stay_text(bot: RunningBot) -> None:
    content = await command_answer(bot, "search", {"words": TWO_LINKS})
    assert content.splitlines()[0] == (
        r"Nothing matches “\[click\](http\:\/\/evil.example) and "
        r"\[login\](https\:\/\/evil.example\/login)” on the program.")
    assert shown(content).splitlines()[0] == f"Nothing matches “{TWO_LINKS}” on the program."


@pytest.mark.parametrize(("typed", "escaped"), [
    ("<#123> </poll:456> <t:99:R> <@!789>",
     r"\<#123> \<\/poll\:456> \<t\:99\:R> \<\@!789>"),
    ("<@&12> <http://x|y> <:party:34> <a:cat:56> <id:customize>",
     r"\<\@&12> \<http\:\/\/x\|y> \<\:party\:34> \<a\:cat\:56> \<id\:customize>"),
    ("see http://x.example *bold* __under__ ~~gone~~ ||spoiler|| `code`",
     r"see http\:\/\/x.example \*bold\* \_\_under\_\_ \~\~gone\~\~ \|\|spoiler\|\| \`code\`"),
    ("@everyone @here :smile: discord.gg/evil \\*",
     r"\@everyone \@here \:smile: discord.gg\/evil \\\*"),
])
async def test_mentions_channels_commands_timestamps_emoji_and_markdown_stay_text(
        bot: RunningBot, typed: str, escaped: str) -> None:
    content = (await mention_answer(bot, typed)).splitlines()[0]
    assert content == f"Sorry, I did not understand “{escaped}”."
    assert shown(content) == f"Sorry, I did not understand “{typed}”."


async def test_a_timezone_hint_does_not_repeat_user_text(bot: RunningBot) -> None:
    zone = "Mars; [login](https://evil.example) <@&1> **now**"
    content = await command_answer(bot, "tz", {"zone": zone})
    quoted, _, hint = content.partition("”; ")
    assert quoted == (r"Unknown timezone “Mars; \[login\](https\:\/\/evil.example) "
                      r"\<\@&1> \*\*now\*\*")
    assert hint.startswith("did you mean ") and "evil" not in hint and "login" not in hint


HOSTILE_NAME = "[boss](http://evil.example) <@&1> @everyone *x*"
ESCAPED_NAME = r"\[boss\](http\:\/\/evil.example) \<\@&1> \@everyone \*x\*"


@pytest.fixture
async def hostile(fake: FakeDiscord, tmp_path: Path) -> tuple[People, Path, Json]:
    """The Q&A world, a member whose display name is hostile, and Ada (the keynote's
    speaker) as a member of the fake guild, for her reminders."""
    people, role_id = await populate(fake)
    ada = fake.make_user("ada")
    mallory = fake.make_user("mallory")
    mallory["global_name"] = HOSTILE_NAME
    people.chair["global_name"] = "Chair <#1> `x`"
    path = tmp_path / "program.yaml"
    path.write_text(program_text(fake.forum_id, fake.channel_id, role_id)
                    .replace(f'"{ADA}"', f'"{ada["id"]}"'))
    return people, path, ada


async def test_names_reasons_and_answers_in_q_and_a_stay_text(
        fake: FakeDiscord, sqlite_url: str, hostile: tuple[People, Path, Json]) -> None:
    people, path, _ada = hostile
    mallory = next(u for u in fake.users.values() if u["username"] == "mallory")
    async with qa_bot(fake, sqlite_url, path) as bot:
        engines = await engines_thread(fake, bot)
        mark = fake.mark()
        assert await slash(fake, "ask", {"paper": "keynote", "question": TWO_LINKS},
                           user=mallory) == "Thanks! Your question is #1 for “Engines”."
        post = (await posted(fake, engines, mark)).json
        assert post["content"] == (
            rf"❓ #1 from {ESCAPED_NAME}: “\[click\](http\:\/\/evil.example) and "
            r"\[login\](https\:\/\/evil.example\/login)”")
        assert_nothing_live(post)

        mark = fake.mark()
        assert await slash(fake, "qa", {"question": 1, "answer": "Yes <@1>"},
                           user=people.chair, sub="answered") == "Question #1 is marked answered."
        answer = (await posted(fake, engines, mark)).json
        assert answer["content"] == r"✅ Answer to #1 from Chair \<#1> \`x\`: “Yes \<\@1>”"
        assert_nothing_live(answer)

        mark = fake.mark()
        reason = "spam [see](http://evil.example) ||boo||"
        confirmed = await slash(fake, "qa", {"question": 1, "reason": reason},
                                user=people.chair, sub="hide")
        assert confirmed == (r"Question #1 is hidden (spam \[see\](http\:\/\/evil.example) "
                             r"\|\|boo\|\|).")
        edit = await fake.wait_for_request("PATCH", rf"/channels/{engines}/messages/\d+",
                                           since=mark)
        assert edit.json["content"] == (r"🚫 #1 hidden by a moderator: “spam \[see\]"
                                        r"(http\:\/\/evil.example) \|\|boo\|\|”")
        assert_nothing_live(edit.json)


async def test_question_texts_in_speaker_reminders_and_digests_stay_text(
        fake: FakeDiscord, sqlite_url: str, hostile: tuple[People, Path, Json]) -> None:
    _people, path, ada = hostile
    async with running(fake, sqlite_url, ManualClock(at("09:30")), program=path) as bot:
        bot.core.reminders.attach(bot.adapter)
        keynote = bot.core.catalog.current.program.by_slug["keynote"]
        await bot.core.qa.ask(keynote, UserRef("discord", "42", "Eve"), TWO_LINKS)
        await bot.core.qa.ask(keynote, UserRef("discord", "43", "Bob"), "# Loud\n> <t:1:R>")
        bot.core.clock.at = at("09:55")  # type: ignore[attr-defined]
        assert (await bot.core.reminders.fire("speaker", "keynote", 5)).sent == 1
        dm = int(fake.dm_channel_for(ada)["id"])
        [reminder] = fake.bot_messages(dm)
        assert_nothing_live(reminder)
        closing = reminder["embeds"][-1]["description"]
        assert closing == ("Top questions waiting for you:\n"
                           r"1\. #1 (0 👍): \[click\](http\:\/\/evil.example) and "
                           r"\[login\](https\:\/\/evil.example\/login)" "\n"
                           r"2\. #2 (0 👍): # Loud > \<t\:1\:R>")

        bot.core.clock.at = at("10:30")  # type: ignore[attr-defined]
        assert (await bot.core.reminders.fire("digest", "keynote", 0)).sent == 1
        digest = fake.bot_messages(dm)[-1]
        assert_nothing_live(digest)
        assert digest["content"].splitlines()[1:3] == [
            r"• #1 (0 👍): \[click\](http\:\/\/evil.example) and "
            r"\[login\](https\:\/\/evil.example\/login)",
            r"• #2 (0 👍): # Loud > \<t\:1\:R>"]
