"""Benchmark of the core router: a crowd asking a program questions (issues 12 and 13).

Builds the real core (``bot.app.open_core``: a fresh SQLite database, the program loaded
into it and read back) with the router's answer cache off (``BOT_ANSWER_CACHE=false``,
``Router(answers=None)``), so every answer is worked out afresh, and routes each
question exactly as a chat message arrives: an :class:`IncomingMessage` from its asker,
``router.handle``, the reply rendered. A clock the benchmark sets moves across the
program's days with the questions, so "what's on now?" is asked of every part of the day.

``--mix crowd`` (the default, ``bench/crowd.py``): at least 1,000 askers and, with the
default 20,000 questions, 1,000 questions of every family, no question text twice:
varied phrasings, partial and misspelt names, title fragments, topic words, clock times
in and between sessions, people and topics the program does not have, txt-speak.
``--mix repeat``: the old two questions ("what's next?", "when is <speaker>") from one
asker, over and over.

The code's own memoisation stays on (it is part of what makes an answer cheap); the hit
rate of every ``lru_cache`` the questions went through is printed at the end, counted
over the measured questions only.

    .venv/bin/python bench/router_bench.py [--mix crowd|repeat] [--questions 20000]
        [--program FILE] [--seed 7] [--warmup 1000] [--profile FILE]
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import cProfile  # noqa: E402
import functools  # noqa: E402
import gc  # noqa: E402
import math  # noqa: E402
import pstats  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.crowd import MIXES, Crowd, Question  # noqa: E402
from bot.app import open_core  # noqa: E402
from bot.messages import IncomingMessage, Reply, UserRef  # noqa: E402
from bot.render_text import render  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.settings import BUNDLED_PROGRAM, Settings  # noqa: E402
from tests.support import ManualClock  # noqa: E402  (the clock the tests set, too)

NOT_UNDERSTOOD = "Sorry, I did not understand"
PLATFORM = "bench"



@dataclass(slots=True)
class Outcome:
    """One answered question: its family, how long ``router.handle`` took, and whether
    the reply was the not-understood help or a not-found answer."""

    family: str
    seconds: float
    not_understood: bool
    not_found: bool
    error: str = ""  # the exception the router raised (a bug: reported, not hidden)


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``samples``, nearest rank (the smallest sample
    that at least ``q`` % of them do not exceed)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def lru_caches(core: Services) -> dict[str, Any]:
    """Every ``functools.lru_cache`` the router's path can use: module-level ones in the
    bot's modules, and the program index's own (``resolve``, ``_hits``), by name."""
    found: dict[str, Any] = {}
    for name, module in sorted(sys.modules.items()):
        if not (name == "bot" or name.startswith("bot.")) or module is None:
            continue
        for attr, value in vars(module).items():
            if isinstance(value, functools._lru_cache_wrapper) and (
                    getattr(value, "__module__", name) == name):
                found[f"{name}.{attr}"] = value
    index = core.catalog.current.index
    for attr, value in vars(index).items() if hasattr(index, "__dict__") else ():
        if hasattr(value, "cache_info"):
            found[f"ProgramIndex.{attr}"] = value
    return found


def cache_counts(caches: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """(hits, misses, size) of each cache now."""
    out = {}
    for name, cache in caches.items():
        info = cache.cache_info()
        out[name] = (info.hits, info.misses, info.currsize)
    return out


def outcome(question: Question, seconds: float, reply: Reply, text: str) -> Outcome:
    """How ``question`` went: the help for what was not understood starts with the same
    words every time, a not-found answer says so in its kind."""
    return Outcome(question.family, seconds, text.startswith(NOT_UNDERSTOOD),
                   reply.kind == "not_found")


async def ask_all(core: Services, clock: ManualClock, questions: Sequence[Question]
                  ) -> tuple[float, list[Outcome]]:
    """Every question in turn through the router, the clock set to its moment; the
    whole loop's time and each answer's."""
    handle, perf = core.router.handle, time.perf_counter
    outcomes: list[Outcome] = []
    begin = perf()
    for question in questions:
        clock.at = question.at
        message = IncomingMessage(UserRef(PLATFORM, question.asker), question.text)
        t0 = perf()
        try:
            reply = await handle(message)
            text = render(reply)
        except Exception as exc:  # a bug in the bot: counted and shown, the crowd goes on
            outcomes.append(Outcome(question.family, perf() - t0, False, False,
                                    f"{type(exc).__name__}: {exc} <- {question.text!r}"))
            continue
        outcomes.append(outcome(question, perf() - t0, reply, text))
    return perf() - begin, outcomes


def family_table(outcomes: Sequence[Outcome]) -> list[str]:
    """A Markdown table, one row per family (the largest first) and one for all: one
    slow family hides in the overall percentiles, and a family the bot mostly does not
    understand is cheap for the wrong reason."""
    by_family: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_family[o.family].append(o)
    lines = ["| family | count | p50 ms | p99 ms | max ms | not understood | not found | errors |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    ordered = sorted(by_family.items(), key=lambda kv: -len(kv[1]))
    for family, group in [*ordered, ("all", list(outcomes))]:
        times = [o.seconds * 1000 for o in group]
        lost = sum(o.not_understood for o in group) / len(group)
        missing = sum(o.not_found for o in group) / len(group)
        lines.append(f"| {family} | {len(group)} | {percentile(times, 50):.3f} | "
                     f"{percentile(times, 99):.3f} | {max(times):.3f} | {lost:.0%} | "
                     f"{missing:.0%} | {sum(bool(o.error) for o in group)} |")
    return lines


async def main(args: argparse.Namespace) -> None:
    program_file = args.program or BUNDLED_PROGRAM
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.model_validate({"database_url": f"sqlite:///{tmp}/bench.db",
                                            "bot_program": program_file,
                                            "bot_answer_cache": False})
        clock = ManualClock(datetime.now(UTC))  # until the program's first session is known
        async with open_core(settings, clock) as core:
            assert core.router.answers is None, "the answer cache must be off"
            assert core.router.clock is clock
            program = core.catalog.current.program
            clock.at = program.first_start or clock.at
            first = render(await core.router.handle(
                IncomingMessage(UserRef(PLATFORM, "first"), "what's next?")))
            startup = time.perf_counter() - STARTED
            crowd = Crowd(program, args.seed)
            seen: set[str] = set()
            questions = crowd.questions(args.questions, args.mix, seen=seen)
            # The warm-up questions are others from the same crowd (none of their texts
            # is measured): they load what a running bot has loaded by then.
            warm = crowd.questions(args.warmup, args.mix, seen=seen) if args.warmup else []
            await ask_all(core, clock, warm)
            caches = lru_caches(core)
            before = cache_counts(caches)
            gc.collect()
            profiler = cProfile.Profile() if args.profile else None
            if profiler is not None:
                profiler.enable()
            elapsed, outcomes = await ask_all(core, clock, questions)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(args.profile)
            after = cache_counts(caches)
    report(args, program_file, program, questions, elapsed, outcomes, startup, first,
           before, after, len(warm))
    if args.profile:
        stats = pstats.Stats(args.profile)
        print(f"\nprofile ({args.profile}), top 25 by own time:")
        stats.sort_stats("tottime").print_stats(25)
        print("top 25 by cumulative time:")
        stats.sort_stats("cumulative").print_stats(25)


def report(args: argparse.Namespace, program_file: Path, program: Any,
           questions: Sequence[Question], elapsed: float, outcomes: Sequence[Outcome],
           startup: float, first: str, before: dict[str, tuple[int, int, int]],
           after: dict[str, tuple[int, int, int]], warmed: int) -> None:
    times = [o.seconds for o in outcomes]
    rate = len(outcomes) / elapsed
    p50, p95, p99 = (percentile(times, q) * 1000 for q in (50, 95, 99))
    distinct = len({q.text for q in questions})
    askers = len({q.asker for q in questions})
    name = Path(program_file).name

    def local(at: datetime) -> str:
        return f"{at.astimezone(program.workshop.timezone):%a %d %b %H:%M}"

    print(f"program {name}: {program.workshop.full_name}, {len(program.scheduled)} sessions, "
          f"{len(program.papers)} papers, {len(program.people)} people, "
          f"{len(program.program_days())} days, {len(program.rooms)} rooms")
    print(f"mix {args.mix}, seed {args.seed}: {len(questions)} questions, {distinct} distinct, "
          f"{askers} distinct askers ({warmed} other questions asked first to warm up); "
          f"clock from {local(questions[0].at)} to {local(questions[-1].at)} "
          f"({program.workshop.timezone.key})")
    print(f"start-up to first answer: {startup * 1000:.0f} ms ({first.splitlines()[0][:60]!r})")
    print(f"answers/s: {rate:,.0f} (every answer worked out afresh, answer cache off)")
    print(f"latency per answer: p50 {p50:.3f} ms, p95 {p95:.3f} ms, p99 {p99:.3f} ms, "
          f"max {max(times) * 1000:.2f} ms, mean {statistics.fmean(times) * 1000:.3f} ms")
    for label, group in (("answered", [o for o in outcomes if not (o.not_found or
                                                                    o.not_understood)]),
                         ("not found", [o for o in outcomes if o.not_found]),
                         ("not understood", [o for o in outcomes if o.not_understood])):
        if group:
            spent = [o.seconds * 1000 for o in group]
            print(f"  {label}: {len(group)} answers, p50 {percentile(spent, 50):.3f} ms, "
                  f"p99 {percentile(spent, 99):.3f} ms, {sum(spent) / 1000 / elapsed:.0%} "
                  f"of the time")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print()
    print("\n".join(family_table(outcomes)))
    errors = [o.error for o in outcomes if o.error]
    if errors:
        print(f"\n{len(errors)} questions made the router raise (bugs), the first ones:")
        for line in list(dict.fromkeys(errors))[:10]:
            print(f"  {line}")
    print()
    print("memoisation over the measured questions (lru_cache hits / calls, size):")
    for cache, (hits, misses, size) in after.items():
        h0, m0, _ = before.get(cache, (0, 0, 0))
        calls = hits - h0 + misses - m0
        if calls:
            print(f"  {cache}: {(hits - h0) / calls:.1%} of {calls:,} calls, {size:,} kept")
    print()
    target = "≥ 20,000/s, p99 < 1 ms" if args.mix == "crowd" else "—"
    what = (f"router, {args.mix} mix: {len(questions):,} questions ({distinct:,} distinct, "
            f"{askers:,} askers, {len(set(o.family for o in outcomes))} families), "
            f"{name}, every answer worked out afresh")
    print(f"| {what} | {target} | {rate:,.0f}/s, p50 {p50:.3f} ms, p95 {p95:.3f} ms, "
          f"p99 {p99:.3f} ms |")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mix", choices=MIXES, default="crowd")
    parser.add_argument("--questions", "--answers", type=int, default=20_000,
                        help="questions measured (--answers: the old name)")
    parser.add_argument("--program", type=Path, default=None,
                        help="a program file in any format the bot reads (default: bundled)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1000,
                        help="other questions of the same crowd asked before measuring")
    parser.add_argument("--profile", metavar="FILE", default=None,
                        help="cProfile the measured questions into FILE and print the top")
    args = parser.parse_args()
    if args.questions < 1:
        parser.error("--questions must be at least 1")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
