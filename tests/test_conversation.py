"""Conversations with the core router on the bundled program, with a fixed clock.

Times in the bundled program (America/Los_Angeles, Monday 13 December 2021, PST = UTC-8):
opening 9:00-9:25, Kraska 9:30-10:05, Anandkumar 10:10-10:40, Carbin 10:45-11:20,
lunch 12:05-13:00, Ceze 15:50-16:25, Phothilimtha 16:30-17:00, Tian 17:00-17:30,
closing 17:40-17:55.
"""

from __future__ import annotations

import pytest

from bot.render_text import MAX_CHARS
from tests.support import Conversation

# -- what is on now / next / the agenda ---------------------------------------------


async def test_now_during_a_talk(chat: Conversation) -> None:
    answer = await chat.ask("what's on now?", at="2021-12-13T10:15:00-08:00")
    assert answer.startswith("On now:")
    assert "Talk by Anima Anandkumar (title TBD)" in answer
    assert "10:10 AM – 10:40 AM PST (now, ends in 25 min)" in answer
    assert "Next: Talk by Michael Carbin (title TBD) at 10:45 AM PST (in 30 min)." in answer


async def test_now_before_during_a_gap_and_after(chat: Conversation) -> None:
    before = await chat.ask("now", at="2021-12-13T08:00:00-08:00")
    assert "has not started yet; it begins 9:00 AM PST (in 1 h)" in before
    assert "Opening Remarks" in before

    gap = await chat.ask("what is happening right now", at="2021-12-13T11:30:00-08:00")
    assert gap.startswith("Nothing is on right now.")
    assert "Lunch Break" in gap and "12:05 PM – 1:00 PM PST (in 35 min)" in gap

    after = await chat.ask("/now", at="2021-12-13T18:30:00-08:00")
    assert "is over; it ended 5:55 PM PST (35 min ago)" in after


async def test_a_session_is_on_from_its_start_until_just_before_its_end(chat: Conversation) -> None:
    at_start = await chat.ask("now", at="2021-12-13T09:30:00-08:00")
    assert "Talk by Tim Kraska" in at_start
    at_end = await chat.ask("now", at="2021-12-13T10:05:00-08:00")
    assert "Tim Kraska" not in at_end.split("Next:")[0]
    assert at_end.startswith("Nothing is on right now.")


async def test_next(chat: Conversation) -> None:
    answer = await chat.ask("what's next?", at="2021-12-13T10:15:00-08:00")
    assert answer.startswith("Next up:")
    assert "Talk by Michael Carbin (title TBD)" in answer
    assert "10:45 AM – 11:20 AM PST (in 30 min)" in answer
    assert "Anandkumar" not in answer

    last = await chat.ask("next", at="2021-12-13T17:50:00-08:00")  # closing remarks are on
    assert last == "Nothing else is scheduled; the last session ends 5:55 PM PST (in 5 min)."
    done = await chat.ask("next", at="2021-12-13T19:00:00-08:00")
    assert done == "Nothing else is scheduled: the last session ended 5:55 PM PST (1 h 5 min ago)."


async def test_agenda_lists_every_session_in_order(chat: Conversation) -> None:
    answer = await chat.ask("agenda")
    lines = [line for line in answer.splitlines() if line.startswith("• ")]
    assert len(lines) == 9
    assert lines[0].startswith("• 9:00 AM – 9:25 AM PST · Opening Remarks")
    assert lines[5].startswith("• 3:50 PM – 4:25 PM PST · Talk by Luis Ceze (title TBD)")
    assert lines[-1].startswith("• 5:40 PM – 5:55 PM PST · Closing Remarks")
    assert "Monday 13 December 2021" in answer
    assert "Plus 13 papers without a time slot" in answer
    assert await chat.ask("show me the full schedule") == await chat.ask("/agenda all")


# -- timezones ------------------------------------------------------------------------


async def test_agenda_in_berlin_crosses_midnight(chat: Conversation) -> None:
    answer = await chat.ask("agenda", tz="Europe/Berlin", at="2021-12-13T10:15:00-08:00")
    assert "(times in Europe/Berlin):" in answer
    assert "Monday 13 December 2021 to Tuesday 14 December 2021" in answer
    assert "• 18:00 – 18:25 CET · Opening Remarks" in answer
    assert "• Tue 14 Dec, 00:50 – 01:25 CET · Talk by Luis Ceze (title TBD)" in answer


async def test_when_in_tokyo_new_york_and_berlin(chat: Conversation) -> None:
    at = "2021-12-13T10:15:00-08:00"  # Tue 03:15 in Tokyo, Mon 13:15 in New York
    tokyo = await chat.ask("when is luis ceze", tz="Asia/Tokyo", at=at)
    assert "08:50 – 09:25 JST" in tokyo and "Dec" not in tokyo  # same day for the reader
    new_york = await chat.ask("when is luis ceze", tz="America/New_York", at=at)
    assert "6:50 PM – 7:25 PM EST (in 5 h 35 min)" in new_york
    berlin = await chat.ask("when is luis ceze", tz="Europe/Berlin", at=at)
    assert "Tue 14 Dec, 00:50 – 01:25 CET" in berlin


async def test_answer_near_midnight_shows_the_date_only_when_it_differs(
    chat: Conversation,
) -> None:
    # 23:55 on Monday in Berlin: Ceze's talk is tomorrow for this reader.
    late = await chat.ask("next", tz="Europe/Berlin", at="2021-12-13T23:55:00+01:00")
    assert "Tue 14 Dec, 00:50 – 01:25 CET (in 55 min)" in late
    # 00:10 on Tuesday in Berlin: the same talk is today, so no date.
    after_midnight = await chat.ask("next", tz="Europe/Berlin", at="2021-12-14T00:10:00+01:00")
    assert "\n  00:50 – 01:25 CET (in 40 min)" in after_midnight


async def test_who_is_speaking_at_a_time_read_in_the_askers_zone(chat: Conversation) -> None:
    assert "Anima Anandkumar" in await chat.ask("who is speaking at 10:15?")
    # 3:15 on Tuesday in Tokyo is 10:15 on Monday in Los Angeles.
    tokyo = await chat.ask("who is speaking at 3:15", tz="Asia/Tokyo")
    assert "At 03:15 JST:" in tokyo and "Anima Anandkumar" in tokyo
    # 1 am in Berlin is Ceze's talk (4 pm in Los Angeles, the evening before).
    berlin = await chat.ask("who's on at 1am", tz="Europe/Berlin")
    assert "Luis Ceze" in berlin and "Tue 14 Dec, 01:00 CET" in berlin
    # 1:30 pm in New York is 10:30 in Los Angeles.
    assert "Anima Anandkumar" in await chat.ask("who is talking at 1:30 pm", tz="America/New_York")
    # "3:50" with no am/pm means the time the program has: 3:50 pm.
    assert "Luis Ceze" in await chat.ask("/who 3:50")


async def test_who_at_a_free_time_or_outside_the_program(chat: Conversation) -> None:
    gap = await chat.ask("who is speaking at 2pm")
    assert gap.startswith("Nothing is on at 2:00 PM PST.")
    assert "Before: Lunch Break, ended 1:00 PM PST." in gap
    assert "After: Talk by Luis Ceze (title TBD) at 3:50 PM PST." in gap
    outside = await chat.ask("who is speaking at 7am")
    assert outside.startswith("Nothing is scheduled at “7am”")
    bad = await chat.ask("/who 25:99")
    assert "could not read “25:99” as a time" in bad


async def test_saved_timezone_is_used_until_reset(chat: Conversation) -> None:
    saved = await chat.ask("tz Europe/Berlin", user="bob")
    assert saved.startswith("Saved: times are now shown in Europe/Berlin, where it is 19:15 CET")
    assert "18:30 – 19:05 CET" in await chat.ask("when is kraska", user="bob")
    assert "9:30 AM – 10:05 AM PST" in await chat.ask("when is kraska", user="carol")
    shown = await chat.ask("what is my timezone", user="bob")
    assert "Europe/Berlin (your saved timezone)" in shown
    assert "workshop's timezone again" in await chat.ask("tz reset", user="bob")
    assert "9:30 AM – 10:05 AM PST" in await chat.ask("when is kraska", user="bob")


async def test_timezone_by_city_and_unknown_zone(chat: Conversation) -> None:
    assert "Asia/Tokyo" in await chat.ask("I'm in Tokyo", user="dan")
    unknown = await chat.ask("/tz Mars/Olympus_Mons", user="dan")
    assert unknown.startswith("Unknown timezone “Mars/Olympus_Mons”; did you mean")
    assert "Asia/Tokyo" in await chat.ask("tz", user="dan")  # unchanged by the bad one


# -- when / about / who ----------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "when is Tim Kraska's talk?",
        "when does kraska speak",
        "When is TIM KRASKA on?",
        "/when kraska",
        "when is krasca",  # misspelt
    ],
)
async def test_when_is_kraska(chat: Conversation, question: str) -> None:
    answer = await chat.ask(question)
    assert "Talk by Tim Kraska (title TBD)" in answer
    assert "9:30 AM – 10:05 AM PST (ended 10 min ago)" in answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("when is anima anankumar", "10:10 AM – 10:40 AM PST"),
        ("when does Anandkumar speak?", "10:10 AM – 10:40 AM PST"),
        ("when is Phitchaya", "4:30 PM – 5:00 PM PST"),
        ("when is phothi", "4:30 PM – 5:00 PM PST"),
        ("when is the XLA autotuner talk?", "4:30 PM – 5:00 PM PST"),
        ("when is the decompilation talk", "5:00 PM – 5:30 PM PST"),
        ("when is lunch", "12:05 PM – 1:00 PM PST"),
        ("what time is the closing", "5:40 PM – 5:55 PM PST"),
        ("when does carbin present", "10:45 AM – 11:20 AM PST"),
    ],
)
async def test_when_by_partial_name_misspelling_or_topic(
    chat: Conversation, question: str, expected: str
) -> None:
    assert expected in await chat.ask(question)


async def test_when_for_a_paper_without_a_slot_and_a_person_with_only_papers(
    chat: Conversation,
) -> None:
    paper = await chat.ask("when is compilergym")
    assert "CompilerGym: compiler optimization tasks" in paper
    assert "paper, no time slot on the program" in paper
    author = await chat.ask("when does Zhiyuan Yao speak")
    assert author.startswith("Zhiyuan Yao has no scheduled session (author (2 papers)).")
    assert "Aquarius" in author and "fair network load balancing" in author


async def test_when_for_a_person_with_a_talk_and_a_paper(chat: Conversation) -> None:
    answer = await chat.ask("when is Yuandong Tian")
    assert "5:00 PM – 5:30 PM PST" in answer
    assert "Also an author of: CompilerGym" in answer


async def test_about_a_paper(chat: Conversation) -> None:
    answer = await chat.ask("tell me about CompilerGym")
    assert answer.startswith(
        "• CompilerGym: compiler optimization tasks as reinforcement learning environments"
    )
    assert ("Authors: Chris Cummins, Bram Wasti, Brandon Cui, Olivier Teytaud, Benoit Steiner, "
            "Yuandong Tian, Hugh Leather") in answer
    assert "RL environments" in answer
    assert "no time slot" in answer


async def test_about_a_talk_has_speaker_summary_and_time(chat: Conversation) -> None:
    answer = await chat.ask("about the XLA autotuner")
    assert "Speaker: Phitchaya Phothilimtha" in answer
    assert "XLA compiler" in answer
    assert "4:30 PM – 5:00 PM PST (in 6 h 15 min)" in answer


async def test_bare_names_are_understood(chat: Conversation) -> None:
    assert "Authors: Santiago Miret" in await chat.ask("NEMO")
    assert "Organizer of ML for Systems (NeurIPS 2021)." in await chat.ask("Anna Goldie")


async def test_papers_by_an_author(chat: Conversation) -> None:
    answer = await chat.ask("papers by Milad Hashemi")
    assert answer.startswith("2 papers by Milad Hashemi:")
    assert "Interpretability of machine learning in computer systems" in answer
    assert "PRIME" in answer
    assert "1 paper by Michael Schaarschmidt" in await chat.ask("what did schaarschmidt write")
    assert "has no papers here (speaker (1 session))" in await chat.ask("papers by Tim Kraska")


async def test_everything_a_person_does(chat: Conversation) -> None:
    answer = await chat.ask("who is Martin Maas?")
    assert answer.startswith("Martin Maas (Google):")
    assert "Organizer of ML for Systems (NeurIPS 2021)." in answer
    assert "Opening Remarks" in answer and "Closing Remarks" in answer
    assert "analyzing a caching model" in answer
    steiner = await chat.ask("what is Benoit Steiner doing")
    assert "Facebook AI Research" in steiner and "CompilerGym" in steiner


async def test_keyword_search(chat: Conversation) -> None:
    quantization = await chat.ask("search quantization")
    assert quantization.startswith("2 results for “quantization”:")
    assert "NEMO" in quantization and "LNS-Madam" in quantization
    balancers = await chat.ask("any papers about load balancers")
    assert "Aquarius" in balancers and "fair network load balancing" in balancers
    assert "Autotuning a production ML compiler" in await chat.ask("find XLA")
    assert "Pruning neural decoders" in await chat.ask("search lottery ticket")


# -- reminders too close to keep -------------------------------------------------------


async def test_a_refused_reminder_suggests_an_offset_that_works(chat: Conversation) -> None:
    refused = await chat.ask("remind kraska 10m", at="2021-12-13T09:23:00-08:00")  # 7 min away
    assert refused.startswith("“Talk by Tim Kraska (title TBD)” starts at 9:30 AM PST (in 7 "
                              "min): 10 min before that is already past, so I set no reminder.")
    assert refused.endswith("Try a shorter time, e.g. “remind kraska 5m”.")
    assert "10m" not in refused
    taken = await chat.ask("remind kraska 5m", at="2021-12-13T09:23:00-08:00")
    assert "I'll remind you 5 min before “Talk by Tim Kraska (title TBD)”, at 9:25 AM PST" \
        in taken


async def test_a_refused_reminder_minutes_away_suggests_the_start(chat: Conversation) -> None:
    refused = await chat.ask("remind kraska 5m", at="2021-12-13T09:27:00-08:00")  # 3 min away
    assert refused.endswith("Try a shorter time, e.g. “remind kraska at start”.")
    taken = await chat.ask("remind kraska at start", at="2021-12-13T09:27:00-08:00")
    assert "I'll remind you when “Talk by Tim Kraska (title TBD)” starts, at 9:30 AM PST" \
        in taken


async def test_a_refused_reminder_seconds_away_suggests_nothing(chat: Conversation) -> None:
    refused = await chat.ask("remind kraska 5m", at="2021-12-13T09:29:30-08:00")  # 30 s away
    assert "already past, so I set no reminder." in refused
    assert "Try" not in refused and "remind kraska" not in refused


# -- no match, ambiguity, garbage, help -------------------------------------------------


async def test_no_match_suggests_the_closest(chat: Conversation) -> None:
    answer = await chat.ask("when is Tim Kraskovich-Smithson")
    assert "Tim Kraska" in answer
    missing = await chat.ask("tell me about quantum teleportation")
    assert missing.startswith("Nothing matches “quantum teleportation”: it is not on the "
                              "program.")


async def test_several_matches_are_listed(chat: Conversation) -> None:
    answer = await chat.ask("when is michael")
    assert answer.startswith("Several things match “michael”:")
    assert "Michael Carbin" in answer and "Michael Schaarschmidt" in answer
    balancers = await chat.ask("about load balancing")
    assert "Several things match" in balancers and "Aquarius" in balancers


@pytest.mark.parametrize("garbage", ["asdkjh qweoiu", "!!!###", "🤖🤖🤖", "x" * 5000])
async def test_garbage_gets_a_short_help(chat: Conversation, garbage: str) -> None:
    answer = await chat.ask(garbage)
    assert "Try:" in answer or "I answer questions" in answer
    assert len(answer) < 500


async def test_help_lists_the_commands(chat: Conversation) -> None:
    answer = await chat.ask("help")
    for command in ("now", "next", "agenda", "when <", "who at <time>", "about <",
                    "papers by <person>", "search <words>", "remind <talk>", "tz <zone>"):
        assert command in answer
    assert "Hi!" in await chat.ask("hello")


async def test_hostile_text_is_repeated_only_as_a_quote(chat: Conversation) -> None:
    reply = await chat.reply("<!channel> @everyone asdfgh")
    quoted = [seg for line in reply.lines for seg in line if not isinstance(seg, str)]
    assert any("@everyone" in getattr(seg, "text", "") for seg in quoted)
    assert all("@everyone" not in seg for line in reply.lines for seg in line
               if isinstance(seg, str))


async def test_every_answer_fits_discords_limit(chat: Conversation) -> None:
    for question in ("papers", "agenda", "help", "search learning", "search a" * 300):
        assert len(await chat.ask(question)) <= MAX_CHARS
