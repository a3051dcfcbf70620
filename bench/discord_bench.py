"""Benchmark of the Discord adapter against a bare discord.py client (issue: Discord).

This process serves the loopback fake Discord (tests/fakes/discord_server.py) and drives
it; each client runs in a process of its own, as a bot does in production, so the
fake's work is not billed to the client:

- ours: ``workshop-bot run`` with DISCORD_TOKEN, DISCORD_API_URL and DISCORD_GATEWAY_URL
  pointing at the fake (the core answering on SQLite, replies as embeds with Discord
  timestamps, at BOT_NOW 10:15 on the workshop day);
- bare: a discord.Client with the same intents and mention settings that replies "ok".

Both get the same guild mentions from the same attendees, as MESSAGE_CREATE events
through the gateway, each timed from the event to the reply's POST
/channels/{id}/messages at the fake. The questions (``--mix``):

- ``crowd`` (the default): a crowd from ``bench/crowd.py`` built from the bundled
  program with ``--seed``: 1,000 attendees (as many as questions in a run of fewer)
  and questions of 16 families, varied phrasings, misspelt names, title fragments,
  clock times, people and topics the program does not have, txt-speak; no question
  text twice in the whole run (every mode of every round asks new ones; both clients
  get the same ones in the same order). An answer cannot be checked against a fixed
  text, so each mention is checked to get exactly one reply and none the apology
  (``bot.messages.APOLOGY``); the share of "Sorry, I did not understand" replies is
  printed, for information. The bot's clock stays at BOT_NOW, not the instants
  crowd.py gives the questions.
- ``repeat``: the old two questions, "what's next?" and "when is kraska" in turn from 50
  attendees.

Each client process starts with a warm-up, so the core has the askers' timezone
preferences cached: in the repeat mix 200 of the two questions, in the crowd mix one
fixed question ("what's next?", which the crowd then never asks) from every attendee,
so the measured questions are all ones the bot has not seen. Two modes: one question at
a time (latency), and ``--window`` questions in flight (throughput; the fake sends
rate-limit headers, as Discord does, so discord.py lets requests overlap). The clients
take turns for ``--rounds`` rounds and the median round is reported, so load from other
processes hits both alike. Target: ours / bare >= 0.8.

The bot answers the same question asked in the same second once (``bot/answer_cache.py``),
which the repeat mix makes use of (the crowd never asks a text twice, so there it does
not help); ``--no-answer-cache`` turns that off (BOT_ANSWER_CACHE=false), so every
answer is worked out and rendered afresh.

    .venv/bin/python bench/discord_bench.py [--mix crowd|repeat] [--messages 3000]
        [--window 32] [--rounds 7] [--seed 7] [--no-answer-cache]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crowd import MIXES, Crowd  # noqa: E402
from bench.crowd import load as load_program  # noqa: E402
from bot.messages import APOLOGY  # noqa: E402
from tests.fakes.discord_payloads import Json  # noqa: E402
from tests.fakes.discord_server import FakeDiscord, RecordedRequest  # noqa: E402

TOKEN = "bench.bot.token"
QUESTIONS = ("what's next?", "when is kraska")
USERS = 50  # the repeat mix's attendees
ASKERS = 1000  # the crowd mix's
WARM_UP = 200  # the repeat mix's warm-up; the crowd's is one question from every asker
WARM_TEXT = "what's next?"  # the crowd's warm-up question
NOT_UNDERSTOOD = "Sorry, I did not understand"
WAIT = 60.0
SETTLE = 0.5  # seconds to wait after a client's last mention for a second reply to any
OURS, BARE = "ours", "bare discord.py"
MODES = ("one at a time", "in flight")

Mention = tuple[str, Json]  # what is asked, by whom


@dataclass
class Result:
    client: str
    mode: str
    messages: int
    seconds: float
    latencies: list[float]
    cpu: float | None  # the client process's CPU seconds for these messages
    fake_cpu: float = 0.0  # this process's (the fake Discord's) CPU seconds for them
    not_understood: int = 0  # replies that were the help for a question not understood
    apologies: list[str] = field(default_factory=list)  # the questions answered so

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


@dataclass
class Drive:
    """One batch of mentions being answered: who may send the next, the answers so far."""

    count: int
    slots: asyncio.Semaphore
    result: Result
    finished: asyncio.Event = field(default_factory=asyncio.Event)


class Replies:
    """Listens to the fake for a client's replies: when each mention was answered and
    what the answer said; counts the mentions answered more than once and the replies to
    no mention of ours."""

    def __init__(self) -> None:
        self.sent: dict[str, tuple[float, str]] = {}  # message id -> (sent at, question)
        self.answered: set[str] = set()
        self.twice = 0
        self.stray = 0
        self.drive: Drive | None = None

    def __call__(self, request: RecordedRequest) -> None:
        if request.method != "POST" or not request.path.endswith("/messages"):
            return
        body = request.json or {}
        reference = body.get("message_reference") or {}
        if not reference:
            return  # not a reply (none of the bot's answers to a mention)
        key = str(reference.get("message_id"))
        if key in self.answered:
            self.twice += 1
            return
        if key not in self.sent:
            self.stray += 1
            return
        if request.status != 200:
            return  # refused: the apology may follow, and that is the reply
        asked, question = self.sent.pop(key)
        self.answered.add(key)
        drive = self.drive
        if drive is None:
            return
        result = drive.result
        result.latencies.append(request.at - asked)
        text = body.get("content") or ""
        if APOLOGY in text:
            result.apologies.append(question)
        elif text.startswith(NOT_UNDERSTOOD):
            result.not_understood += 1
        drive.slots.release()
        if len(result.latencies) == drive.count:
            drive.finished.set()


async def drive(fake: FakeDiscord, replies: Replies, mentions: list[Mention], window: int,
                result: Result) -> None:
    """Send ``mentions`` with at most ``window`` unanswered; time each one into
    ``result``."""
    current = Drive(len(mentions), asyncio.Semaphore(window), result)
    replies.drive = current
    try:
        started = time.monotonic()
        for text, author in mentions:
            await current.slots.acquire()
            event = fake.guild_message_event(text, author=author)
            replies.sent[event["id"]] = (time.monotonic(), text)
            await fake.dispatch("MESSAGE_CREATE", event)
        await asyncio.wait_for(current.finished.wait(), WAIT)
        result.seconds = time.monotonic() - started
    finally:
        replies.drive = None


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
        env.update(BOT_WEB="false", DISCORD_TOKEN=TOKEN, DISCORD_API_URL=fake.api_url,
                   DISCORD_GATEWAY_URL=fake.gateway_url, BOT_NOW="2021-12-13T10:15:00-08:00",
                   BOT_SPEED="0", LOG_LEVEL="INFO",
                   BOT_ANSWER_CACHE=str(answer_cache).lower(),
                   DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}")
        command = [sys.executable, "-W", "ignore", "-m", "bot", "run"]
    else:
        command = [sys.executable, "-W", "ignore", __file__, "--bare", fake.api_url,
                   fake.gateway_url]
    # Ours writes its log to a file of its turn, read at the end for the answer cache's
    # line (logged as it stops); the bare client's output goes where this process's does.
    log = (tmp / f"{name}-{time.monotonic_ns()}.log").open("w") if name == OURS else None
    try:
        return await asyncio.create_subprocess_exec(
            *command, cwd=tmp, env=env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT if log is not None else None)
    finally:
        if log is not None:
            log.close()


def cache_hits(tmp: Path) -> tuple[int, int] | None:
    """(answers given from ours' answer cache, answers asked) over all its turns."""
    found = [CACHE_LINE.search(path.read_text()) for path in tmp.glob(f"{OURS}-*.log")]
    if not found or not all(found):
        return None
    return (sum(int(m.group(1)) for m in found if m),
            sum(int(m.group(2)) for m in found if m))


CACHE_LINE = re.compile(r"answer cache: (\d+) of (\d+) answers given from it")


@dataclass
class Plan:
    """What the clients are asked: the warm-up, and for each round the mentions of each
    mode (the same for both clients), with a line describing the mix."""

    warm_up: list[Mention]
    rounds: list[tuple[list[Mention], list[Mention]]]
    about: str


async def plan(fake: FakeDiscord, mix: str, count: int, rounds: int, seed: int) -> Plan:
    if mix == "repeat":
        authors = [fake.make_user(f"attendee {n}") for n in range(USERS)]
        asked = [(QUESTIONS[n % len(QUESTIONS)], authors[n % len(authors)])
                 for n in range(max(count, WARM_UP))]
        return Plan(asked[:WARM_UP], [(asked[:count], asked[:count])] * rounds,
                    f"mix repeat: {' / '.join(QUESTIONS)} in turn from {USERS} attendees")
    program = await load_program()
    questions = Crowd(program, seed).questions(count * len(MODES) * rounds, "crowd",
                                               askers=ASKERS, seen={WARM_TEXT})
    askers = sorted({q.asker for q in questions})
    author = {a: fake.make_user(f"attendee {a}") for a in askers}
    asked = [(q.text, author[q.asker]) for q in questions]
    by_round = [(asked[(2 * k) * count:(2 * k + 1) * count],
                 asked[(2 * k + 1) * count:(2 * k + 2) * count]) for k in range(rounds)]
    families = Counter(q.family for q in questions)
    return Plan(
        [(WARM_TEXT, author[a]) for a in askers], by_round,
        f"mix crowd, seed {seed}: {len(questions)} questions per client, "
        f"{len({q.text for q in questions})} distinct, {len(askers)} askers, "
        f"{len(families)} families ({min(families.values())}-{max(families.values())} "
        f"questions each), new ones in every mode and round, the same for both clients; "
        f"warm-up: every asker asks {WARM_TEXT!r} once when a client starts")


async def measure(name: str, fake: FakeDiscord, asked: Plan, round_: int, window: int,
                  tmp: Path, answer_cache: bool) -> tuple[list[Result], list[str]]:
    """One client's turn: started, warmed up, both modes measured, stopped; its results
    and any problem with the replies (a mention answered twice, a stray reply)."""
    process = await start_client(name, fake, tmp, answer_cache)
    replies = Replies()
    fake.listeners.append(replies)
    try:
        await fake.wait_for_session(within=WAIT)
        await drive(fake, replies, asked.warm_up, window,
                    Result(name, "warm-up", len(asked.warm_up), 0.0, [], None))
        results = []
        for mode, size, mentions in zip(MODES, (1, window), asked.rounds[round_], strict=True):
            label = mode if size == 1 else f"{size} {mode}"
            result = Result(name, label, len(mentions), 0.0, [], None)
            before, fake_before = cpu_seconds(process.pid), time.process_time()
            await drive(fake, replies, mentions, size, result)
            after, result.fake_cpu = cpu_seconds(process.pid), time.process_time() - fake_before
            result.cpu = after - before if before is not None and after is not None else None
            results.append(result)
        await asyncio.sleep(SETTLE)  # a second reply to any mention would be in by now
        problems = []
        if replies.twice:
            problems.append(f"{name}: {replies.twice} mentions answered more than once")
        if replies.stray:
            problems.append(f"{name}: {replies.stray} replies to no mention of ours")
        return results, problems
    finally:
        fake.listeners.remove(replies)
        process.terminate()
        await asyncio.wait_for(process.wait(), WAIT)
        fake.end_sessions()


def median(results: list[Result]) -> Result:
    return sorted(results, key=lambda r: r.rate)[len(results) // 2]


async def main(count: int, window: int, rounds: int, answer_cache: bool, mix: str,
               seed: int) -> None:
    runs: dict[tuple[str, str], list[Result]] = {}
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeDiscord(token=TOKEN, ratelimit_headers=True) as fake:
            asked = await plan(fake, mix, count, rounds, seed)
            for k in range(rounds):
                for name in (OURS, BARE):
                    results, found = await measure(name, fake, asked, k, window, Path(tmp),
                                                   answer_cache)
                    problems += found
                    for result in results:
                        runs.setdefault((result.client, result.mode), []).append(result)
            assert not fake.errors, fake.errors
        hits = cache_hits(Path(tmp))
    print(asked.about)
    print(f"{count} mentions per mode and round, median of {rounds} rounds, timed from "
          f"MESSAGE_CREATE to the reply POST at the fake; answer cache "
          f"{'on' if answer_cache else 'off'}")
    print(f"{'client':<16} {'mix':<7} {'mode':<15} {'msgs/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'client CPU ms/msg':>18} {'fake CPU ms/msg':>16}")
    best = {key: median(results) for key, results in runs.items()}
    for result in best.values():
        print(f"{result.client:<16} {mix:<7} {result.mode:<15} {result.rate:>8,.0f} "
              f"{result.percentile(50):>8.2f} {result.percentile(99):>8.2f} {result.cpu_ms:>18} "
              f"{result.fake_cpu_ms:>16}")
    for mode in dict.fromkeys(mode for _, mode in best):
        ratio = best[OURS, mode].rate / best[BARE, mode].rate
        # Each round's pair of turns gives a ratio too; their spread shows the noise.
        pairs = [o.rate / b.rate for o, b in zip(runs[OURS, mode], runs[BARE, mode],
                                                   strict=True)]
        print(f"ratio ours / bare ({mix} mix), {mode}: {ratio:.2f} (target >= 0.8); per "
              f"round: median {statistics.median(pairs):.2f}, "
              f"range {min(pairs):.2f}-{max(pairs):.2f}")
    cpu = {key: statistics.median(r.cpu / r.messages for r in results if r.cpu is not None)
           for key, results in runs.items() if all(r.cpu is not None for r in results)}
    for mode in dict.fromkeys(mode for _, mode in cpu):
        if (OURS, mode) in cpu and (BARE, mode) in cpu:
            print(f"CPU per message, bare / ours, {mode}: "
                  f"{cpu[BARE, mode] / cpu[OURS, mode]:.2f}")
    apologies: list[str] = []
    for (client, mode), results in runs.items():
        if client != OURS:
            continue
        asked_n = sum(r.messages for r in results)
        lost = sum(r.not_understood for r in results)
        apologies += [q for r in results for q in r.apologies]
        print(f"ours, {mode}: \"{NOT_UNDERSTOOD}\" to {lost / asked_n:.1%} ({lost} of "
              f"{asked_n} over all rounds), the apology to "
              f"{sum(len(r.apologies) for r in results)}")
    if hits is not None:
        print(f"ours, answer cache: {hits[0]} of {hits[1]} answers given from it "
              f"({hits[0] / max(hits[1], 1):.1%}, warm-ups included)")
    elif answer_cache:
        print("ours did not report its answer cache")
    print("every mention got exactly one reply" if not problems else
          "every mention got a reply, but see below")
    if apologies:
        problems.append(f"{len(apologies)} questions got the apology (first: {apologies[:5]})")
    if problems:
        raise SystemExit("FAILED: " + "; ".join(problems))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mix", choices=MIXES, default="crowd",
                        help="crowd: bench/crowd.py's questions (default); repeat: the two")
    parser.add_argument("--messages", type=int, default=3000, help="mentions per mode")
    parser.add_argument("--window", type=int, default=32, help="mentions in flight")
    parser.add_argument("--rounds", type=int, default=7, help="turns each client takes")
    parser.add_argument("--seed", type=int, default=7, help="the crowd's random seed")
    parser.add_argument("--no-answer-cache", dest="answer_cache", action="store_false",
                        help="work every answer out afresh (BOT_ANSWER_CACHE=false)")
    parser.add_argument("--bare", nargs=2, metavar=("API_URL", "GATEWAY_URL"),
                        help=argparse.SUPPRESS)  # the child process of the bare client
    options = parser.parse_args()
    if options.bare:
        bare_client(*options.bare)
    else:
        asyncio.run(main(options.messages, options.window, options.rounds,
                         options.answer_cache, options.mix, options.seed))
