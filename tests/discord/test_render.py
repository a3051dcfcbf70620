"""Replies as Discord messages: timestamps, escaping, and Discord's size limits, on the
core's real answers and on replies larger than any the bundled program produces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import discord
import pytest

from adapters.discord.render import MAX_CONTENT, MAX_DESCRIPTION, Formatter, plain
from bot.messages import Card, Moment, Quote, Reply
from tests.discord.discord_markdown import Live, live_forms, shown
from tests.support import Conversation

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2021, 12, 13, 18, 15, tzinfo=UTC)


def ts(iso: str, style: str) -> str:
    return f"<t:{int(datetime.fromisoformat(iso).timestamp())}:{style}>"


def card(number: int, **fields: object) -> Card:
    start = NOW + timedelta(hours=number)
    values: dict[str, object] = {
        "slug": f"item-{number}", "kind_label": "Talk", "title": f"Talk number {number}",
        "people_label": "Speaker", "people": ("Ada Lovelace",), "summary": "x" * 400,
        "when": Moment(start, start + timedelta(minutes=30)),
    }
    values.update(fields)
    return Card(**values)  # type: ignore[arg-type]


def reply(*cards: Card, layout: str = "detail", **fields: object) -> Reply:
    return Reply(lines=(("Heading:",),), zone=LA, now=NOW, cards=cards,
                 layout=layout, **fields)  # type: ignore[arg-type]


def size(embeds: list[discord.Embed]) -> int:
    return sum(len(e) for e in embeds)


async def test_live_clock_uses_discords_relative_timestamps(chat: Conversation) -> None:
    answer = await chat.reply("what's on now?", at="2021-12-13T09:40:00-08:00")
    rendered = Formatter(live=True).render(answer)
    when = rendered.embeds[0].fields[0].value
    start, end = ts("2021-12-13T09:30:00-08:00", "F"), ts("2021-12-13T10:05:00-08:00", "t")
    assert when == f"{start} – {end} (now, ends {ts('2021-12-13T10:05:00-08:00', 'R')})"
    closing = rendered.embeds[-1].description or ""
    assert closing.startswith("Next: Talk by Anima Anandkumar (title TBD) at "
                              f"{ts('2021-12-13T10:10:00-08:00', 'F')} (")
    assert closing.endswith(f"{ts('2021-12-13T10:10:00-08:00', 'R')}).")


async def test_simulated_clock_words_relative_times_itself(chat: Conversation) -> None:
    answer = await chat.reply("what's on now?", at="2021-12-13T09:40:00-08:00")
    when = Formatter(live=False).render(answer).embeds[0].fields[0].value
    assert when.endswith("(now, ends in 25 min)")
    assert ":R>" not in when


async def test_a_span_over_midnight_shows_both_dates(chat: Conversation) -> None:
    answer = await chat.reply("when is Luis Ceze's talk?", tz="Asia/Tokyo")
    when = Formatter(live=False).render(answer).embeds[0].fields[0].value
    # 3:50-4:25 PM in Los Angeles is 08:50-09:25 in Tokyo: the same day there
    assert when.startswith(f"{ts('2021-12-13T15:50:00-08:00', 'F')} – "
                           f"{ts('2021-12-13T16:25:00-08:00', 't')}")
    late = Reply(lines=(), zone=LA, now=NOW, cards=(card(
        1, when=Moment(datetime(2021, 12, 14, 7, 30, tzinfo=UTC),
                       datetime(2021, 12, 14, 8, 30, tzinfo=UTC))),))
    when = Formatter(live=False).render(late).embeds[0].fields[0].value
    assert when.endswith(":F>")  # 11:30 PM to 00:30 in Los Angeles: the end has its date


def test_detail_cards_stay_within_discords_embed_limits() -> None:
    many = tuple(card(n, summary="y" * 4000) for n in range(15))
    rendered = Formatter(live=False).render(reply(*many, after=(("Closing line.",),)))
    assert len(rendered.embeds) <= 10
    assert size(rendered.embeds) <= 6000
    shown = len(rendered.embeds) - 1
    closing = rendered.embeds[-1].description
    assert closing == f"…and {15 - shown} more.\nClosing line."
    assert all(len(e.description or "") <= MAX_DESCRIPTION for e in rendered.embeds)


def test_ten_short_cards_plus_closing_lines_fit_ten_embeds() -> None:
    rendered = Formatter(live=False).render(reply(*(card(n, summary=None) for n in range(10)),
                                                  after=(("Closing.",),)))
    assert len(rendered.embeds) == 10
    assert rendered.embeds[-1].description == "…and 1 more.\nClosing."


def test_long_fields_are_clipped() -> None:
    big = card(1, title="T" * 300, people=tuple(f"Person {n}" for n in range(200)),
               url="ftp://example.org/x")
    [embed] = Formatter(live=False).render(reply(big)).embeds
    assert len(embed.title or "") == 256 and (embed.title or "").endswith("…")
    people = next(f for f in embed.fields if f.name == "Speaker")
    assert len(people.value) <= 1024
    assert embed.url is None  # only http(s) links are valid embed URLs
    assert any(f.name == "Link" for f in embed.fields)


def test_a_long_list_fits_one_description() -> None:
    many = tuple(card(n, title=f"A rather long title for item number {n} " * 3)
                 for n in range(120))
    [listing] = Formatter(live=False).render(reply(*many, layout="list", more=5)).embeds
    description = listing.description or ""
    assert len(description) <= MAX_DESCRIPTION
    shown = sum(1 for line in description.splitlines() if line.startswith("• "))
    assert description.endswith(f"…and {120 - shown + 5} more.")


def test_content_is_cut_at_a_line_boundary() -> None:
    lines = tuple((f"Line {n} " + "z" * 90,) for n in range(40))
    rendered = Formatter(live=False).render(Reply(lines=lines, zone=LA, now=NOW))
    assert rendered.content is not None and len(rendered.content) <= MAX_CONTENT
    assert rendered.content.endswith("\n…")
    assert all(line.startswith(("Line ", "…")) for line in rendered.content.splitlines())


def test_program_text_and_user_text_are_escaped() -> None:
    odd = card(1, title="learned_cost *models*", people=("__init__",))
    said = Reply(lines=(("You said ", Quote("@here look at <@123456789012345678> **now**")),),
                 zone=LA, now=NOW, cards=(odd,))
    rendered = Formatter(live=False).render(said)
    assert rendered.content == (r"You said “\@here look at \<\@123456789012345678> "
                                r"\*\*now\*\*”")
    embed = rendered.embeds[0]
    assert embed.title == r"learned\_cost \*models\*"
    assert embed.fields[1].value == r"\_\_init\_\_"


def test_program_text_keeps_its_links_and_nothing_else_is_live() -> None:
    """Program and core text (``plain``) shows as written, but its http(s) links stay
    links: the program's URLs, and the Q&A thread links the core adds to answers."""
    text = ("# Intro_1 see https://ex.org/a_b*c and <@1> [x](https://ex.org/y) @here "
            "Europe/Berlin 19:15 ||z||\n1. next")
    escaped = plain(text)
    assert escaped == (r"\# Intro\_1 see https://ex.org/a_b*c and \<\@1> \[x\](https://ex.org/y)"
                       r" \@here Europe/Berlin 19:15 \|\|z\|\|" "\n" r"1\. next")
    assert shown(escaped) == text
    assert live_forms(escaped) == [Live("link", "https://ex.org/a_b*c"),
                                   Live("link", "https://ex.org/y")]
    assert plain("- a", line_start=False) == "- a"  # only a line's start makes a list


async def test_the_agenda_heading_names_no_zone_since_each_reader_sees_their_own(
    chat: Conversation,
) -> None:
    rendered = Formatter(live=False).render(await chat.reply("agenda", tz="Europe/Berlin"))
    assert rendered.content is not None
    assert rendered.content.startswith(
        "ML for Systems (NeurIPS 2021), Monday 13 December 2021 to Tuesday 14 December 2021:")
    assert "times in" not in rendered.content


def test_two_program_links_glued_together_are_text() -> None:
    """Once a direction mark between them is dropped, "[x](http://a)[x](http://a)" reads
    as one URL holding brackets: no link the program meant (found by test_hostile_text)."""
    escaped = plain("[x](http://evil.example)\u202e[x](http://evil.example)")
    assert [form for form in live_forms(escaped) if "[" in form.text] == []


@pytest.mark.parametrize("text", ["[x](http://evil.example)\u202ehttp://evil.example",
                                  "discord.gg/evilhttps://evil.example/a_b*c"])
def test_a_link_run_into_another_or_into_a_word_is_text(text: str) -> None:
    """Found by test_hostile_text on a clean run: two links run together, and a link
    glued to the word before it (Discord starts no link mid-word), show as text."""
    escaped = plain(text)
    written = text.replace("\u202e", "")
    for form in live_forms(escaped):
        assert form.kind == "link" and form.text in written and form.text.count("://") <= 1
