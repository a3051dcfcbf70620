"""Benchmark of the core router on the bundled program (issue: the core).

Measures, in one process: start-up to the first answer (imports, a fresh SQLite
database, loading the program, one answer), answers per second and p50/p99 latency for
a mix of questions (now/next/when/about/search/who-at/agenda) from 500 different users
with every answer worked out afresh (BOT_ANSWER_CACHE off) and then as a running bot
answers them (the cache on), the same for questions no cache has seen (fresh
misspellings), and peak RSS.

    .venv/bin/python bench/router_bench.py [--answers 20000]
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import string  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import open_core  # noqa: E402
from bot.clock import SimulatedClock  # noqa: E402
from bot.messages import IncomingMessage, UserRef  # noqa: E402
from bot.render_text import render  # noqa: E402
from bot.settings import BUNDLED_PROGRAM, Settings  # noqa: E402

MIX = [
    "what's on now?",
    "what's next?",
    "when is Tim Kraska's talk?",
    "when does kraska speak",
    "when is anima anankumar on?",
    "tell me about CompilerGym",
    "search quantization",
    "who is speaking at 10:15?",
    "when is the XLA autotuner talk?",
    "agenda",
]


def misspell(text: str, rng: random.Random) -> str:
    """One random letter changed: a question no cache has seen."""
    i = rng.randrange(len(text))
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1:]


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=1000, method="inclusive")[int(q * 10) - 1]


async def measure(core, questions: list[str], users: int) -> tuple[float, list[float]]:
    latencies = []
    begin = time.perf_counter()
    for n, text in enumerate(questions):
        message = IncomingMessage(UserRef("bench", f"user{n % users}"), text)
        t0 = time.perf_counter()
        render(await core.router.handle(message))
        latencies.append(time.perf_counter() - t0)
    return time.perf_counter() - begin, latencies


async def main(answers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # The router's whole cost first: every answer worked out afresh (no answer cache).
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", bot_program=BUNDLED_PROGRAM,
                            bot_answer_cache=False)
        clock = SimulatedClock(datetime.fromisoformat("2021-12-13T10:15:00-08:00"), speed=0)
        async with open_core(settings, clock) as core:
            first = render(await core.router.handle(
                IncomingMessage(UserRef("bench", "first"), "what's next?")))
            startup = time.perf_counter() - STARTED
            assert "Michael Carbin" in first
            rng = random.Random(7)
            mix = [MIX[i % len(MIX)] for i in range(answers)]
            await measure(core, mix[:2000], users=500)  # warm the preference cache
            elapsed, latencies = await measure(core, mix, users=500)
            fresh = [misspell(MIX[i % len(MIX)], rng) for i in range(answers // 4)]
            cold_elapsed, cold = await measure(core, fresh, users=500)
        # The same mix as a running bot answers it: the same question in the same second
        # is answered once (bot/answer_cache.py).
        cached_settings = settings.model_copy(update={"bot_answer_cache": True})
        async with open_core(cached_settings, clock) as core:
            await measure(core, mix[:2000], users=500)
            cached_elapsed, cached = await measure(core, mix, users=500)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ms = 1000
    print(f"start-up to first answer: {startup * ms:.0f} ms")
    print(f"mix of {len(mix)} answers: {len(mix) / elapsed:,.0f} answers/s, "
          f"p50 {percentile(latencies, 50) * ms:.2f} ms, "
          f"p99 {percentile(latencies, 99) * ms:.2f} ms")
    print(f"the same mix, answer cache on: {len(mix) / cached_elapsed:,.0f} answers/s, "
          f"p50 {percentile(cached, 50) * ms:.3f} ms, p99 {percentile(cached, 99) * ms:.3f} ms")
    print(f"{len(fresh)} unseen misspelt questions: {len(fresh) / cold_elapsed:,.0f} answers/s, "
          f"p50 {percentile(cold, 50) * ms:.2f} ms, p99 {percentile(cold, 99) * ms:.2f} ms")
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().answers))
