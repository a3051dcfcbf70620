"""The phrasing corpora: hundreds of questions as attendees type them, asked of a real
core on the bundled program and on a second, multi-room one (tests/phrasings/).

The development corpus must be answered right throughout; it is the one to tune on, so
its failures are listed in full. The held-out corpus measures what tuning did not see:
at least HELDOUT_RIGHT right (the target is 95%) and never a wrong fact, and its failures
show only counts and the wrong answers, so nobody tunes on its questions. How a case is
asked and judged is in tests/phrasings/corpus.py, which the README's accuracy table
(``python -m tests.phrasings.report``) uses too.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from tests.phrasings.corpus import (
    DEVELOPMENT,
    FAMILIES,
    HELDOUT,
    INTENTS,
    Case,
    Outcome,
    ask_key,
    describe,
    load,
    percent,
    run,
    tally,
)

MIN_DEVELOPMENT = 280
MIN_HELDOUT = 120
MIN_TOTAL = 400
MIN_HELDOUT_SHARE = 0.30
# The target for the held-out part is 95% right. The code reaches 84% (README,
# "How well it understands"), so this test holds that floor, never wrong, and fails on
# any regression; raise it as the understanding improves, to the target.
HELDOUT_TARGET = 0.95
HELDOUT_RIGHT = 0.88


@pytest.fixture(scope="module")
def development_cases() -> list[Case]:
    return load(DEVELOPMENT, "development")


@pytest.fixture(scope="module")
def heldout_cases() -> list[Case]:
    return load(HELDOUT, "heldout")


def _outcomes(cases: list[Case], folder: Path) -> list[Outcome]:
    """Every case's outcome; the start line each core logs is noise here, so the bot's
    logger is quieted for the run and put back after (later tests read its INFO lines)."""
    logger = logging.getLogger("bot")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        return asyncio.run(run(cases, folder))
    finally:
        logger.setLevel(level)


@pytest.fixture(scope="module")
def development_outcomes(development_cases: list[Case],
                         tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    """Every development case, one core per program, built once for the module."""
    return _outcomes(development_cases, tmp_path_factory.mktemp("phrasings-development"))


@pytest.fixture(scope="module")
def heldout_outcomes(heldout_cases: list[Case],
                     tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    assert heldout_cases, f"{HELDOUT.name} has no cases"
    return _outcomes(heldout_cases, tmp_path_factory.mktemp("phrasings-heldout"))


def test_development_corpus(development_outcomes: list[Outcome]) -> None:
    assert development_outcomes, f"{DEVELOPMENT.name} has no cases"
    failing = [o for o in development_outcomes if o.status != "right"]
    counts = tally(development_outcomes)["all"]
    if failing:
        pytest.fail(f"{len(failing)} of {counts.total} development cases not right "
                    f"({counts.wrong} wrong, {counts.missed} missed):\n\n"
                    + "\n\n".join(describe(o) for o in failing), pytrace=False)


def test_runner_judges_replies(tmp_path: Path) -> None:
    """The judge itself: a fact said is right, a fact missing is missed, a fact excluded
    is wrong, another intent is missed; asked of a real core in the reader's zone."""
    base = Case(part="self", program="bundled", number=1, ask="who's speaking after Kraska?",
                family="relative", intent="after", subject="Tim Kraska",
                contains=("Anandkumar", "19:10"), excludes=(), before=(),
                at="2021-12-13T11:00:00-08:00", zone="Europe/Berlin")
    cases = [
        base,
        replace(base, number=2, contains=("Anandkumar", "10:10")),  # a PST time, read in CET
        replace(base, number=3, excludes=("Anandkumar",)),
        replace(base, number=4, intent="before"),
        replace(base, number=5, ask="and after that?", before=("who's on at 19:15?",),
                contains=("Carbin",)),
    ]
    statuses = [o.status for o in _outcomes(cases, tmp_path)]
    assert statuses == ["right", "missed", "wrong", "missed", "right"]


def test_heldout_corpus(heldout_outcomes: list[Outcome]) -> None:
    families = tally(heldout_outcomes)
    overall = families["all"]
    right_enough = overall.right >= HELDOUT_RIGHT * overall.total
    if right_enough and not overall.wrong:
        return
    # only counts and the wrong answers: the missed questions stay unread
    lines = [f"held-out: {overall.right} / {overall.total} right "
             f"({percent(overall.right, overall.total)}, needs {HELDOUT_RIGHT:.0%} on the way "
             f"to {HELDOUT_TARGET:.0%}), "
             f"{overall.wrong} wrong"]
    lines += [f"  {name}: {t.right} / {t.total} right, {t.wrong} wrong, {t.missed} missed"
              for name, t in families.items() if name != "all"]
    if overall.wrong:
        lines += ["", "WRONG answers (a fact the reply must not state):", ""]
        lines += [describe(o) for o in overall.wrong_cases]
    pytest.fail("\n".join(lines), pytrace=False)


def _shape_problems(cases: list[Case]) -> list[str]:
    problems = []
    for case in cases:
        if case.family not in FAMILIES:
            problems.append(f"{case.label}: unknown family {case.family!r}")
        if case.intent not in INTENTS:
            problems.append(f"{case.label}: unknown or missing intent {case.intent!r}")
        if not case.contains:
            problems.append(f"{case.label}: needs at least one `contains`")
        if not case.ask.strip():
            problems.append(f"{case.label}: empty `ask`")
    return problems


def _question(case: Case) -> str:
    """What a case asks, for finding the same question in both corpora: its words without
    case or punctuation. A follow-up ("and after that?") is only the same question after
    the same earlier messages: the short follow-up forms are few, and both corpora need
    them."""
    return ask_key(" / ".join((*case.before, case.ask)))


def test_corpus_shape(development_cases: list[Case], heldout_cases: list[Case]) -> None:
    assert len(development_cases) >= MIN_DEVELOPMENT, (
        f"{DEVELOPMENT.name}: {len(development_cases)} cases, needs {MIN_DEVELOPMENT}")
    assert not (problems := _shape_problems(development_cases)), "\n".join(problems)
    assert len(heldout_cases) >= MIN_HELDOUT, (
        f"{HELDOUT.name}: {len(heldout_cases)} cases, needs {MIN_HELDOUT}")
    total = len(development_cases) + len(heldout_cases)
    assert total >= MIN_TOTAL, f"{total} cases in all, needs {MIN_TOTAL}"
    assert len(heldout_cases) >= MIN_HELDOUT_SHARE * total, (
        f"the held-out share is {len(heldout_cases) / total:.0%}, needs {MIN_HELDOUT_SHARE:.0%}")
    assert not (problems := _shape_problems(heldout_cases)), "\n".join(problems)
    development_asks = {_question(case) for case in development_cases}
    repeated = [case.label for case in heldout_cases if _question(case) in development_asks]
    assert not repeated, f"held-out cases that repeat a development ask: {repeated}"
