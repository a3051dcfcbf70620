"""Every Slack message within the core's budget (issue 11, item 6), end to end: a
question of 1,000 characters and a moderator's hide reason, each made of the characters
Slack needs escaped (``&`` is five characters once escaped), reach Slack held to 2,000
characters of text and 2,000 of block text, cut with an ellipsis, never inside an entity
or a token, and accepted by Slack's Block Kit limits (the fake refuses what Slack
would)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from adapters.slack import render
from bot.app import attach
from tests.fakes.slack_server import FakeSlack, block_kit_problems
from tests.slack.conftest import RunningBot, StartBot
from tests.slack.test_qa import MORNING, QA, SLACK_QA_PROGRAM, command_body, set_up

# What Slack shows of our escaping: the three entities, whole.
ENTITY = re.compile(r"&(?:amp|lt|gt);")
QUESTION = "Does it run? " + ("<!channel>&<>" * 80)[:980]  # 2,200 once escaped
REASON = ("<!channel>&&&" * 50)[:500]  # the longest reason the core takes


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "program.yaml"
    path.write_text(SLACK_QA_PROGRAM)
    return path


@pytest.fixture
async def bot(fake: FakeSlack, start_bot: StartBot, program: Path) -> RunningBot:
    fake.usergroups["S0MODS"] = []
    running = await start_bot(program=program, at=MORNING)
    attach(running.core, [running.adapter])
    return running


def assert_within_budget(message: dict[str, Any]) -> None:
    """A message as Slack received it: text and blocks within 2,000 characters each,
    valid Block Kit, and every entity and token whole."""
    shown = message.get("blocks") or []
    assert block_kit_problems(shown) == []
    assert len(message["text"]) <= render.MESSAGE_CHARS
    assert render.message_chars(shown) <= render.MESSAGE_CHARS
    for text in [message["text"], *(t for b in shown for t in render.block_texts(b))]:
        assert "&" not in ENTITY.sub("", text), text[-40:]  # no entity cut in half
        assert text.count("<") == text.count(">"), text[-40:]  # no token cut in half
        assert "<!channel>" not in text


async def test_a_hide_reason_over_the_budget_is_cut_in_every_message(
    fake: FakeSlack, bot: RunningBot
) -> None:
    keynote = (await set_up(fake, bot))["keynote"]
    asked = await command_body(fake, bot, f"ask engines: {QUESTION}", user="U0CAROL")
    assert asked["text"] == "Thanks! Your question is #1 for “Engines”."
    posted = fake.thread_replies(QA, keynote)[-1]  # the question, posted in the thread
    assert posted["text"].startswith("❓ #1 from user-u0carol: “Does it run? &lt;!channel&gt;&amp;")
    assert_within_budget(posted)
    assert posted["text"].endswith("…")

    told = await command_body(fake, bot, f"qa hide 1 {REASON}")
    assert_within_budget(told)
    assert told["text"].startswith("Question #1 is hidden (&lt;!channel&gt;&amp;&amp;")

    # the question's own message now shows the reason, and Slack took the edit
    [update] = fake.calls_for("chat.update")
    assert update.ok, update.response
    hidden = fake.find_message(QA, posted["ts"])
    assert hidden is not None
    assert hidden["text"].startswith("🚫 #1 hidden by a moderator: “&lt;!channel&gt;&amp;")
    assert_within_budget(hidden)
