"""What the bot counts, for Prometheus: ``GET /metrics`` on the bot's HTTP server.

One :class:`Metrics` per process, built by the composition root (``bot.app.open_core``)
with its own :class:`~prometheus_client.CollectorRegistry` (never the library's default
one: tests open several cores in one process, and nothing should count behind the
composition root's back) and handed to what counts: the core (answers, platform errors),
the reminder service (each message's outcome), the Q&A service's watchers (questions,
votes, status changes) and the services' outage logs (database errors).

Labels come only from fixed sets, never from what people type: intents are
:class:`~bot.request.Intent` members, reply kinds the four of
:class:`~bot.messages.Reply`, platforms the bot's own names (anything else is counted as
``other``). Counting is on the hot path of every answer, so each label combination's
child is looked up once and kept: an answer costs two dictionary look-ups, a counter
increment and a histogram observation.

The clock is injected (``monotonic``): the composition root gives it ``time.perf_counter``
and tests may give their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from prometheus_client import CollectorRegistry, Counter, Histogram

from bot.qa.service import QaChange
from bot.request import Intent
from bot.store.outage import OutageLog
from bot.web.server import Handler

if TYPE_CHECKING:
    from aiohttp import web

METRICS_PATH = "/metrics"
PREFIX = "workshop_bot"
# The platforms' names as the adapters and the CLI spell them; any other is "other", so a
# mistake somewhere cannot add a series per value.
PLATFORMS = frozenset({"discord", "slack", "console", "cli", "web"})
OTHER = "other"
# Answers from the program in memory take well under a millisecond; those that read or
# write the database take milliseconds; a second is already far too slow for a chat.
ANSWER_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                  0.25, 0.5, 1.0)

ReminderOutcome = Literal["sent", "failed", "skipped"]
PlatformErrorKind = Literal["error", "rate_limited"]


def platform_label(platform: str) -> str:
    """``platform`` when it is one of the bot's platforms, else ``other``."""
    return platform if platform in PLATFORMS else OTHER


class Labelled:
    """A counter with labels whose children are looked up once per combination:
    prometheus_client validates the labels and takes a lock on every ``labels()``."""

    __slots__ = ("_children", "_counter")

    def __init__(self, counter: Counter) -> None:
        self._counter = counter
        self._children: dict[tuple[str, ...], Counter] = {}

    def inc(self, *labels: str, amount: float = 1) -> None:
        child = self._children.get(labels)
        if child is None:
            child = self._children[labels] = self._counter.labels(*labels)
        child.inc(amount)


class Metrics:
    """The bot's counters, in a registry of their own; :meth:`handler` serves them."""

    def __init__(self, monotonic: Callable[[], float]) -> None:
        """``monotonic``: seconds on a clock that never jumps (answer latency)."""
        self.monotonic = monotonic
        self.registry = CollectorRegistry()
        registry = self.registry
        self._answers = Labelled(Counter(
            f"{PREFIX}_answers", "Replies the core gave, by what was asked (intent) and "
            "the kind of reply", ("intent", "kind"), registry=registry))
        self._answer_seconds = Histogram(
            f"{PREFIX}_answer_seconds", "Seconds from a message or command reaching the "
            "core to its reply", buckets=ANSWER_BUCKETS, registry=registry)
        self._reminders = Labelled(Counter(
            f"{PREFIX}_reminders", "Reminder and change-notice messages this process "
            "sent, failed to send, or skipped as too late", ("outcome", "platform"),
            registry=registry))
        self._questions = Labelled(Counter(
            f"{PREFIX}_questions", "Q&A questions asked", ("platform",), registry=registry))
        self._votes = Labelled(Counter(
            f"{PREFIX}_votes", "Q&A votes cast (added) or withdrawn (removed)",
            ("platform", "change"), registry=registry))
        self._status_changes = Labelled(Counter(
            f"{PREFIX}_question_status_changes", "Q&A questions answered, hidden, "
            "approved or reopened", ("platform",), registry=registry))
        self._platform_errors = Labelled(Counter(
            f"{PREFIX}_platform_errors", "Platform API calls that failed (error) or were "
            "refused for the rate limit (rate_limited, one per 429 answer)",
            ("platform", "kind"), registry=registry))
        self._database_errors = Counter(
            f"{PREFIX}_database_errors", "Database calls that failed because the database "
            "was not answering (refused, cut, timed out)", registry=registry)

    def handler(self) -> Handler:
        """The ``GET /metrics`` handler: Prometheus's text format (OpenMetrics when the
        scraper asks for it), from this registry only. prometheus_client's aiohttp part
        is loaded at the first scrape: it imports aiohttp, which the console never needs."""
        made: list[Handler] = []

        async def scrape(request: web.Request) -> web.StreamResponse:
            if not made:
                from prometheus_client.aiohttp import make_aiohttp_handler

                made.append(make_aiohttp_handler(self.registry))
            return await made[0](request)

        return scrape

    # ------------------------------------------------------------------ counting

    def answered(self, intent: Intent, kind: str, started: float) -> None:
        """A reply of ``kind`` to ``intent``, asked at ``started`` (on :attr:`monotonic`)."""
        self._answer_seconds.observe(self.monotonic() - started)
        self._answers.inc(intent.value, kind)

    def reminder(self, outcome: ReminderOutcome, platform: str, count: int = 1) -> None:
        if count:
            self._reminders.inc(outcome, platform_label(platform), amount=count)

    def qa_changed(self, change: QaChange) -> None:
        """The Q&A service's watcher (:meth:`bot.qa.service.QaService.watch`)."""
        platform = platform_label(change.platform)
        if change.kind == "question":
            self._questions.inc(platform)
        elif change.kind == "vote":
            self._votes.inc(platform, "added" if change.added else "removed")
        elif change.kind == "status":
            self._status_changes.inc(platform)
        # "elsewhere": another process's change, counted by that process

    def platform_error(self, platform: str, kind: PlatformErrorKind) -> None:
        self._platform_errors.inc(platform_label(platform), kind)

    def database_error(self) -> None:
        self._database_errors.inc()

    def count_outages(self, *logs: OutageLog) -> None:
        """Count the database failures each of ``logs`` meets (each service's
        ``outage``, handed over by the composition root)."""
        for outage in logs:
            outage.counted = self.database_error
