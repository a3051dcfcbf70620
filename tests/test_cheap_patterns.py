"""The cheap preconditions of bot.cheap_patterns never change what a pattern finds: a
start guard allows every text its pattern matches, and an Ending finds what the plain
search finds. Checked on every question of the phrasing corpora, as the parser sees it,
and on endings made to be on the edge."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from bot import cheap_patterns, frames, intents
from bot.casual_forms import plain_chat
from bot.cheap_patterns import (
    GUARD_LENGTH,
    Ending,
    grammar_patterns,
    guard_key,
    guard_prefixes,
    start_guard,
    worked_out_guard,
)
from tests.phrasings.corpus import DEVELOPMENT, HELDOUT

ENDINGS = ["", " tomorrow", " day 2", " day2", " on the last day", " in my time",
           " for me", " my time", " in local time", ", local time", " tonight",
           " before lunch", " after the lunch break", " on tuesday afternoon",
           " across both days", " talk", " wrap up", " on stage", " first", " 3rd",
           " the opening", " TOMORROW", " In My Time Zone", " 10am my time"]


def _asks() -> list[str]:
    texts: list[str] = []
    for path in (DEVELOPMENT, HELDOUT):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for body in data["programs"].values():
            for case in body["cases"]:
                texts.append(case["ask"])
                texts.extend(case.get("before") or ())
    return texts


ASKS = _asks()


def _as_parsed(text: str) -> str:
    """The lowered text the frames and patterns are searched in (as ``_parse`` has it)."""
    cleaned = intents.normalize_text(text).lstrip("/!").strip()
    return (plain_chat(cleaned) or cleaned).casefold()


TEXTS = sorted({_as_parsed(text + ending) for text in ASKS for ending in ENDINGS[:6]}
               | {_as_parsed(text) for text in ASKS})


def test_the_corpora_are_there_to_check_against() -> None:
    assert len(ASKS) > 400 and len(TEXTS) > 2000


@pytest.mark.parametrize("rule", ["frames", "patterns"])
def test_a_start_guard_allows_every_text_its_pattern_matches(rule: str) -> None:
    patterns = [f.pattern for f in frames.FRAMES] if rule == "frames" else \
        [p for _, p in intents.PATTERNS]
    guarded = 0
    for pattern in patterns:
        guard = start_guard(pattern)
        if guard is None:
            continue
        guarded += 1
        wrongly_refused = [t for t in TEXTS if pattern.search(t) and not guard.allows(t)]
        assert not wrongly_refused, (pattern.pattern[:80], wrongly_refused[:3])
    assert guarded >= len(patterns) * 2 // 3  # the guards are there at all


def test_the_kept_guards_are_every_patterns_worked_out_guard() -> None:
    """bot/start_guards.json (read at start-up instead of parsing 250 patterns) holds a
    guard for every pattern of the grammar, the same as the one worked out from it; when
    this fails, run ``.venv/bin/python -m bot.cheap_patterns``."""
    kept = json.loads(cheap_patterns.GUARDS_FILE.read_text(encoding="utf-8"))
    patterns = grammar_patterns()
    assert len(patterns) > 200
    for pattern in patterns:
        key = guard_key(pattern.pattern, pattern.flags, GUARD_LENGTH)
        assert key in kept, ("not kept: run python -m bot.cheap_patterns", pattern.pattern[:80])
        assert kept[key] == guard_prefixes(pattern), pattern.pattern[:80]
        made = start_guard(pattern)
        worked = worked_out_guard(pattern)
        assert (made and made.prefixes()) == (worked and worked.prefixes())
    assert sum(v is not None for v in kept.values()) >= len(patterns) // 2


def test_a_pattern_not_kept_has_its_guard_worked_out() -> None:
    pattern = re.compile(r"^(?:zq|xw)\s+(?:frob|blat)\b")  # in no grammar: not in the file
    assert guard_key(pattern.pattern, pattern.flags, GUARD_LENGTH) not in json.loads(
        cheap_patterns.GUARDS_FILE.read_text(encoding="utf-8"))
    guard = start_guard(pattern)
    assert guard is not None and guard.allows("zq frob") and not guard.allows("zz frob")


def test_a_start_guard_reads_alternatives_options_and_classes() -> None:
    guard = start_guard(re.compile(r"^(?:and\s+)?(?:when|what time)\s+(?:is|[ae]re)\b"))
    assert guard is not None
    for text in ("when is it", "and when are they", "what time ere", "when is"):
        assert guard.allows(text), text
    for text in ("who is", "and so when is", "xwhen is", " when is"):
        assert not guard.allows(text), text


@pytest.mark.parametrize("pattern", [r"\bwhen is", r"^.*when", r"^(?P<s>\w+) starts",
                                     r"(?i)^when"])
def test_no_guard_where_the_beginning_cannot_be_listed(pattern: str) -> None:
    assert start_guard(re.compile(pattern)) is None


@pytest.mark.parametrize("name", ["TRAILING_SCOPE", "READER_TIME", "WHEN_TAIL",
                                  "ORDINAL_END"])
def test_an_ending_finds_what_the_plain_search_finds(name: str) -> None:
    ending = getattr(intents, name)
    assert isinstance(ending, Ending)
    found = 0
    for ask in ASKS:
        for tail in ENDINGS:
            text = intents.normalize_text(ask) + tail  # scopes are read on normalized text
            plain = ending.pattern.search(text)
            guarded = ending.search(text)
            assert (plain and plain.span()) == (guarded and guarded.span()), (name, text)
            assert ending.sub("", text) == ending.pattern.sub("", text), (name, text)
            found += plain is not None
    assert found > 50  # the endings were there to be found


def test_an_ending_with_a_word_limit_searches_only_the_last_words() -> None:
    ending = Ending(r"(?:^|\s)(?:in|for)\s+(?P<city>\w+(?:\s\w+)?)$", ["a", "b"], words=4)
    text = "what is on in room 3 for me in new b"
    found = ending.search(text)
    assert found is not None and found["city"] == "new b"
    assert ending.search("in b") is not None
    assert ending.search("what is on in room c") is None
