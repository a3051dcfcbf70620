"""Running the phrasing corpora: questions attendees type, each with the facts a right
answer must state, asked of a real core on a real program.

Shared by tests/test_phrasings.py (which asserts on the outcomes) and
tests/phrasings/report.py (which prints the accuracy table for the README), so the test
and the published numbers can never disagree on what counts as right.

A case is asked by a fresh user, after its ``before`` messages, at its clock and in its
reader's zone. Its outcome is "right" (the intent matches when one is given, every
``contains`` is in the reply and no ``excludes`` is), "wrong" (an ``excludes`` appeared:
the bot stated a wrong fact, the worst outcome) or "missed" (anything else: it did not
understand, or did not say the fact).
"""

from __future__ import annotations

import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml

from bot.app import open_core
from bot.messages import IncomingMessage, UserRef
from bot.render_text import render
from bot.services import Services
from bot.settings import BUNDLED_PROGRAM, load_settings
from tests.support import ManualClock

HERE = Path(__file__).resolve().parent
DEVELOPMENT = HERE / "development.yaml"
HELDOUT = HERE / "heldout.yaml"
PARTS: dict[str, Path] = {"development": DEVELOPMENT, "heldout": HELDOUT}
PROGRAMS: dict[str, Path] = {
    "bundled": BUNDLED_PROGRAM,
    "summit": HERE / "summit-program.yaml",
}
FAMILIES = ("workshop", "relative", "duration", "kind", "absent", "casual", "followup",
            "existing")
INTENTS = frozenset({
    "now", "next", "agenda", "papers", "when", "who_at", "about", "person", "by", "search",
    "remind", "help", "workshop", "after", "before", "first", "last", "duration", "range",
    "kind", "count", "where",
})
PLATFORM = "test"

Status = Literal["right", "wrong", "missed"]


class CorpusError(Exception):
    """A corpus file that does not follow the format (tests/phrasings/README is the spec)."""


@dataclass(frozen=True, slots=True)
class Case:
    """One question of a corpus, with everything needed to ask it and judge the reply."""

    part: str
    program: str
    number: int  # its position in the program's list, for messages
    ask: str
    family: str
    intent: str | None
    subject: str
    contains: tuple[str, ...]
    excludes: tuple[str, ...]
    before: tuple[str, ...]
    at: str
    zone: str

    @property
    def label(self) -> str:
        return f"{self.part}/{self.program}#{self.number}"


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    status: Status
    got_intent: str
    reply: str
    missing: tuple[str, ...] = ()  # contains not found
    present: tuple[str, ...] = ()  # excludes found


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    missed: int = 0
    wrong_cases: list[Outcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.missed

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "right":
            self.right += 1
        elif outcome.status == "wrong":
            self.wrong += 1
            self.wrong_cases.append(outcome)
        else:
            self.missed += 1


# -- reading a corpus file --------------------------------------------------------------

def _strings(value: Any, where: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CorpusError(f"{where}: `{name}` must be a list of non-empty strings")
    return tuple(value)


def _instant(value: Any, where: str) -> str:
    # YAML reads an unquoted ISO timestamp as a datetime; keep it as ISO text either way
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise CorpusError(f"{where}: `at` is not an ISO instant: {text!r}") from None
    if parsed.tzinfo is None:
        raise CorpusError(f"{where}: `at` needs a UTC offset: {text!r}")
    return text


def _zone(value: Any, where: str) -> str:
    try:
        ZoneInfo(str(value))
    except (ValueError, KeyError):
        raise CorpusError(f"{where}: unknown zone {value!r}") from None
    return str(value)


def load(path: Path, part: str) -> list[Case]:
    """The cases of one corpus file, checked against the format; [] when it is absent."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("programs"), dict):
        raise CorpusError(f"{path.name}: needs a `programs` mapping")
    cases: list[Case] = []
    for program, body in data["programs"].items():
        where = f"{path.name}/{program}"
        if program not in PROGRAMS:
            raise CorpusError(f"{where}: unknown program (known: {', '.join(PROGRAMS)})")
        if not isinstance(body, dict) or not isinstance(body.get("cases"), list):
            raise CorpusError(f"{where}: needs `at`, `zone` and a list of `cases`")
        at = _instant(body.get("at"), where)
        zone = _zone(body.get("zone"), where)
        for number, raw in enumerate(body["cases"], 1):
            here = f"{where}#{number}"
            if not isinstance(raw, dict) or not isinstance(raw.get("ask"), str):
                raise CorpusError(f"{here}: a case needs `ask`")
            intent = raw.get("intent")
            cases.append(Case(
                part=part, program=program, number=number, ask=raw["ask"],
                family=str(raw.get("family", "")),
                intent=str(intent) if intent is not None else None,
                subject=str(raw.get("subject", "")),
                contains=_strings(raw.get("contains"), here, "contains"),
                excludes=_strings(raw.get("excludes"), here, "excludes"),
                before=_strings(raw.get("before"), here, "before"),
                at=_instant(raw["at"], here) if "at" in raw else at,
                zone=_zone(raw["zone"], here) if "zone" in raw else zone,
            ))
    return cases


def load_parts(parts: Iterable[str]) -> list[Case]:
    return [case for part in parts for case in load(PARTS[part], part)]


# -- judging a reply --------------------------------------------------------------------

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ",
                         "\u202f": " "})


def normalise(text: str) -> str:
    """Case, typographic quotes and runs of whitespace do not matter to a fact."""
    return " ".join(text.translate(_QUOTES).casefold().split())


def judge(case: Case, got_intent: str, reply: str) -> Outcome:
    said = normalise(reply)
    missing = tuple(fact for fact in case.contains if normalise(fact) not in said)
    present = tuple(fact for fact in case.excludes if normalise(fact) in said)
    if present:
        status: Status = "wrong"
    elif missing or (case.intent is not None and got_intent != case.intent):
        status = "missed"
    else:
        status = "right"
    return Outcome(case, status, got_intent, reply, missing, present)


# -- asking a real core -----------------------------------------------------------------

_users = itertools.count(1)


async def _ask(core: Services, clock: ManualClock, case: Case) -> Outcome:
    clock.set(case.at)
    user = UserRef(PLATFORM, f"phrasing-{case.part}-{case.program}-{next(_users)}")
    zone = ZoneInfo(case.zone)
    for earlier in case.before:
        await core.router.handle(IncomingMessage(user, earlier, zone=zone))
    message = IncomingMessage(user, case.ask, zone=zone)
    got = core.router.understand(message).intent.value
    reply = render(await core.router.handle(message))
    return judge(case, got, reply)


async def run_program(program: str, cases: Sequence[Case], folder: Path) -> list[Outcome]:
    """Every case of one program, on one core (a fresh SQLite file in ``folder``)."""
    if not cases:
        return []
    clock = ManualClock(datetime.fromisoformat(cases[0].at))
    settings = load_settings(  # the fields tests/conftest.py's make_settings sets
        database_url=f"sqlite:///{folder / f'phrasings-{program}.db'}",
        bot_program=PROGRAMS[program],
    )
    async with open_core(settings, clock) as core:
        return [await _ask(core, clock, case) for case in cases]


def by_program(cases: Iterable[Case]) -> Iterator[tuple[str, list[Case]]]:
    for program in PROGRAMS:
        chosen = [case for case in cases if case.program == program]
        if chosen:
            yield program, chosen


async def run(cases: Sequence[Case], folder: Path | None = None) -> list[Outcome]:
    """Every case, one core per program; the outcomes in the cases' order."""
    if folder is None:
        with tempfile.TemporaryDirectory(prefix="phrasings-") as name:
            return await run(cases, Path(name))
    outcomes: dict[Case, Outcome] = {}
    for program, chosen in by_program(cases):
        for outcome in await run_program(program, chosen, folder):
            outcomes[outcome.case] = outcome
    return [outcomes[case] for case in cases]


# -- summing up -------------------------------------------------------------------------

def tally(outcomes: Iterable[Outcome]) -> dict[str, Tally]:
    """Per family, in the spec's order, then "all"."""
    families: dict[str, Tally] = {family: Tally() for family in FAMILIES}
    overall = Tally()
    for outcome in outcomes:
        families.setdefault(outcome.case.family, Tally()).add(outcome)
        overall.add(outcome)
    shown = {name: t for name, t in families.items() if t.total}
    shown["all"] = overall
    return shown


def describe(outcome: Outcome, width: int = 300) -> str:
    """One failing case, for a developer: what was asked, expected and answered."""
    case = outcome.case
    expected = f"intent {case.intent}" if case.intent else "any intent"
    lines = [
        f"[{outcome.status}] {case.label} ({case.family}) {case.ask!r}"
        f"  at {case.at} in {case.zone}" + (f" after {list(case.before)}" if case.before else ""),
        f"    expected {expected}, contains {list(case.contains)}"
        + (f", excludes {list(case.excludes)}" if case.excludes else ""),
        f"    got intent {outcome.got_intent}"
        + (f"; missing {list(outcome.missing)}" if outcome.missing else "")
        + (f"; WRONG: said {list(outcome.present)}" if outcome.present else ""),
        "    reply: " + " ".join(outcome.reply.split())[:width],
    ]
    return "\n".join(lines)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def table(results: dict[str, dict[str, Tally]]) -> str:
    """Markdown: a row per family, a column group per part."""
    parts = list(results)
    head = "| family | " + " | ".join(f"{p} right | {p} % | {p} wrong" for p in parts) + " |"
    rule = "| --- |" + " ---: | ---: | ---: |" * len(parts)
    families = [f for f in (*FAMILIES, *sorted({f for r in results.values() for f in r}))
                if any(f in r for r in results.values()) and f != "all"]
    rows = [head, rule]
    for family in [*dict.fromkeys(families), "all"]:
        cells = []
        for part in parts:
            t = results[part].get(family)
            cells.append(f"{t.right} / {t.total} | {percent(t.right, t.total)} | {t.wrong}"
                         if t else "– | – | –")
        name = "**all**" if family == "all" else family
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def ask_key(text: str) -> str:
    """An ask compared across corpora: lowercase, no punctuation, single spaces."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
