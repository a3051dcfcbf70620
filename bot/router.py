"""The one place that decides every answer: message in, reply out.

Adapters hand over an :class:`IncomingMessage`; the router reads the intent, works out
the asker's timezone and "now", and calls the handler for that intent. Nothing here
knows which platform the message came from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.answer_cache import AnswerCache
from bot.answers import guide, kinds, lookup, questions, relative, remind, schedule, scopes, spans
from bot.answers.calendar import agenda_ics
from bot.answers.context import Ask
from bot.answers.timezone import timezone
from bot.answers.where import where
from bot.answers.workshop import workshop
from bot.catalog import Catalog
from bot.clock import Clock
from bot.followups import RecentSubjects
from bot.intents import Intent, Request, from_command, parse
from bot.messages import IncomingMessage, Reply
from bot.preferences import Preferences, reading_zone
from bot.program import Item
from bot.qa.service import QaService
from bot.reminders.service import ReminderService
from bot.render_text import fit
from bot.store.outage import OutageLog, is_database_down
from bot.subjects import about_workshop, refine
from bot.web.links import WebLinks

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 4000  # well above the longest question (1,000 characters)

Handler = Callable[[Ask, str], Reply]

HANDLERS: dict[Intent, Handler] = {
    Intent.NOW: schedule.on_now,
    Intent.NEXT: schedule.up_next,
    Intent.AGENDA: schedule.agenda,
    Intent.PAPERS: schedule.papers,
    Intent.WHO_AT: scopes.who_at,
    Intent.WHEN: lookup.when,
    Intent.ABOUT: lookup.about,
    Intent.PERSON: lookup.person,
    Intent.BY: lookup.by_author,
    Intent.SEARCH: lookup.search,
    Intent.HELP: guide.help_text,
    Intent.GREETING: guide.greeting,
    Intent.THANKS: guide.thanks,
    Intent.WORKSHOP: workshop,
    Intent.AFTER: relative.after,
    Intent.BEFORE: relative.before,
    Intent.FIRST: relative.first,
    Intent.LAST: relative.last,
    Intent.DURATION: spans.duration,
    Intent.RANGE: spans.time_range,
    Intent.KIND: kinds.kind,
    Intent.COUNT: kinds.count,
    Intent.WHERE: where,
}

# What cannot be answered from the program in memory (the rest goes on during an outage).
NEEDS_DATABASE = frozenset({Intent.TIMEZONE, Intent.QA_ASK, Intent.QA, Intent.REMIND,
                            Intent.AGENDA_ICS, Intent.REMIND_LIST, Intent.REMIND_CANCEL})


class Router:
    def __init__(
        self,
        catalog: Catalog,
        preferences: Preferences,
        clock: Clock,
        reminders: ReminderService,
        qa: QaService,
        default_zone: ZoneInfo | None = None,
        answers: AnswerCache | None = None,
        followups: RecentSubjects | None = None,
        links: WebLinks | None = None,
    ) -> None:
        self.catalog = catalog
        self.preferences = preferences
        self.clock = clock
        self.reminders = reminders
        self.qa = qa
        self.default_zone = default_zone
        self.answers = answers  # None: every answer is worked out afresh
        self.followups = followups if followups is not None else RecentSubjects()
        self.links = links  # None: no web pages are served (BOT_WEB off)
        self.outage = OutageLog(log, "commands that need it get the apology")

    def understand(self, message: IncomingMessage) -> Request:
        """What ``message`` asks, read with the program and the asker's last subject: "and
        after that?" refers to what they just asked about, "when is ML for Systems?" to
        the workshop itself. Reading it changes nothing."""
        text = message.text[:MAX_INPUT_CHARS]
        parsed = from_command(message.command, text) if message.command else parse(text)
        request = self.followups.refer(parsed, message.user, self.clock.now())
        snapshot = self.catalog.current
        request = refine(request, snapshot.program, snapshot.index)
        aspect = about_workshop(snapshot.program, request.intent.value, request.arg)
        if aspect is not None:
            request = Request(Intent.WORKSHOP, aspect, request.scope)
        return replace(request, zone=zone) if (zone := parsed.zone) else request

    @staticmethod
    def needs_roles(request: Request) -> bool:
        """Whether the answer to ``request`` depends on the asker's roles, permissions or
        user groups: only Q&A commands do (who moderates). The core reads those from the
        platform only then, since working them out costs more than most answers."""
        return request.intent is Intent.QA

    async def _context(self, message: IncomingMessage, request: Request | None = None) -> Ask:
        """The question's circumstances, made once: the zone a request names for itself
        ("… for me in Tokyo") and the scope it narrows to are put in here rather than
        copied in afterwards (``dataclasses.replace`` costs as much as a short answer)."""
        snapshot = self.catalog.current
        saved = await self.preferences.timezone(message.user)
        if request is not None and request.zone:
            zone, is_saved = ZoneInfo(request.zone), False
        else:
            zone = reading_zone(snapshot.program, saved, self.default_zone, message.zone)
            is_saved = saved is not None and message.zone is None
        return Ask(snapshot.program, snapshot.index, self.clock.now(), zone,
                   zone_is_saved=is_saved, scope=request.scope if request is not None else "")

    async def take_question(self, message: IncomingMessage, message_ref: str, item: Item
                            ) -> Reply | None:
        """A person's message in ``item``'s Q&A thread, recorded as a question; the reply
        acknowledges it (None: the platform sent the same message before)."""
        ask = await self._context(message)
        try:
            return await questions.from_thread(ask, message, message_ref, item, self.qa)
        except Exception as exc:
            return self._database_away(ask, exc)

    async def handle(self, message: IncomingMessage, request: Request | None = None) -> Reply:
        """The reply to ``message`` (``request``: what :meth:`understand` read in it, when
        the caller read it already). While the database is not answering, schedule answers
        go on (the program is in memory) and what needs the database gets the apology."""
        if request is None:
            request = self.understand(message)
        ask = await self._context(message, request)
        try:
            reply = await self._dispatch(request, ask, message)
        except Exception as exc:
            return self._database_away(ask, exc)
        if request.intent in NEEDS_DATABASE:
            self.outage.worked()
        self.followups.remember(message.user, reply, ask.now)
        return reply

    async def only_in_private(self, message: IncomingMessage) -> Reply:
        """The reply in place of a secret one asked for in a channel (see the core)."""
        return guide.only_in_private(await self._context(message))

    def _database_away(self, ask: Ask, exc: Exception) -> Reply:
        if not is_database_down(exc):
            raise exc
        self.outage.failed(exc)
        return guide.database_away(ask)

    async def _dispatch(self, request: Request, ask: Ask, message: IncomingMessage) -> Reply:
        """``ask`` already has the request's scope (see :meth:`_context`)."""
        if log.isEnabledFor(logging.DEBUG):  # the arguments cost more than the check
            log.debug("%s/%s asked %r -> %s", message.platform, message.user.id,
                      message.text[:80], request.intent)
        intent = request.intent
        if intent not in NEEDS_DATABASE:  # nearly every question: the program answers it
            return await self._answer(request, ask, message.platform)
        if intent is Intent.TIMEZONE:
            return await timezone(ask, request.arg, message.user, self.preferences)
        if intent is Intent.QA_ASK:
            return await questions.ask_question(ask, request.arg, message, self.qa)
        if intent is Intent.QA:
            return await questions.qa_command(ask, request.arg, message, self.qa, self.links)
        if intent is Intent.REMIND:
            return await remind.remind(ask, request.arg, message.user, self.reminders)
        if intent is Intent.AGENDA_ICS:
            return await agenda_ics(ask, request.arg, message.user, self.reminders,
                                    self.links)  # "agenda feed" gives a link to the pages
        if intent is Intent.REMIND_LIST:
            return await remind.remind_list(ask, message.user, self.reminders)
        return await remind.remind_cancel(ask, request.arg, message.user, self.reminders)

    async def _answer(self, request: Request, ask: Ask, platform: str) -> Reply:
        """The answers that depend on nothing but the question, the program, the zone, the
        platform and the clock: the same for everyone asking it in the same second, so
        they are given from the cache when someone just asked (see ``answer_cache``)."""
        if self.answers is None:
            return await self._work_out(request, ask, platform)
        epoch = (ask.program, int(ask.now.timestamp()), self.qa.threads_revision)
        key = (request, platform, ask.zone, ask.zone_is_saved)
        cached = self.answers.get(epoch, key)
        if cached is not None:
            return cached
        reply = await self._work_out(request, ask, platform)
        self.answers.put(epoch, key, reply)
        return reply

    async def _work_out(self, request: Request, ask: Ask, platform: str) -> Reply:
        if request.intent is Intent.UNKNOWN:
            reply = lookup.guess(ask, request.arg) or guide.not_understood(ask, request.arg)
        else:
            reply = HANDLERS[request.intent](ask, request.arg)
        cards = reply.cards
        if len(cards) != 1 or reply.layout != "detail" or not cards[0].slug:
            return reply  # not about one paper or talk: no thread to look up
        return await self._with_thread_link(reply, platform)

    async def _with_thread_link(self, reply: Reply, platform: str) -> Reply:
        """An answer about one paper or talk (one card, in detail) points to its Q&A
        thread on the asker's platform, when there is one."""
        url = await self.qa.thread_url(reply.cards[0].slug, platform)
        if url is None:
            return reply
        return fit(replace(reply, after=(*reply.after, ("Questions for the speakers: ", url))))
