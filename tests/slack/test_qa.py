"""Q&A on Slack end to end: the real slack-bolt and slack-sdk against the loopback fake.

A parent message per paper and talk in the Q&A channel (posted once, found again,
recreated when deleted); replies in those threads are questions, acknowledged in the
thread; 👍 reactions and the Upvote button are votes, reconciled after a restart;
moderators (listed, or in a user group) change a question's status, which shows on its
message; answers go into the thread; exports arrive as files.

The program is the reminder tests' small one with Slack ids: "Engines" (keynote, Ada
Lovelace, Slack U0ADA), "Machines" (talk) and the paper "Notes on the engine" each get
a thread in C0QA; U0MOD is a moderator by id, members of S0MODS by user group.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import gc
import io
import json
import logging
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.slack import create
from adapters.slack.service import SlackAdapter
from bot.app import attach, open_core, serve
from bot.messages import Reply
from bot.store import qa as store
from tests.conftest import make_settings
from tests.fakes.slack_server import ApiCall, FakeSlack
from tests.slack.conftest import BOT_TOKEN, SECRET, RunningBot, StartBot
from tests.slack.test_cli import environment
from tests.support import ManualClock, wait_until
from tests.test_reminders import PROGRAM

QA = "C0QA"
MORNING = "2024-05-06T09:30:00+02:00"
SUMMARY = "How the Analytical Engine could weave algebraic patterns."
SLACK_QA_PROGRAM = PROGRAM.replace(
    'discord_id: "111111111111111111"}', 'discord_id: "111111111111111111", slack_id: U0ADA}'
).replace(
    'discord: {announcements: "900000000000000001"}',
    'discord: {announcements: "900000000000000001"}\n  slack: {qa: C0QA}',
).replace(
    "authors: [Ada Lovelace]}", f"authors: [Ada Lovelace], summary: {SUMMARY}}}",
) + "moderators:\n  slack_users: [U0MOD]\n  slack_usergroups: [S0MODS]\n"
WITHIN = 5.0


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "program.yaml"
    path.write_text(SLACK_QA_PROGRAM)
    return path


@pytest.fixture
async def bot(fake: FakeSlack, start_bot: StartBot, program: Path) -> RunningBot:
    fake.usergroups["S0MODS"] = []  # the program's moderator group, empty unless a test fills it
    running = await start_bot(program=program, at=MORNING)
    attach(running.core, [running.adapter])  # as `workshop-bot run` does
    return running


def unescape(text: str) -> str:
    """Slack text as a reader sees it (the bot escapes & < > in everything it sends)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


async def command(fake: FakeSlack, bot: RunningBot, text: str, *, user: str = "U0MOD",
                  channel: str = "C0GENERAL") -> str:
    """A slash command; the text of its answer, as the asker reads it."""
    body = await command_body(fake, bot, text, user=user, channel=channel)
    return unescape(body["text"])


async def command_body(fake: FakeSlack, bot: RunningBot, text: str, *, user: str = "U0MOD",
                       channel: str = "C0GENERAL") -> Any:
    """A slash command; the body of its answer (the post to its response_url)."""
    key = f"r{len(fake.response_posts)}-{user}"
    form = fake.slash_command(text=text, user=user, channel=channel,
                              response_url=fake.response_url(key))
    assert (await bot.poster.command(form)).status == 200
    post = await fake.wait_until(
        lambda: next((p for p in fake.response_posts if p.key == key), None),
        what=f"the answer to /workshop {text}", within=WITHIN)
    return post.body


async def threads(bot: RunningBot) -> dict[str, str]:
    """Item slug -> its thread's parent ts, as stored."""
    items = {i.id: i.slug for i in bot.core.catalog.current.program.items}
    return {items[t.item_id]: t.thread_id for t in await store.threads(bot.core.db, "slack")}


async def set_up(fake: FakeSlack, bot: RunningBot) -> dict[str, str]:
    said = await command(fake, bot, "qa setup")
    assert said.startswith("Q&A threads on slack: 3 created"), said
    return await threads(bot)


def posts_since(fake: FakeSlack, before: int) -> list[ApiCall]:
    return fake.calls_for("chat.postMessage", ok_only=True)[before:]


async def thread_question(fake: FakeSlack, bot: RunningBot, thread_ts: str, text: str, *,
                          user: str = "U0BOB") -> tuple[str, ApiCall]:
    """A person's reply in a Q&A thread: its ts, and the bot's acknowledgement."""
    before = len(fake.calls_for("chat.postMessage"))
    payload = fake.message_event(text, user=user, channel=QA, channel_type="channel",
                                 thread_ts=thread_ts)
    assert (await bot.poster.event(payload)).status == 200
    ack = await fake.wait_for_call("chat.postMessage", count=before + 1, within=WITHIN)
    return payload["event"]["ts"], ack


async def votes(bot: RunningBot, number: int) -> set[str]:
    return await store.voters(bot.core.db, number, "slack")


def button(message: dict[str, Any]) -> dict[str, Any]:
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    [found] = actions["elements"]
    return found


async def press(fake: FakeSlack, bot: RunningBot, message: dict[str, Any], user: str) -> str:
    """``user`` presses the button under a message in C0QA; what only they are told."""
    pressed = button(message)
    key = f"press{len(fake.response_posts)}-{user}"
    payload = fake.block_actions(pressed["action_id"], pressed["value"], user=user,
                                 channel=QA, message_ts=message["ts"],
                                 response_url=fake.response_url(key))
    assert (await bot.poster.interaction(payload)).status == 200
    post = await fake.wait_until(
        lambda: next((p for p in fake.response_posts if p.key == key), None),
        what="the answer to a press", within=WITHIN)
    assert post.body["response_type"] == "ephemeral"
    assert post.body["replace_original"] is False
    return str(post.body["text"])


def _logged(caplog: pytest.LogCaptureFixture, text: str) -> bool:
    return any(text in r.getMessage() for r in caplog.records)


Send = Callable[[dict[str, Any]], Awaitable[object]]


async def react(fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture, ts: str,
                user: str, name: str = "+1", *, added: bool = True,
                send: Send | None = None) -> str:
    """``user`` adds (or removes) a 👍 on message ``ts`` in C0QA; once the bot has handled
    it (its debug line), the outcome the core gave ("added", "own", "unknown", …)."""
    caplog.set_level(logging.DEBUG, logger="bot.core")  # the core decides what a reaction is
    since = len(caplog.records)
    event = fake.reaction_event(QA, ts, user=user, name=name, added=added)
    if send is None:
        assert (await bot.poster.event(event)).status == 200
    else:
        await send(event)
    line = f"slack: 👍 {'added' if added else 'removed'} by {user} on message {ts}: "

    def outcome() -> str | None:
        return next((r.getMessage().removeprefix(line) for r in caplog.records[since:]
                     if r.getMessage().startswith(line)), None)

    await wait_until(lambda: outcome() is not None, WITHIN)  # the bot handled the reaction
    found = outcome()
    assert found is not None
    return found


# ------------------------------------------------------------------------------ threads


async def test_setup_posts_a_parent_per_item_once_and_again_after_a_deletion(
    fake: FakeSlack, bot: RunningBot
) -> None:
    refused = await command(fake, bot, "qa setup", user="U0BOB")
    assert refused == "Only moderators can use “qa setup”; nothing was changed."
    assert fake.calls_for("chat.postMessage") == []

    body = await command(fake, bot, "qa setup")
    assert body == "Q&A threads on slack: 3 created, 0 already there, 0 recreated."
    parents = fake.top_level(QA)
    assert [p["metadata"]["event_payload"]["item"] for p in parents] == [
        "keynote", "turing", "notes"]
    assert all(p["user"] == fake.bot_user_id for p in parents)
    notes = parents[2]
    card = notes["blocks"][0]["text"]["text"]
    assert card.startswith("*Notes on the engine*\nAuthor: Ada Lovelace\n" + SUMMARY)
    assert notes["blocks"][-1]["elements"][0]["text"].startswith("Ask your questions here")
    assert "Engines" in parents[0]["text"] and "Ada Lovelace" in parents[0]["text"]
    stored = await threads(bot)
    assert stored == {"keynote": parents[0]["ts"], "turing": parents[1]["ts"],
                      "notes": notes["ts"]}

    about = await command(fake, bot, "about engines")  # it links the paper's thread
    ts = parents[0]["ts"].replace(".", "")
    assert about.endswith(f"Questions for the speakers: "
                          f"https://{fake.team_domain}.slack.com/archives/{QA}/p{ts}")

    again = await command(fake, bot, "qa setup")
    assert again == "Q&A threads on slack: 0 created, 3 already there, 0 recreated."
    assert len(fake.calls_for("chat.postMessage")) == 3  # nothing posted twice
    checks = fake.calls_for("conversations.history")[-3:]
    assert [c.args["latest"] for c in checks] == [p["ts"] for p in parents]
    assert all(c.args["inclusive"] in ("1", "true", True) for c in checks)

    # Someone deletes the keynote's parent (no replies: it is gone) and the paper's
    # (with a reply: a tombstone stays); both come back, the talk's thread stays.
    fake.add_message(QA, {"user": "U0BOB", "text": "first!", "thread_ts": notes["ts"]})
    assert fake.delete_message(QA, stored["keynote"])
    assert fake.delete_message(QA, stored["notes"])
    assert fake.find_message(QA, stored["notes"])["subtype"] == "tombstone"
    third = await command(fake, bot, "qa setup")
    assert third == "Q&A threads on slack: 0 created, 1 already there, 2 recreated."
    renewed = await threads(bot)
    assert renewed["turing"] == stored["turing"]
    assert renewed["keynote"] not in (stored["keynote"], stored["notes"])
    assert renewed["notes"] not in (stored["keynote"], stored["notes"])
    live = [p["metadata"]["event_payload"]["item"] for p in fake.top_level(QA)
            if p.get("subtype") != "tombstone"]
    assert sorted(live) == ["keynote", "notes", "turing"]

    # the new thread is the one questions go to
    _ts, ack = await thread_question(fake, bot, renewed["keynote"], "Still there?")
    assert ack.args["text"] == "Thanks! Your question is #1 for “Engines”."


async def test_a_parent_posted_before_a_crash_is_found_again_not_posted_twice(
    fake: FakeSlack, bot: RunningBot
) -> None:
    stored = await set_up(fake, bot)
    intro = Reply(lines=(("Machines",),), zone=ZoneInfo("UTC"), now=datetime.now(ZoneInfo("UTC")))
    # The database lost the thread (a crash after the post, or a reset): Slack has it.
    ref = await bot.adapter.open_thread(QA, "turing", "Machines", intro, None)
    assert (ref.thread_id, ref.starter_id, ref.channel_id) == (stored["turing"],) * 2 + (QA,)
    lookup = fake.calls_for("conversations.history")[-1]
    assert lookup.args["include_all_metadata"] in ("1", "true", True)
    assert len(fake.calls_for("chat.postMessage")) == 3


async def test_a_thread_reply_is_a_question_acknowledged_in_the_thread(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    keynote = (await set_up(fake, bot))["keynote"]
    fake.users["U0BOB"] = "Bob <@U0EVE> Builder"  # a display name, stored as text only
    payload = fake.message_event("How fast is it? <!channel>", user="U0BOB", channel=QA,
                                 channel_type="channel", thread_ts=keynote)
    assert (await bot.poster.event(payload)).status == 200
    ack = await fake.wait_for_call("chat.postMessage", count=4)  # after the 3 parents
    ts = payload["event"]["ts"]
    assert (ack.args["channel"], ack.args["thread_ts"]) == (QA, keynote)
    assert ack.args["text"] == "Thanks! Your question is #1 for “Engines”."
    question, _item = await bot.core.qa.get(1)  # type: ignore[misc]
    assert (question.text, question.message_ref, question.author_id) == (
        "How fast is it? <!channel>", ts, "U0BOB")
    assert question.author_name == "Bob <@U0EVE> Builder"  # users.info, asked once
    assert [c.args["user"] for c in fake.calls_for("users.info")].count("U0BOB") == 1

    # Slack delivers the event again (a retry: the same event id), or the message comes
    # once more under another event id (the bot restarted): one question, one answer
    mark = fake.mark()
    assert (await bot.poster.event(payload, retry_num=1)).status == 200
    assert (await bot.poster.event(fake.event_callback(payload["event"]))).status == 200
    await fake.assert_no_call("chat.postMessage", since=mark)
    assert await bot.core.qa.get(2) is None

    # a question that names the bot comes twice (app_mention and message): one question
    mention = fake.app_mention(f"<@{fake.bot_user_id}> does it scale?", user="U0CAROL",
                               channel=QA, thread_ts=keynote)
    as_message = fake.event_callback({**mention["event"], "type": "message",
                                      "channel_type": "channel"})
    before = len(fake.calls_for("chat.postMessage"))
    assert (await bot.poster.event(as_message)).status == 200
    assert (await bot.poster.event(mention)).status == 200
    second = await fake.wait_for_call("chat.postMessage", count=before + 1)
    assert second.args["text"] == "Thanks! Your question is #2 for “Engines”."
    await fake.assert_no_call("chat.postMessage", since=fake.after(second))
    assert (await bot.core.qa.get(2))[0].text == "does it scale?"  # type: ignore[index]

    # too long: refused in the thread, not recorded
    _ts, refused = await thread_question(fake, bot, keynote, "why " * 250 + "now?")
    assert refused.args["text"] == (
        "Sorry, your question has 1004 characters; the limit is 1000; it was not recorded "
        "as a question.")
    assert await bot.core.qa.get(3) is None

    # other threads, top-level messages and bots' messages are not questions
    fake.add_message("C0GENERAL", {"user": "U0BOB", "text": "lunch?", "ts": "1.000001"})
    caplog.set_level(logging.DEBUG, logger="adapters.slack.listeners")
    elsewhere = fake.message_event("me too", channel="C0GENERAL", channel_type="channel",
                                   thread_ts="1.000001")
    top = fake.message_event("hello all", channel=QA, channel_type="channel")
    robot = fake.message_event("beep", user="U0ROBOT", channel=QA, channel_type="channel",
                               thread_ts=keynote, bot_id="B0ROBOT")
    mark = fake.mark()
    for payload in (elsewhere, top, robot):
        assert (await bot.poster.event(payload)).status == 200
    await fake.assert_no_call("chat.postMessage", since=mark)
    ignored = elsewhere["event"]["ts"]
    assert any(f"message {ignored} in thread 1.000001 of C0GENERAL is not a new question"
               in r.getMessage() for r in caplog.records)
    assert await bot.core.qa.get(3) is None


# ------------------------------------------------------------------------------ votes


async def test_thumbs_up_reactions_add_and_remove_votes(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    keynote = (await set_up(fake, bot))["keynote"]
    ts, _ack = await thread_question(fake, bot, keynote, "Why brass?")

    assert await react(fake, bot, caplog, ts, "U0EVE") == "added"
    assert await react(fake, bot, caplog, ts, "U0FAN", "thumbsup::skin-tone-3") == "added"
    assert await votes(bot, 1) == {"U0EVE", "U0FAN"}
    assert await react(fake, bot, caplog, ts, "U0BOB") == "own"  # the asker's own 👍
    assert await react(fake, bot, caplog, ts, "U0EVE", added=False) == "removed"
    assert await votes(bot, 1) == {"U0FAN"}
    # a 👍 on the thread's parent is on no question: ignored, with a debug line
    caplog.set_level(logging.DEBUG, logger="bot.qa.service")
    assert await react(fake, bot, caplog, keynote, "U0ZED") == "unknown"
    assert any(f"A reaction on slack message {keynote}, which is no question"
               in r.getMessage() for r in caplog.records)
    # other reactions are no votes: nothing is asked of the core
    event = fake.reaction_event(QA, ts, user="U0ZED", name="heart")
    assert (await bot.poster.event(event)).status == 200
    await wait_until(lambda: _logged(caplog, ":heart: by U0ZED is no vote; ignored"), WITHIN)
    assert await votes(bot, 1) == {"U0FAN"}
    assert await store.vote_count(bot.core.db, 1) == 1


async def test_the_upvote_button_votes(fake: FakeSlack, bot: RunningBot,
                                       caplog: pytest.LogCaptureFixture) -> None:
    keynote = (await set_up(fake, bot))["keynote"]
    asked = await command(fake, bot, "ask engines: Does it run on steam?", user="U0CAROL")
    assert asked == "Thanks! Your question is #1 for “Engines”."
    [posted] = fake.thread_replies(QA, keynote)
    pressed = button(posted)
    assert (pressed["text"]["text"], pressed["value"]) == ("👍 Upvote", "1")
    assert pressed["action_id"] == "workshop:upvote:0"

    assert await press(fake, bot, posted, "U0EVE") == "👍 Counted: you upvoted #1 (now 1)."
    assert await press(fake, bot, posted, "U0EVE") == (
        "You had already voted that way on #1 (1).")
    assert await press(fake, bot, posted, "U0CAROL") == (
        "You cannot upvote your own question (#1).")
    assert await votes(bot, 1) == {"U0EVE"}
    # a 👍 on the bot's post of the question counts too
    assert await react(fake, bot, caplog, posted["ts"], "U0FAN") == "added"
    assert await votes(bot, 1) == {"U0EVE", "U0FAN"}


async def test_votes_cast_while_the_bot_was_offline_are_reconciled_on_start(
    fake: FakeSlack, bot: RunningBot, sqlite_url: str, program: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stored = await set_up(fake, bot)
    ts, _ack = await thread_question(fake, bot, stored["keynote"], "Who built it?")
    assert await react(fake, bot, caplog, ts, "U0GONE") == "added"
    # a question the bot posted, with a vote by button (it leaves no reaction)
    await command(fake, bot, "ask machines: Can they think?", user="U0CAROL")
    [posted] = fake.thread_replies(QA, stored["turing"])
    assert await press(fake, bot, posted, "U0FAN") == "👍 Counted: you upvoted #2 (now 1)."
    await bot.stop()

    # while the bot is away: U0EVE and U0BOB (the asker) react, U0GONE takes theirs back
    fake.add_reaction(QA, ts, "U0EVE", "+1")
    fake.add_reaction(QA, ts, "U0BOB", "thumbsup")
    fake.remove_reaction(QA, ts, "U0GONE", "+1")

    settings = make_settings(
        sqlite_url, program, slack_bot_token=BOT_TOKEN, slack_api_url=fake.api_url,
        slack_signing_secret=SECRET, bot_http_host="127.0.0.1", bot_http_port=0)
    async with open_core(settings, ManualClock(datetime.fromisoformat(MORNING))) as core:
        adapter = create(core.core)
        assert isinstance(adapter, SlackAdapter)
        caplog.set_level(logging.INFO, logger="bot.qa.service")
        serving = asyncio.create_task(serve(core, [adapter]))  # as `workshop-bot run`
        try:
            # U0EVE's vote added, U0GONE's removed; U0BOB's own 👍 is no vote
            await wait_until(lambda: _logged(caplog, "Reconciled 2 vote(s) cast or withdrawn"))
            assert gc.get_freeze_count() > 0  # start-up's heap is out of the collector's way
        finally:
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(serving, WITHIN)
        assert gc.get_freeze_count() == 0  # and back in it once serving ends
        assert await store.voters(core.db, 1, "slack") == {"U0EVE"}
        assert await store.voters(core.db, 2, "slack") == {"U0FAN"}  # the button's vote stays
    reads = {c.args["timestamp"]: c for c in fake.calls_for("reactions.get")}
    assert set(reads) == {ts, posted["ts"]}
    assert reads[ts].args["full"] in ("1", "true", True)
    assert reads[ts].http_method == "GET"


# ------------------------------------------------------------------------------ moderation


async def test_moderator_commands_are_for_listed_users_and_user_group_members(
    fake: FakeSlack, bot: RunningBot
) -> None:
    fake.usergroups["S0MODS"] = ["U0GRP", "U0OTHER"]  # read at the first Q&A command
    answer = await command(fake, bot, "what's next?", user="U0GRP")
    assert answer.startswith("Next up:") and "Engines" in answer, answer
    assert not fake.calls_for("usergroups.users.list")  # no other answer needs the groups
    refused = await command(fake, bot, "qa pending", user="U0BOB")
    assert refused == "Only moderators can use “qa pending”; nothing was changed."
    for moderator in ("U0MOD", "U0GRP"):
        allowed = await command(fake, bot, "qa pending", user=moderator)
        assert allowed == "No questions are waiting for approval.", moderator
    # a mention by a group member: the same
    mention = fake.app_mention(f"<@{fake.bot_user_id}> qa pending", user="U0GRP")
    assert (await bot.poster.event(mention)).status == 200
    post = await fake.wait_for_call("chat.postMessage")
    assert post.args["text"] == "No questions are waiting for approval."
    # the group's members were read once (cached for minutes), with GET
    [read] = fake.calls_for("usergroups.users.list")
    assert (read.args["usergroup"], read.http_method) == ("S0MODS", "GET")


async def test_answered_and_hidden_show_on_the_question_in_slack(
    fake: FakeSlack, bot: RunningBot
) -> None:
    keynote = (await set_up(fake, bot))["keynote"]
    own, _ack = await thread_question(fake, bot, keynote, "Is it Turing complete?")
    asked = await command(fake, bot, "ask engines: Does it <!here> run on steam?",
                          user="U0CAROL")
    assert asked == "Thanks! Your question is #2 for “Engines”."
    posted = fake.thread_replies(QA, keynote)[-1]
    original = posted["text"]
    assert original == "❓ #2 from user-u0carol: “Does it &lt;!here&gt; run on steam?”"

    # a person's own message cannot be edited by the bot: it gets a mark
    assert (await command(fake, bot, "qa answered 1")) == (
        "Question #1 is marked answered.")
    assert fake.reactions_on(QA, own) == {"white_check_mark": [fake.bot_user_id]}
    assert fake.calls_for("chat.update")[-1].response["error"] == "cant_update_message"
    await command(fake, bot, "qa hide 1 off topic")
    assert fake.reactions_on(QA, own) == {"no_entry_sign": [fake.bot_user_id]}
    await command(fake, bot, "qa restore 1")
    assert fake.reactions_on(QA, own) == {}

    # a question the bot posted is edited
    assert (await command(fake, bot, "qa hide 2 spam")) == (
        "Question #2 is hidden (spam).")
    hidden = fake.find_message(QA, posted["ts"])
    assert hidden["text"] == "🚫 #2 hidden by a moderator: “spam”"
    assert "steam" not in json.dumps(hidden["blocks"])  # the hidden text is gone
    await command(fake, bot, "qa restore 2")
    restored = fake.find_message(QA, posted["ts"])
    assert restored["text"] == original
    assert button(restored)["value"] == "2"

    # the speaker answers: the question shows ✅ and the answer, which is also posted
    answered = await command(fake, bot, "qa answer 2 Yes, by steam.", user="U0ADA")
    assert answered == (
        "Your answer to #2 is posted and the question is marked answered.")
    done = fake.find_message(QA, posted["ts"])
    assert done["text"] == (
        "✅ #2 from user-u0carol: “Does it &lt;!here&gt; run on steam?”\n"
        "Answer from user-u0ada: “Yes, by steam.”")
    assert not [b for b in done["blocks"] if b["type"] == "actions"]  # no more votes
    answer = fake.thread_replies(QA, keynote)[-1]
    assert answer["text"] == "✅ Answer to #2 from user-u0ada: “Yes, by steam.”"
    assert answer["user"] == fake.bot_user_id


# ------------------------------------------------------------------------------ asking


async def test_ask_from_anywhere_posts_into_the_thread_anonymously_too(
    fake: FakeSlack, bot: RunningBot
) -> None:
    stored = await set_up(fake, bot)
    asked = await command(fake, bot, "ask anonymous engines: Is <!channel> @here invited?",
                          user="U0CAROL")
    assert asked == "Thanks! Your question is #1 for “Engines”, asked anonymously."
    [posted] = fake.thread_replies(QA, stored["keynote"])
    assert posted["text"] == "❓ #1 from anonymous: “Is &lt;!channel&gt; @\u2060here invited?”"
    assert "<!channel>" not in json.dumps(posted) and "U0CAROL" not in json.dumps(posted)
    assert (await bot.core.qa.get(1))[0].message_ref == posted["ts"]  # type: ignore[index]

    # plain words in a DM
    dm = fake.message_event("ask machines: can they think?", user="U0DAN", channel="D0DAN")
    assert (await bot.poster.event(dm)).status == 200
    await fake.wait_until(lambda: fake.thread_replies(QA, stored["turing"]),
                          what="the question in the talk's thread")
    [question] = fake.thread_replies(QA, stored["turing"])
    assert question["text"] == "❓ #2 from someone: “can they think?”"
    await fake.wait_until(lambda: fake.posted("D0DAN"), what="the acknowledgement in the DM")
    assert fake.posted("D0DAN")[0]["text"] == "Thanks! Your question is #2 for “Machines”."


# ------------------------------------------------------------------------------ exports


def uploaded(fake: FakeSlack, call: ApiCall) -> bytes:
    [entry] = json.loads(call.args["files"])
    return bytes(fake.files[entry["id"]]["data"])


async def test_an_export_arrives_as_a_file(fake: FakeSlack, bot: RunningBot) -> None:
    stored = await set_up(fake, bot)
    await thread_question(fake, bot, stored["keynote"], "First question?")
    await command(fake, bot, "ask anonymous notes: Secret question?", user="U0CAROL")

    # in a DM: the answer, then the file in the same DM (the three steps of uploadV2)
    dm = fake.message_event("qa export all csv", user="U0EVE", channel="D0EVE")
    assert (await bot.poster.event(dm)).status == 200
    done = await fake.wait_for_call("files.completeUploadExternal", ok_only=True)
    assert done.args["channel_id"] == "D0EVE"
    text = fake.posted("D0EVE")[0]["text"]
    assert text == "Questions for every paper and talk, as CSV: questions-remind-demo.csv"
    [step1] = fake.calls_for("files.getUploadURLExternal")
    [step2] = fake.uploads
    assert step1.args["filename"] == "questions-remind-demo.csv"
    assert int(step1.args["length"]) == len(step2.data)
    rows = list(csv.DictReader(io.StringIO(uploaded(fake, done).decode())))
    assert [(r["id"], r["item"], r["question"]) for r in rows] == [
        ("1", "keynote", "First question?"), ("2", "notes", "Secret question?")]
    assert "author" not in rows[0]  # not a moderator

    # a moderator's slash command (only they see the answer): the file goes to their DM
    body = await command_body(fake, bot, "qa export notes json")
    assert body["response_type"] == "ephemeral"
    private = await fake.wait_for_call("files.completeUploadExternal", count=2, ok_only=True)
    assert private.args["channel_id"] == fake.dm_channels["U0MOD"]
    [record] = json.loads(uploaded(fake, private))
    assert (record["question"], record["author"]) == ("Secret question?",
                                                      "user-u0carol (anonymous)")

    # `public`: the file is shared in the channel; where the bot may not post, in the DM
    await command(fake, bot, "qa export keynote md public", user="U0EVE")
    shared = await fake.wait_for_call("files.completeUploadExternal", count=3, ok_only=True)
    assert shared.args["channel_id"] == "C0GENERAL"
    assert uploaded(fake, shared).decode().startswith("# Questions: Engines\n\n## Engines\n")
    fake.fail("files.completeUploadExternal", "not_in_channel")
    await command(fake, bot, "qa export keynote md public", user="U0EVE", channel="C0LOCKED")
    moved = await fake.wait_for_call("files.completeUploadExternal", count=4, ok_only=True)
    assert moved.args["channel_id"] == fake.dm_channels["U0EVE"]
    assert fake.calls_for("files.completeUploadExternal")[-2].args["channel_id"] == "C0LOCKED"


# ------------------------------------------------------------------------------ transports


async def test_questions_and_votes_in_socket_mode(
    fake: FakeSlack, start_bot: StartBot, program: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake.usergroups["S0MODS"] = []
    bot = await start_bot(socket_mode=True, program=program, at=MORNING)
    attach(bot.core, [bot.adapter])
    form = fake.slash_command(text="qa setup", user="U0MOD")
    await fake.wait_for_ack(await fake.send_envelope("slash_commands", form))
    answer = await fake.wait_for_response_post(within=WITHIN)
    assert unescape(answer.body["text"]).startswith("Q&A threads on slack: 3 created")
    keynote = (await threads(bot))["keynote"]
    payload = fake.message_event("Over the socket?", user="U0BOB", channel=QA,
                                 channel_type="channel", thread_ts=keynote)
    await fake.wait_for_ack(await fake.send_envelope("events_api", payload))
    await fake.wait_until(lambda: fake.thread_replies(QA, keynote)[1:],
                          what="the acknowledgement")
    assert fake.thread_replies(QA, keynote)[1]["text"] == (
        "Thanks! Your question is #1 for “Engines”.")

    async def over_the_socket(event: dict[str, Any]) -> None:
        await fake.wait_for_ack(await fake.send_envelope("events_api", event))

    outcome = await react(fake, bot, caplog, payload["event"]["ts"], "U0EVE",
                          send=over_the_socket)
    assert outcome == "added"
    assert await votes(bot, 1) == {"U0EVE"}


async def test_the_cli_sets_the_threads_up(fake: FakeSlack, program: Path, sqlite_url: str,
                                           tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "qa", "setup", cwd=tmp_path,
        env=environment(DATABASE_URL=sqlite_url, BOT_PROGRAM=str(program),
                        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                        SLACK_API_URL=fake.api_url, BOT_HTTP_HOST="127.0.0.1",
                        BOT_HTTP_PORT="0", LOG_LEVEL="WARNING"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    assert out.decode().strip() == (
        "Q&A threads on slack: 3 created, 0 already there, 0 recreated.")
    assert len(fake.top_level(QA)) == 3


# ------------------------------------------------------------------------------ a second process


async def test_threads_a_second_process_made_are_taken_at_once_and_linked_after_a_poll(
    fake: FakeSlack, bot: RunningBot, program: Path, sqlite_url: str, tmp_path: Path
) -> None:
    """``workshop-bot qa setup`` in a process of its own beside the running bot, as the
    README says to run it: a question in a thread it just made (or made again) is
    acknowledged and stored at once; "about" links the new thread after the bot's poll."""

    async def setup_in_a_second_process() -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "qa", "setup", cwd=tmp_path,
            env=environment(DATABASE_URL=sqlite_url, BOT_PROGRAM=str(program),
                            SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                            SLACK_API_URL=fake.api_url, BOT_HTTP_HOST="127.0.0.1",
                            BOT_HTTP_PORT="0", LOG_LEVEL="WARNING"),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert process.returncode == 0, err.decode()
        return out.decode().strip()

    unlinked = await command(fake, bot, "about machines")
    assert "Machines" in unlinked and "Questions for the speakers" not in unlinked, unlinked
    assert await setup_in_a_second_process() == (
        "Q&A threads on slack: 3 created, 0 already there, 0 recreated.")
    first = await threads(bot)
    _ts, ack = await thread_question(fake, bot, first["keynote"], "Made elsewhere?")
    assert ack.args["text"] == "Thanks! Your question is #1 for “Engines”."

    # Both parents are deleted on Slack; the second process posts them again.
    assert fake.delete_message(QA, first["keynote"]) and fake.delete_message(QA, first["turing"])
    assert await setup_in_a_second_process() == (
        "Q&A threads on slack: 0 created, 1 already there, 2 recreated.")
    renewed = await threads(bot)
    assert renewed["keynote"] != first["keynote"] and renewed["turing"] != first["turing"]
    ts, ack = await thread_question(fake, bot, renewed["keynote"], "Still taken?",
                                    user="U0CAROL")
    assert (ack.args["thread_ts"], ack.args["text"]) == (
        renewed["keynote"], "Thanks! Your question is #2 for “Engines”.")
    question, _item = await bot.core.qa.get(2)  # type: ignore[misc]
    assert (question.text, question.message_ref) == ("Still taken?", ts)

    await bot.core.qa.poll_threads()  # what `workshop-bot run` does every BOT_RELOAD_POLL s
    about = await command(fake, bot, "about machines")
    ts = renewed["turing"].replace(".", "")
    link = f"https://{fake.team_domain}.slack.com/archives/{QA}/p{ts}"
    assert about.endswith(f"Questions for the speakers: {link}")
