"""The question frames: the word index that skips frames is only a shortcut (it never
changes which frame a question meets), and the grammar's families read as intended."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import frames
from bot.casual_forms import plain_chat
from bot.intents import Intent, normalize_text, parse

VOCABULARY = sorted({w for frame in frames.FRAMES for w in frame.needs if w != "<num>"}
                    | {"kraska", "lunch", "the", "a", "talk", "10:15", "2", "4pm", "is",
                       "on", "of", "it", "that", "'s", "?", "ceze", "panel", "day"})


def _every_frame(lowered: str, original: str) -> frames.Request | None:
    for frame in frames.FRAMES:
        match = frame.pattern.search(lowered)
        if match is not None and (request := frame.build(match, original)) is not None:
            return request
    return None


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8))
def test_the_word_index_never_changes_the_frame(words: list[str]) -> None:
    text = plain_chat(normalize_text(" ".join(words)))
    assert frames.match_frame(text.casefold(), text) == _every_frame(text.casefold(), text)


@pytest.mark.parametrize(("question", "intent", "arg"), [
    ("who's up after Anandkumar?", Intent.AFTER, "Anandkumar"),
    ("what's just before Ceze?", Intent.BEFORE, "Ceze"),
    ("which talk opens the afternoon?", Intent.FIRST, "talk|afternoon"),
    ("what's the final item?", Intent.LAST, "item|"),
    ("how many minutes does Tian get?", Intent.DURATION, "Tian"),
    ("what's on from 2 to 4pm?", Intent.RANGE, "2|4pm"),
    ("is anything on at 1:30?", Intent.WHO_AT, "1:30"),
    ("who 10:15", Intent.WHO_AT, "10:15"),
    ("who's on at half past ten", Intent.WHO_AT, "10:30"),
    ("what's on in 10 minutes", Intent.WHO_AT, "+10"),
    ("will there be a panel discussion?", Intent.KIND, "panel discussion"),
    ("how many papers are there?", Intent.COUNT, "papers"),
    ("what time do things get going?", Intent.WORKSHOP, "start"),
    ("who runs this workshop", Intent.WORKSHOP, "organizers"),
    ("wots on atm", Intent.NOW, ""),
    ("and after that?", Intent.AFTER, "that"),
    ("remind me", Intent.REMIND, ""),
    ("is Bengio speaking", Intent.WHEN, "Bengio"),
    ("what's on between lunch and ceze", Intent.RANGE, "lunch|ceze"),
    ("ask kraska: how r u?", Intent.QA_ASK, "kraska: how r u?"),  # a question keeps its words
])
def test_frames_read_the_families(question: str, intent: Intent, arg: str) -> None:
    assert parse(question) == frames.Request(intent, arg)


def test_a_day_at_the_end_is_the_scope() -> None:
    assert parse("what time do things get going on Monday?") == frames.Request(
        Intent.WORKSHOP, "start", "monday")  # the start of that day
    assert parse("is something on tomorrow at 13:50") == frames.Request(
        Intent.WHO_AT, "13:50", "tomorrow")
