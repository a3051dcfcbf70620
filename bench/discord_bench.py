"""Benchmark of the Discord adapter against a bare discord.py client (issue: Discord).

This process serves the loopback fake Discord (tests/fakes/discord_server.py) and drives
it; each client runs in a process of its own, as a bot does in production, so the
fake's work is not billed to the client:

- ours: ``workshop-bot run`` with DISCORD_TOKEN, DISCORD_API_URL and DISCORD_GATEWAY_URL
  pointing at the fake (the core answering on SQLite, replies as embeds with Discord
  timestamps, at BOT_NOW 10:15 on the workshop day);
- bare: a discord.Client with the same intents and mention settings that replies "ok".

Both get the same guild mentions from the same 50 attendees, as MESSAGE_CREATE events
through the gateway, alternating "what's next?" and "when is kraska", each timed from the
event to the reply's POST /channels/{id}/messages at the fake (after a warm-up in which
every attendee asks, so the core has their timezone preferences cached). Two modes: one
question at a time (latency), and ``--window`` questions in flight (throughput; the fake
sends rate-limit headers, as Discord does, so discord.py lets requests overlap). The
clients take turns for ``--rounds`` rounds and the median round is reported, so load
from other processes hits both alike. Target: ours / bare >= 0.8.

The bot answers the same question asked in the same second once (``bot/answer_cache.py``);
``--no-answer-cache`` turns that off (BOT_ANSWER_CACHE=false), so every answer is worked
out and rendered afresh: the cost of questions all different.

    .venv/bin/python bench/discord_bench.py [--messages 3000] [--window 32] [--rounds 7]
                                            [--no-answer-cache]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.discord_payloads import Json  # noqa: E402
from tests.fakes.discord_server import FakeDiscord, RecordedRequest  # noqa: E402

TOKEN = "bench.bot.token"
QUESTIONS = ("what's next?", "when is kraska")
USERS = 50
WARM_UP = 200
WAIT = 60.0
OURS, BARE = "ours", "bare discord.py"


@dataclass
class Result:
    client: str
    mode: str
    messages: int
    seconds: float
    latencies: list[float]
    cpu: float | None  # the client process's CPU seconds for these messages
    fake_cpu: float = 0.0  # this process's (the fake Discord's) CPU seconds for them

    @property
    def cpu_ms(self) -> str:
        return "n/a" if self.cpu is None else f"{self.cpu / self.messages * 1000:.3f}"

    @property
    def fake_cpu_ms(self) -> str:
        return f"{self.fake_cpu / self.messages * 1000:.3f}"

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


def bare_client(api_url: str, gateway_url: str) -> None:
    """The least a discord.py bot can do: "ok" as a reply to every mention. Runs in the
    child process started with ``--bare``."""
    import discord

    from adapters.discord.client import intents
    from adapters.discord.service import discord_endpoints

    class Bare(discord.Client):
        async def on_message(self, message: discord.Message) -> None:
            if message.author.bot or self.user is None:
                return
            if any(user.id == self.user.id for user in message.mentions):
                await message.reply("ok", mention_author=False)

    async def serve() -> None:
        client = Bare(intents=intents(), allowed_mentions=discord.AllowedMentions.none())
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        with discord_endpoints(api_url, gateway_url):
            async with client:
                task = asyncio.create_task(client.start(TOKEN))
                await stop.wait()
                await client.close()
                await task

    asyncio.run(serve())


async def drive(fake: FakeDiscord, authors: list[Json], count: int, window: int
                ) -> tuple[float, list[float]]:
    """Send ``count`` mentions with at most ``window`` unanswered; time each one."""
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    slots = asyncio.Semaphore(window)
    finished = asyncio.Event()

    def replied(request: RecordedRequest) -> None:
        if request.method != "POST" or not request.path.endswith("/messages"):
            return
        reference = (request.json or {}).get("message_reference") or {}
        asked = sent_at.pop(str(reference.get("message_id")), None)
        if asked is None or request.status != 200:
            return
        latencies.append(request.at - asked)
        slots.release()
        if len(latencies) == count:
            finished.set()

    fake.listeners.append(replied)
    try:
        started = time.monotonic()
        for n in range(count):
            await slots.acquire()
            event = fake.guild_message_event(QUESTIONS[n % len(QUESTIONS)],
                                             author=authors[n % len(authors)])
            sent_at[event["id"]] = time.monotonic()
            await fake.dispatch("MESSAGE_CREATE", event)
        await asyncio.wait_for(finished.wait(), WAIT)
        return time.monotonic() - started, latencies
    finally:
        fake.listeners.remove(replied)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def start_client(name: str, fake: FakeDiscord, tmp: Path, answer_cache: bool
                       ) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD_", "SLACK_", "BOT_"))}
    if name == OURS:
        env.update(DISCORD_TOKEN=TOKEN, DISCORD_API_URL=fake.api_url,
                   DISCORD_GATEWAY_URL=fake.gateway_url, BOT_NOW="2021-12-13T10:15:00-08:00",
                   BOT_SPEED="0", LOG_LEVEL="WARNING",
                   BOT_ANSWER_CACHE=str(answer_cache).lower(),
                   DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}")
        command = [sys.executable, "-W", "ignore", "-m", "bot", "run"]
    else:
        command = [sys.executable, "-W", "ignore", __file__, "--bare", fake.api_url,
                   fake.gateway_url]
    return await asyncio.create_subprocess_exec(*command, cwd=tmp, env=env,
                                                stdin=subprocess.DEVNULL)


async def measure(name: str, fake: FakeDiscord, count: int, window: int, tmp: Path,
                  answer_cache: bool) -> list[Result]:
    process = await start_client(name, fake, tmp, answer_cache)
    authors = [fake.make_user(f"attendee {n}") for n in range(USERS)]
    try:
        await fake.wait_for_session(within=WAIT)
        await drive(fake, authors, WARM_UP, window)
        results = []
        for mode, size in (("one at a time", 1), (f"{window} in flight", window)):
            before, fake_before = cpu_seconds(process.pid), time.process_time()
            seconds, latencies = await drive(fake, authors, count, size)
            after, fake_used = cpu_seconds(process.pid), time.process_time() - fake_before
            used = after - before if before is not None and after is not None else None
            results.append(Result(name, mode, count, seconds, latencies, used, fake_used))
        return results
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), WAIT)
        fake.end_sessions()


def median(results: list[Result]) -> Result:
    return sorted(results, key=lambda r: r.rate)[len(results) // 2]


async def main(count: int, window: int, rounds: int, answer_cache: bool) -> None:
    runs: dict[tuple[str, str], list[Result]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeDiscord(token=TOKEN, ratelimit_headers=True) as fake:
            for _ in range(rounds):
                for name in (OURS, BARE):
                    for result in await measure(name, fake, count, window, Path(tmp),
                                                answer_cache):
                        runs.setdefault((result.client, result.mode), []).append(result)
            assert not fake.errors, fake.errors
    print(f"{count} mentions per mode and round ({' / '.join(QUESTIONS)}), median of "
          f"{rounds} rounds, timed from MESSAGE_CREATE to the reply POST at the fake; "
          f"answer cache {'on' if answer_cache else 'off'}")
    print(f"{'client':<16} {'mode':<15} {'msgs/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'client CPU ms/msg':>18} {'fake CPU ms/msg':>16}")
    best = {key: median(results) for key, results in runs.items()}
    for result in best.values():
        print(f"{result.client:<16} {result.mode:<15} {result.rate:>8,.0f} "
              f"{result.percentile(50):>8.2f} {result.percentile(99):>8.2f} {result.cpu_ms:>18} "
              f"{result.fake_cpu_ms:>16}")
    for mode in dict.fromkeys(mode for _, mode in best):
        ratio = best[OURS, mode].rate / best[BARE, mode].rate
        # Each round's pair of turns gives a ratio too; their spread shows the noise.
        pairs = [o.rate / b.rate for o, b in zip(runs[OURS, mode], runs[BARE, mode],
                                                   strict=True)]
        print(f"ratio ours / bare, {mode}: {ratio:.2f} (target >= 0.8); per round: median "
              f"{statistics.median(pairs):.2f}, range {min(pairs):.2f}-{max(pairs):.2f}")
    cpu = {key: statistics.median(r.cpu / r.messages for r in results if r.cpu is not None)
           for key, results in runs.items() if all(r.cpu is not None for r in results)}
    for mode in dict.fromkeys(mode for _, mode in cpu):
        if (OURS, mode) in cpu and (BARE, mode) in cpu:
            print(f"CPU per message, bare / ours, {mode}: "
                  f"{cpu[BARE, mode] / cpu[OURS, mode]:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000, help="mentions per mode")
    parser.add_argument("--window", type=int, default=32, help="mentions in flight")
    parser.add_argument("--rounds", type=int, default=7, help="turns each client takes")
    parser.add_argument("--no-answer-cache", dest="answer_cache", action="store_false",
                        help="work every answer out afresh (BOT_ANSWER_CACHE=false)")
    parser.add_argument("--bare", nargs=2, metavar=("API_URL", "GATEWAY_URL"),
                        help=argparse.SUPPRESS)  # the child process of the bare client
    options = parser.parse_args()
    if options.bare:
        bare_client(*options.bare)
    else:
        asyncio.run(main(options.messages, options.window, options.rounds,
                         options.answer_cache))
