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
from pathlib import Path

import pytest

from bot.store import qa as store
from bot.store.database import Database
from tests.fakes.slack_server import FakeSlack
from tests.scale_out.conftest import (
    WITHIN,
    Start,
    command,
    in_thread,
    item_ids,
    keynote_and_turing,
    link,
    qa_setup,
    threads,
    until_linked,
    upvote_press,
)
from tests.slack.test_qa import QA

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="needs PostgreSQL: set TEST_DATABASE_URL")


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
    key = "press-U0GAIL"
    press = upvote_press(fake, keynote, user="U0GAIL", key=key)
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
