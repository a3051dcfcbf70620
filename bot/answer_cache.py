"""The same question in the same second is answered, and rendered, once.

At a session boundary many attendees ask the same thing ("what's next?") within moments
of each other. A schedule answer is a pure function of the question, the program, the
asker's timezone, the platform (which Q&A thread it links to) and the clock; within one
second of the clock it is the same answer, to the second the text shows. So the router
keeps the replies of the current clock second (:class:`AnswerCache`) and hands the same
:class:`Reply` object to everyone who asked the same thing, and an adapter keeps what it
rendered from that object (:class:`RenderCache`). A burst of identical questions then
costs one answer and one rendering; the rest is the platform's own work.

Nothing that reads or writes a person's state (their timezone, reminders, Q&A) goes
through the cache: the router only offers it the answers that are pure (see
``Router.handle``). A new program (a reload), a new Q&A revision, a new second of the
bot's clock or a new real second starts an empty cache, so an answer is never more than
a second old: not on the bot's clock, and not in real time either, which matters when a
rehearsal clock stands still while a Q&A thread is created that an "about" answer
should link to.

The Q&A revision is the database's (``bot.qa.threads``): threads another process made
or recreated (``workshop-bot qa setup`` beside a running bot, a second instance) end
the epoch as soon as this process has read them, by its poll or by a message in one of
them, so no reply linking a replaced thread is given from here after that.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from bot.messages import Reply

T = TypeVar("T")

ANSWERS_PER_SECOND = 1024  # distinct questions kept for one second; beyond that, start over
RENDERINGS = 64  # replies an adapter keeps its rendering of (a second's worth, in practice)


class AnswerCache:
    """The replies given during one second, while what they were worked out from holds.

    ``epoch`` names what the replies depend on besides the question: the program, the
    second of the bot's clock, the Q&A threads' revision. The real second is added here.
    A different epoch empties the cache.
    """

    def __init__(self, limit: int = ANSWERS_PER_SECOND,
                 real_seconds: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._real_seconds = real_seconds
        self._epoch: tuple[object, ...] | None = None
        self._replies: dict[Hashable, Reply] = {}
        self.lookups = 0  # answers asked for, and given from here: its hit rate, at exit
        self.hits = 0

    def _now(self, epoch: tuple[object, ...]) -> tuple[object, ...]:
        return (*epoch, int(self._real_seconds()))

    def get(self, epoch: tuple[object, ...], key: Hashable) -> Reply | None:
        """The reply already given for ``key`` in this epoch, if any."""
        self.lookups += 1
        current = self._now(epoch)
        if current == self._epoch:  # identity first: the same program object is cheap
            found = self._replies.get(key)
            self.hits += found is not None
            return found
        self._epoch = current
        self._replies.clear()
        return None

    def put(self, epoch: tuple[object, ...], key: Hashable, reply: Reply) -> None:
        """Keep ``reply``, unless its epoch ended while it was being worked out."""
        if self._now(epoch) != self._epoch:
            return
        if len(self._replies) >= self._limit:
            self._replies.clear()
        self._replies[key] = reply

    def summary(self) -> str:
        """ "answer cache: 120 of 9000 answers given from it (1.3%)", for the log at exit."""
        share = 100 * self.hits / self.lookups if self.lookups else 0.0
        return f"answer cache: {self.hits} of {self.lookups} answers given from it ({share:.1f}%)"


class RenderCache(Generic[T]):
    """An adapter's renderings of the replies it was given last, by reply identity.

    The router gives the same Reply object for the same question in the same second, so
    identity is the key (no deep hashing of the reply); each entry holds its reply, so an
    id is never reused while it is in here.
    """

    def __init__(self, render: Callable[[Reply], T], limit: int = RENDERINGS) -> None:
        self._render = render
        self._limit = limit
        self._entries: dict[int, tuple[Reply, T]] = {}

    def __call__(self, reply: Reply) -> T:
        entry = self._entries.get(id(reply))
        if entry is not None and entry[0] is reply:
            return entry[1]
        rendered = self._render(reply)
        if len(self._entries) >= self._limit:
            del self._entries[next(iter(self._entries))]  # the oldest
        self._entries[id(reply)] = (reply, rendered)
        return rendered
