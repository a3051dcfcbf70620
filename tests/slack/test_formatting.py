"""Translation without transport: Slack payloads -> the core's messages, and the core's
replies (from the real router) -> Block Kit, escaped, with live date tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.slack import inbound, render
from bot.messages import Button, Card, Moment, Quote, Reply
from tests.fakes.slack_server import block_kit_problems
from tests.support import Conversation

ZWSP = "\u200b"

KRASKA = (int(datetime(2021, 12, 13, 17, 30, tzinfo=UTC).timestamp()),
          int(datetime(2021, 12, 13, 18, 5, tzinfo=UTC).timestamp()))
DATE = "{date_short_pretty} {time}"


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str) -> dict:
    return {"type": "section", "text": mrkdwn(text)}


def context(text: str) -> dict:
    return {"type": "context", "elements": [mrkdwn(text)]}


# ------------------------------------------------------------------------------ Block Kit


async def test_a_detail_answer_is_a_section_per_item(chat: Conversation):
    message = render.to_message(await chat.reply("when is kraska"))
    start, end = KRASKA
    assert message.blocks == [
        section("Tim Kraska:"),
        section("*Talk by Tim Kraska (title TBD)*\n"
                f"<!date^{start}^{DATE}|9:30 AM PST> – <!date^{end}^{{time}}|10:05 AM PST>"
                " (ended 10 min ago)\n"
                "Speaker: Tim Kraska\n"
                "Invited talk by Tim Kraska; the title has not been announced."),
    ]
    assert message.text == ("Tim Kraska:\n• Talk by Tim Kraska (title TBD)\n"
                            "  9:30 AM – 10:05 AM PST (ended 10 min ago)\n"
                            "  Speaker: Tim Kraska\n"
                            "  Invited talk by Tim Kraska; the title has not been announced.")


async def test_an_agenda_is_a_section_per_item_and_a_closing_context(chat: Conversation):
    message = render.to_message(await chat.reply("agenda"))
    start, end = KRASKA
    assert message.blocks[0] == section(
        "ML for Systems (NeurIPS 2021), Monday 13 December 2021:")  # times are the reader's
    assert len(message.blocks) == 1 + 9 + 1
    assert message.blocks[2] == section(
        f"• <!date^{start}^{DATE}|9:30 AM PST> – <!date^{end}^{{time}}|10:05 AM PST>"
        " · *Talk by Tim Kraska (title TBD)*")
    assert message.blocks[-2]["text"]["text"].endswith(
        "· *Closing Remarks* — Jonathan Raiman, Mimee Xu, Martin Maas, Anna Goldie, "
        "Azade Nazi, Benoit Steiner")
    assert message.blocks[-1] == context(
        "Plus 13 papers without a time slot: say “papers” to list them.")
    assert message.text.startswith("ML for Systems (NeurIPS 2021), Monday 13 December 2021 "
                                   "(times in America/Los_Angeles):")  # the fallback says


async def test_the_fallbacks_are_in_the_askers_zone(chat: Conversation):
    message = render.to_message(await chat.reply("when is kraska", tz="Asia/Tokyo"))
    start, end = KRASKA
    assert (f"<!date^{start}^{DATE}|02:30 JST> – <!date^{end}^{{time}}|03:05 JST>"
            in message.blocks[1]["text"]["text"])
    assert "02:30 – 03:05 JST (ended 10 min ago)" in message.text


async def test_the_help_text_keeps_its_angle_brackets(chat: Conversation):
    message = render.to_message(await chat.reply("help"))
    assert "when &lt;talk, paper or person&gt;: when it is on" in message.blocks[0]["text"]["text"]
    assert "<talk" not in message.text


def _reply(cards: int, **fields: object) -> Reply:
    now = datetime(2021, 12, 13, 18, 15, tzinfo=UTC)
    items = tuple(
        Card(slug=f"s{n}", kind_label="Talk", title=f"Talk number {n} " + "x" * 40,
             people=("Ada Lovelace",), when=Moment(now + timedelta(minutes=n)))
        for n in range(cards)
    )
    return Reply(lines=(("Many:",),), zone=ZoneInfo("UTC"), now=now, cards=items,
                 layout="list", **fields)  # type: ignore[arg-type]


def test_a_long_list_keeps_the_cards_that_fit_the_budget_and_counts_the_rest():
    message = render.to_message(_reply(120, more=7, after=(("The end.",),)))
    assert render.message_chars(message.blocks) <= render.MESSAGE_CHARS
    assert len(message.text) <= render.MESSAGE_CHARS
    texts = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    listed = "\n".join(texts)
    shown = [n for n in range(120) if f"Talk number {n} " in listed]
    assert shown == list(range(len(shown))) and len(shown) > 5  # the first ones, in order
    assert message.blocks[-2:] == [
        context(f"…and {7 + 120 - len(shown)} more."),  # the core's 7 and Slack's own cut
        context("The end."),
    ]
    assert f"…and {7 + 120 - len(shown)} more." in message.text  # the fallback says so too


def test_a_short_list_keeps_a_section_per_item():
    message = render.to_message(_reply(5))
    assert [b["type"] for b in message.blocks] == ["section"] * 6


def test_a_span_over_days_names_both_days():
    start = datetime(2021, 12, 13, 17, 0, tzinfo=UTC)
    reply = Reply(lines=(), zone=ZoneInfo("UTC"), now=start)
    text = render.moment_mrkdwn(Moment(start, start + timedelta(days=2)), reply)
    assert text == (f"<!date^{int(start.timestamp())}^{DATE}|17:00 UTC> – "
                    f"<!date^{int(start.timestamp()) + 172800}^{DATE}|Wed 15 Dec, 17:00 UTC>")


# ------------------------------------------------------------------------------ escaping


@pytest.mark.parametrize(("typed", "shown"), [
    ("<!channel>", "&lt;!channel&gt;"),
    ("<!here|here>", "&lt;!here|here&gt;"),
    ("<@U123> and <#C999|general>", "&lt;@U123&gt; and &lt;#C999|general&gt;"),
    ("A & B <b>", "A &amp; B &lt;b&gt;"),
    ("&lt;!everyone&gt;", "&amp;lt;!everyone&amp;gt;"),
    ("hi @channel @Here @everyone!", "hi @\u2060channel @\u2060Here @\u2060everyone!"),
    ("mail me@channels.org", "mail me@channels.org"),
    # mrkdwn marks: a zero-width space each side, unless between two letters or digits
    ("*bold* _it_ ~s~", f"{ZWSP}*{ZWSP}bold{ZWSP}*{ZWSP} {ZWSP}_{ZWSP}it{ZWSP}_{ZWSP} "
                        f"{ZWSP}~{ZWSP}s{ZWSP}~{ZWSP}"),
    ("`code` a`b", f"{ZWSP}`{ZWSP}code{ZWSP}`{ZWSP} a{ZWSP}`{ZWSP}b"),
    ("America/Los_Angeles 1_000 a*b", "America/Los_Angeles 1_000 a*b"),
    # a quote only starts a line; direction overrides are dropped
    ("> quoted\n  > again a > b", "\u2060&gt; quoted\n  \u2060&gt; again a &gt; b"),
    ("evil\u202eexe.txt \u2066x\u2069", "evilexe.txt x"),
])
def test_escape(typed: str, shown: str):
    assert render.escape(typed) == shown


@pytest.mark.parametrize(("url", "shown"), [
    ("https://compilergym.ai/docs?a=1&b=2", "<https://compilergym.ai/docs?a=1&amp;b=2>"),
    ("http://x.org/a_b", "<http://x.org/a_b>"),
    ("https://x.org/<!channel>", "https://x.org/&lt;!channel&gt;"),  # not a plain address
    ("https://x.org/a|b", "https://x.org/a|b"),
    ("javascript:alert(1)", "javascript:alert(1)"),
    ("https://exämple.org", "https://exämple.org"),
])
def test_a_program_link(url: str, shown: str):
    assert render.link(url) == shown


@pytest.mark.parametrize(("text", "limit", "shortened"), [
    ("short", 10, "short"),
    ("a b c d e f", 6, "a b c…"),
    ("ab &amp; cd", 6, "ab…"),  # not "ab &a…"
    ("ab &amp; cd", 9, "ab &amp;…"),
    ("x <!date^1^{time}|9:30> y", 12, "x…"),  # not inside the token
    ("x <!date^1^{time}|9:30> y", 24, "x <!date^1^{time}|9:30>…"),
    (f"ab {ZWSP}*{ZWSP}cd", 6, "ab…"),  # a neutralised mark goes whole
    ("abc", 0, ""),
])
def test_cut(text: str, limit: int, shortened: str):
    assert render.cut(text, limit) == shortened
    assert len(render.cut(text, limit)) <= limit


def _one_line(*line: object) -> Reply:
    return Reply(lines=(line,), zone=ZoneInfo("UTC"),  # type: ignore[arg-type]
                 now=datetime(2021, 12, 13, tzinfo=UTC))


def test_text_that_escapes_beyond_the_budget_is_cut_between_entities():
    message = render.to_message(_one_line("Hidden: ", Quote("&<>" * 700, limit=2000)))
    for text in (message.text, message.blocks[0]["text"]["text"]):
        assert render.MESSAGE_CHARS - 5 <= len(text) <= render.MESSAGE_CHARS
        assert text.endswith("…")
        assert text.removesuffix("…").endswith(("&amp;", "&lt;", "&gt;"))
    assert block_kit_problems(message.blocks) == []


def test_lines_of_times_are_cut_between_tokens_and_buttons_are_kept():
    start = datetime(2021, 12, 13, 17, 0, tzinfo=UTC)
    reply = Reply(lines=tuple(("Slot: ", Moment(start + timedelta(minutes=n),
                                                start + timedelta(minutes=n + 5)))
                              for n in range(60)),
                  zone=ZoneInfo("UTC"), now=start)
    message = render.to_message(reply, [Button("Remind me", "remind", "s1")])
    texts = [t for b in message.blocks for t in render.block_texts(b)]
    assert render.message_chars(message.blocks) <= render.MESSAGE_CHARS
    assert all(t.count("<") == t.count(">") for t in texts)
    assert message.blocks[-1]["type"] == "actions"  # the buttons stay, counted in the budget
    assert texts[-2].endswith("…")
    assert block_kit_problems(message.blocks) == []


def test_quotes_are_escaped_and_shortened():
    reply = Reply(lines=(), zone=ZoneInfo("UTC"), now=datetime(2021, 12, 13, tzinfo=UTC))
    line = ("Nothing matches ", Quote("<!channel> " + "z" * 100), ".")
    assert render.line_mrkdwn(line, reply) == (
        "Nothing matches “&lt;!channel&gt; " + "z" * 68 + "…”.")


# ------------------------------------------------------------------------------ payloads


@pytest.mark.parametrize(("text", "typed"), [
    ("<@U0BOT> what's next?", "what's next?"),
    ("<@U0BOT|workshop-bot>   when is   kraska", "when is kraska"),
    ("hey <@U0BOT>, agenda", "hey , agenda"),
    ("search <!channel> <@U123>", "search <!channel> <@U123>"),  # others' mentions stay
    ("about <https://compilergym.ai|compilergym.ai>", "about compilergym.ai"),
    ("about <https://compilergym.ai>", "about https://compilergym.ai"),
    ("search a &amp; b &lt;c&gt;", "search a & b <c>"),
])
def test_typed_text(text: str, typed: str):
    assert inbound.typed_text(text, "U0BOT") == typed


@pytest.mark.parametrize(("text", "question", "public"), [
    ("what's next?", "what's next?", False),
    ("public what's next?", "what's next?", True),
    ("when is kraska Public", "when is kraska", True),
    ("search public speaking", "search public speaking", False),
    ("", "", False),
])
def test_the_public_word(text: str, question: str, public: bool):
    assert inbound.split_public(text) == (question, public)


def test_a_special_mention_before_a_mark_is_broken_too() -> None:
    """"@channel_" is no mention as typed, but the mark's zero-width spaces would make it
    one (found by tests/slack/test_hostile_text.py)."""
    escaped = render.escape("yz@channel_-")
    assert "@channel" not in escaped and "@\u2060channel" in escaped
