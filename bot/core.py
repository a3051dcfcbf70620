"""The core as an adapter sees it: one road in for every platform event, and a few reads.

An adapter turns each platform payload into a typed event (:mod:`bot.events`) and hands
it to :meth:`Core.receive`, which decides everything and returns the reply to show, or
None when there is nothing to say. The rules that are the same on every platform live
here once:

- a person's own message in an item's Q&A thread is a question (the acknowledgement is
  the reply), whether or not it mentions the bot; any other message is answered only
  when it is addressed to the bot (a DM or a mention);
- a DM's channel is remembered, so reminders reach that person with one request;
- an answer to a command is private unless the asker asked for it in public and the
  answer may be shown to all (a button's answer is always private); an answer holding a
  personal link (a login or calendar feed) is never posted in a channel;
- the asker's roles are looked up (through the event's lazy lookup) only when the answer
  depends on them, and the message is read once for both; the same lookup gives the
  asker's display name where the event had none, when a question or moderation stores it;
- a reaction is a vote when it is a 👍 by a person on a question in a Q&A thread;
- an event delivered again (a platform's retry, reaching this or another process) is
  acted on once: its second delivery gets None;
- text that cannot be encoded (half a UTF-16 pair, which JSON can carry) is made
  readable before anything reads it;
- every reply is counted for ``/metrics`` by intent and kind, with its latency, whichever
  platform it came from (and adapters report their failed API calls with
  :meth:`Core.platform_error`).

The reads (autocomplete, the program for a banner, a person's zone) are what platforms
need to show things; none of them hands out the database or a store.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.clock import Clock
from bot.direct_channels import DirectChannels
from bot.events import (
    THUMBS_UP,
    Command,
    Event,
    Message,
    Place,
    Reaction,
    StandingLookup,
)
from bot.health import Health, HealthReport
from bot.matching import ANYTHING, EntryKind
from bot.messages import IncomingMessage, Reply, UserRef
from bot.metrics import Metrics, PlatformErrorKind
from bot.preferences import Preferences, reading_zone
from bot.program import Program
from bot.qa.service import QaService
from bot.receipts import Receipts
from bot.request import Intent
from bot.router import Router
from bot.settings import Settings
from bot.web.server import HttpServer

log = logging.getLogger(__name__)
_SURROGATE = re.compile("[\ud800-\udfff]")
ITEMS: frozenset[EntryKind] = frozenset({"item"})


def readable(text: str) -> str:
    """``text`` as it can be stored and sent: JSON can carry half a UTF-16 pair
    ("\\ud83d" alone), which no UTF-8 encoder takes, so an answer quoting it could not
    be posted; each such half becomes U+FFFD. Nearly every text is ASCII or well formed,
    and is returned as it is."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


class Core:
    """What an adapter may use: :meth:`receive` for everything people do, and reads."""

    def __init__(self, settings: Settings, clock: Clock, catalog: Catalog,
                 preferences: Preferences, qa: QaService, router: Router,
                 direct_channels: DirectChannels, receipts: Receipts, health: Health,
                 http: HttpServer, metrics: Metrics) -> None:
        self.settings = settings  # the adapters' own settings (tokens, URLs) are read here
        self.clock = clock
        self._catalog = catalog
        self._preferences = preferences
        self._qa = qa
        self._router = router
        self._direct = direct_channels
        self._receipts = receipts
        self._health = health
        self.http = http  # a platform's webhook route is added to the bot's one server
        self._metrics = metrics

    # ------------------------------------------------------------------ events in

    async def receive(self, event: Event) -> Reply | None:
        """The reply to ``event`` (None: nothing to say, nothing for the bot, or an event
        acted on already)."""
        if isinstance(event, Message):
            return await self._message(replace(event, text=readable(event.text)))
        if isinstance(event, Reaction):
            await self._reaction(event)
            return None
        if not await self._first(event):
            return None
        if isinstance(event, Command):
            return await self._command(event.user, event.name, readable(event.text),
                                       event.place, event.standing, public=event.public)
        return await self._command(event.user, event.command, readable(event.value),
                                   event.place, event.standing, public=False)

    async def _first(self, event: Event) -> bool:
        """Whether to act on ``event``: not when this or another process already did.
        Asked only once the core means to act (a channel's chatter costs no check)."""
        if await self._receipts.first_time(event.user.platform, event.delivery):
            return True
        log.debug("%s: %s delivered again; acted on once", event.user.platform,
                  event.delivery)
        return False

    async def _message(self, event: Message) -> Reply | None:
        place, user = event.place, event.user
        incoming = IncomingMessage(user, event.text, channel_id=place.channel_id,
                                   thread_id=place.thread_id, is_direct=place.is_direct,
                                   zone=event.zone)
        if place.thread_id is not None and not place.is_direct and event.top_level and \
                event.ref is not None and self.hosts_qa(user.platform):
            item = await self._qa.item_of_thread(user.platform, place.thread_id)
            if item is not None:  # a question, mention or not
                if not await self._first(event):
                    return None
                started = self._metrics.monotonic()
                if user.name is None and event.standing is not None:  # stored with it
                    found = await event.standing(())
                    if found.name:
                        incoming = replace(incoming, user=replace(user, name=found.name))
                reply = await self._router.take_question(incoming, event.ref, item)
                if reply is not None:
                    self._metrics.answered(Intent.QA_ASK, reply.kind, started)
                return reply
            log.debug("%s: message %s in thread %s, which is no Q&A thread", user.platform,
                      event.ref, place.thread_id)
        if not event.addressed or not await self._first(event):
            return None
        if place.is_direct and place.channel_id is not None:
            self._direct.note(user.platform, user.id, place.channel_id)  # the answer won't wait
        reply = await self._answer(incoming, event.standing)
        if reply.secret and not place.is_direct:  # a mention in a channel: everyone reads it
            return await self._router.only_in_private(incoming)
        return reply

    async def _command(self, user: UserRef, name: str, text: str, place: Place,
                       standing: StandingLookup | None, *, public: bool) -> Reply:
        incoming = IncomingMessage(user, text, command=name or None, channel_id=place.channel_id,
                                   thread_id=place.thread_id, is_direct=place.is_direct)
        reply = await self._answer(incoming, standing)
        private = True if reply.private else not public
        return reply if reply.private is private else replace(reply, private=private)

    async def _answer(self, incoming: IncomingMessage, standing: StandingLookup | None
                      ) -> Reply:
        """The router's reply, the message read once; the asker's standing looked up only
        when the answer depends on it (Q&A moderation). Counted with its latency (the
        standing's look-up included: the asker waits for it too)."""
        started = self._metrics.monotonic()
        request = self._router.understand(incoming)
        if standing is not None and self._router.needs_roles(request):
            found = await standing(self.program.workshop.qa.groups_on(incoming.platform))
            user = incoming.user
            if user.name is None and found.name:  # for "answered by", and a login link
                user = replace(user, name=found.name)
            incoming = replace(incoming, user=user, roles=found.roles,
                               permissions=found.permissions)
        reply = await self._router.handle(incoming, request)
        self._metrics.answered(request.intent, reply.kind, started)
        return reply

    async def _reaction(self, event: Reaction) -> None:
        platform, thread = event.user.platform, event.place.thread_id
        if event.emoji != THUMBS_UP or event.by_bot or event.place.is_direct:
            log.debug("%s: %s by %s is no vote; ignored", platform, event.emoji, event.user.id)
            return
        if thread is not None and await self._qa.item_of_thread(platform, thread) is None:
            log.debug("%s: a 👍 in channel %s, which is no Q&A thread", platform, thread)
            return  # (where the platform does not say the thread, the message decides)
        if not await self._first(event):
            return
        outcome = await self._qa.vote_by_message(platform, event.message_ref, event.user.id,
                                                 add=event.added)
        log.debug("%s: 👍 %s by %s on message %s: %s", platform,
                  "added" if event.added else "removed", event.user.id, event.message_ref,
                  outcome)

    # ------------------------------------------------------------------ counts

    def platform_error(self, platform: str, kind: PlatformErrorKind) -> None:
        """An adapter's API call that failed (``error``) or was refused for the rate limit
        (``rate_limited``: one per 429 answer, retried or not), for ``/metrics``."""
        self._metrics.platform_error(platform, kind)

    # ------------------------------------------------------------------ reads

    @property
    def program(self) -> Program:
        """The program as it is now (a reload replaces it): for banners and examples."""
        return self._catalog.current.program

    def hosts_qa(self, platform: str) -> bool:
        """Whether the program names a Q&A channel on ``platform`` (Discord then asks for
        the message-content intent, which questions typed in threads need)."""
        return self.program.workshop.channel(platform, "qa") is not None

    async def zone_of(self, user: UserRef) -> ZoneInfo:
        """The timezone answers to ``user`` are given in (the console's prompt shows it)."""
        saved = await self._preferences.timezone(user)
        return reading_zone(self.program, saved, self._router.default_zone)

    def complete(self, text: str, kinds: frozenset[EntryKind] = ANYTHING,
                 limit: int = 25) -> list[str]:
        """Names and titles for autocomplete as someone types ``text``."""
        return self._catalog.current.index.complete(text, kinds, limit)

    def complete_qa_items(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """(title, id) of the items with Q&A that match ``text``, best first."""
        with_qa = {item.display_title: item.slug for item in self._qa.items()}
        snapshot = self._catalog.current
        # Every item is ranked (breaks too, which have no Q&A), so all may be needed.
        found = snapshot.index.complete(text, ITEMS, limit=len(snapshot.program.items))
        return [(title, with_qa[title]) for title in found if title in with_qa][:limit]

    def places(self) -> tuple[str, ...]:
        """The program's rooms and tracks (an agenda narrows to one)."""
        program = self.program
        return (*program.rooms, *program.tracks)

    async def health(self) -> HealthReport:
        """Whether this process can do its work (a load balancer's ``/healthz``)."""
        return await self._health.check()

    async def direct_channel(self, platform: str, user_id: str) -> str | None:
        """The DM channel ``platform`` opened for ``user_id`` before, if known."""
        return await self._direct.get(platform, user_id)

    async def remember_direct_channel(self, platform: str, user_id: str, channel_id: str
                                      ) -> None:
        await self._direct.remember(platform, user_id, channel_id)

