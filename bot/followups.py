"""Each asker's last subject, so "and after that?", "where?", "who wrote it?" and "remind
me" refer to what they just asked about.

Kept in memory per platform user for 10 minutes and nothing else: a reference to a
program item, person or instant (never what they typed). A second process does not see
it; a follow-up that lands there is answered as if it came first (the workshop itself,
or "which talk?"), which is why nothing depends on it but the reading of a pronoun.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from datetime import datetime, timedelta

from bot.messages import Reply, UserRef
from bot.request import SPEAKERS_OF_LAST, Intent, Request
from bot.subjects import PRONOUNS

TTL = timedelta(minutes=10)
MAX_ASKERS = 100_000  # a big conference's chat; the oldest are forgotten first

# Intents whose subject can be "it" / "that" / nothing, meaning the last subject.
FOLLOWS = frozenset({Intent.WHEN, Intent.ABOUT, Intent.WHERE, Intent.DURATION, Intent.AFTER,
                     Intent.BEFORE, Intent.REMIND, Intent.WORKSHOP, Intent.PERSON, Intent.BY})
# With nothing to refer to, these ask about the workshop itself ("when does it start?").
WORKSHOP_ASPECT = {Intent.WHEN: "dates", Intent.WHERE: "venue", Intent.DURATION: "hours",
                   Intent.ABOUT: "about"}
# "where is it?" after a question about a talk: its room, not the workshop's venue.
ASPECT_INTENT = {"start": Intent.WHEN, "end": Intent.WHEN, "dates": Intent.WHEN,
                 "venue": Intent.WHERE, "hours": Intent.DURATION}
_OFFSET_ONLY = re.compile(r"^(?:\d{1,4}\s*(?:m|min|mins|minutes?|h|hr|hrs|hours?)"
                          r"(?:\s*\d{1,2}\s*(?:m|min|mins|minutes?)?)?|at (?:the )?start|"
                          r"when it starts|as it starts)(?:\s+(?:before|early|ahead|"
                          r"in advance|beforehand))?$", re.IGNORECASE)
_LEADING_PRONOUN = re.compile(r"^(?:of |about |for )?(?:it|that|this|that one|this one|"
                              r"that talk|this talk|the talk|them)\b\s*", re.IGNORECASE)


_PRONOUN_IN_ROOM = re.compile(r"^(?:(?:it|that|this|that one|this one|her|him|them)\s+)?"
                              r"(?P<room>(?:in|at)\s+(?:the\s+)?(?:same|this|that)\s+"
                              r"(?:room|hall|place|stage))$", re.IGNORECASE)


class RecentSubjects:
    """The last subject of each asker, forgotten after :data:`TTL`."""

    def __init__(self, ttl: timedelta = TTL, capacity: int = MAX_ASKERS) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._last: OrderedDict[tuple[str, str], tuple[str, datetime]] = OrderedDict()

    def get(self, user: UserRef, now: datetime) -> str | None:
        key = (user.platform, user.id)
        found = self._last.get(key)
        if found is None:
            return None
        subject, at = found
        if now - at > self.ttl or now < at - self.ttl:
            del self._last[key]
            return None
        return subject

    def remember(self, user: UserRef, reply: Reply, now: datetime) -> None:
        """Keep what ``reply`` was about, when it was about one thing."""
        subject = reply.subject
        if not subject and len(reply.cards) == 1 and reply.cards[0].slug:
            subject = f"#{reply.cards[0].slug}"
        if not subject or subject == "workshop":
            return
        key = (user.platform, user.id)
        self._last[key] = (subject, now)
        self._last.move_to_end(key)
        while len(self._last) > self.capacity:
            self._last.popitem(last=False)

    def refer(self, request: Request, user: UserRef, now: datetime) -> Request:
        """``request`` with a pronoun subject ("it", "that", nothing) replaced by the asker's
        last subject; with none, what the words mean on their own."""
        if request.intent is Intent.NOW and request.arg == SPEAKERS_OF_LAST:
            last = self.get(user, now)  # "when is the panel?" … "who's speaking?"
            if last is not None and last.startswith("#"):
                return Request(Intent.ABOUT, last, request.scope)
            return Request(Intent.NOW, "", request.scope)
        if request.intent in (Intent.FIRST, Intent.LAST):
            kind, _, rest = request.arg.partition("|")
            last = self.get(user, now) if kind.strip() in ("one", "ones") else None
            if last is not None and last.startswith("#"):  # "the first talk?" … "and the last one?"
                return Request(request.intent, f"{last}|{rest}", request.scope)
            return request
        if request.intent not in FOLLOWS:
            return request
        arg = request.arg
        if request.intent is Intent.WORKSHOP:
            aspect, _, said = arg.partition("|")
            if not said or said.strip().casefold() not in PRONOUNS:
                return request  # nothing said, or a name: the router reads it
            last = self.get(user, now)
            if last is None or last.startswith("@"):
                return Request(Intent.WORKSHOP, aspect, request.scope)
            return Request(ASPECT_INTENT.get(aspect, Intent.ABOUT), last, request.scope)
        rest = ""
        if request.intent is Intent.REMIND:
            stripped = _LEADING_PRONOUN.sub("", arg).strip()
            if stripped and not _OFFSET_ONLY.match(stripped):
                return request  # "remind me about kraska": it names its subject
            rest = stripped
        elif (same := _PRONOUN_IN_ROOM.match(arg)) is not None and request.intent in (
                Intent.AFTER, Intent.BEFORE):
            rest = same["room"]  # "and after that in the same room?"
        elif arg.strip().casefold() not in PRONOUNS:
            return request
        last = self.get(user, now)
        if last is not None and last.startswith("@") and request.intent not in (
                Intent.AFTER, Intent.BEFORE):
            last = None  # an instant has no room, length or authors
        if last is None:
            if request.intent in WORKSHOP_ASPECT and arg.strip().casefold() in PRONOUNS:
                return Request(Intent.WORKSHOP, WORKSHOP_ASPECT[request.intent], request.scope)
            return request
        if request.intent is Intent.REMIND:
            return Request(Intent.REMIND, f"{last.removeprefix('#')} {rest}".strip())
        return Request(request.intent, f"{last} {rest}".strip(), request.scope)
