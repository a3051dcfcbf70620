"""A crowd of attendees asking a program questions: the router benchmark's question mix.

A benchmark that asks the same two questions over and over measures the memoisation, not
the understanding. This module makes the questions a real crowd types at a workshop:
many askers, each question phrased a little differently (greetings, "pls", lowercase,
no punctuation, txt-speak), names partial or misspelt (a letter dropped, swapped or
doubled), titles cut to a fragment, topics taken from summaries, clock times on the
program and in its gaps, and people and topics the program does not have. Everything is
drawn from the :class:`~bot.program.Program` it is given, so it fits any event, and from
one ``random.Random(seed)``, so a run can be repeated exactly. No question text occurs
twice in one crowd (``--mix crowd``); ``--mix repeat`` is the old benchmark's two
questions from one asker.

    .venv/bin/python bench/crowd.py [--program FILE] [--questions N] [--seed S] [--show K]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.matching import STOPWORDS, normalize
from bot.program import Item, Person, Program, examples

# A real crowd mostly wants to know what is on and when someone speaks (the first three,
# with "casual" being mostly those in txt-speak); every other family gets 5 %, so a run of
# the default 20,000 questions still has 1,000 of each (issue 13: 1,000 distinct
# questions of every kind the bot answers).
WEIGHTS: dict[str, float] = {
    "now": 0.12, "next": 0.11, "when": 0.12, "casual": 0.05,
    "who_at": 0.05, "about": 0.05, "person": 0.05, "by": 0.05, "search": 0.05,
    "agenda": 0.05, "workshop": 0.05, "relative": 0.05, "duration": 0.05, "range": 0.05,
    "kind": 0.05, "absent": 0.05,
}
FAMILIES = tuple(WEIGHTS)
MIXES = ("crowd", "repeat")

# Famous people and topics a workshop program rarely has; any that the program does
# mention are left out (see Crowd.__init__).
ABSENT_PEOPLE = (
    "Yoshua Bengio", "Geoffrey Hinton", "Yann LeCun", "Fei-Fei Li", "Andrew Ng",
    "Demis Hassabis", "Daphne Koller", "Judea Pearl", "Donald Knuth", "Barbara Liskov",
    "Leslie Lamport", "Grace Hopper", "Ada Lovelace", "Linus Torvalds", "Margaret Hamilton",
    "Ilya Sutskever", "Jeff Dean", "Radia Perlman", "Vint Cerf", "Tim Berners-Lee",
)
ABSENT_TOPICS = (
    "quantum gravity", "knitting", "sourdough", "origami", "volcanology", "beekeeping",
    "medieval poetry", "jazz harmony", "marine biology", "figure skating", "astrology",
    "gardening", "opera", "chess openings", "wine tasting", "ballet",
)
ABSENT_EVENTS = ("hackathon", "karaoke night", "boat trip", "yoga class", "job fair",
                 "award ceremony", "pub quiz", "city tour")
KIND_WORDS = (  # what people call session kinds, whether or not this program has them
    ("panel", "panels"), ("keynote", "keynotes"), ("talk", "talks"), ("poster", "posters"),
    ("break", "breaks"), ("paper", "papers"), ("invited talk", "invited talks"),
    ("lightning talk", "lightning talks"), ("tutorial", "tutorials"),
    ("social", "socials"), ("workshop", "workshops"), ("lecture", "lectures"),
)

# Ways people open and close a question; most ask it bare: about one in five opens with a
# greeting or a filler, one in six ends with please or thanks (or an emoticon).
PREFIXES = ("",) * 48 + ("hey ", "hi ", "hello, ", "hey bot, ", "sorry, ", "quick question: ",
                         "um ", "ok ", "so ", "excuse me, ", "yo ", "hiya, ")
SUFFIXES = ("",) * 24 + ("?",) * 18 + ("??", "!", "?!", " :)") * 2 + (
    " please", " pls", " thanks", " thx", " plz", " ty") * 2
_PUNCTUATION = re.compile(r"[?!.,;'’]|:(?![\d)(])")  # a clock time, a :) keep their colon


@dataclass(frozen=True, slots=True)
class Question:
    """One message: who asks, what they type, the family it was drawn from, and the
    instant (UTC) the simulated clock shows when it is asked."""

    family: str
    text: str
    asker: str
    at: datetime


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one letter dropped, two neighbours swapped or one letter doubled (the
    three slips people make typing a name); words shorter than four letters are kept."""
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(letters) < 4:
        return word
    i = rng.choice(letters[1:-1])  # the first and last letters are rarely wrong
    slip = rng.randrange(3)
    if slip == 0:
        return word[:i] + word[i + 1:]
    if slip == 1 and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i] + word[i:]


def casual(text: str, rng: random.Random) -> str:
    """The way a question looks typed fast: as written, lowercase, without punctuation,
    or both."""
    style = rng.random()
    if style < 0.45:
        return text
    if style < 0.7:
        return text.lower()
    if style < 0.85:
        return _PUNCTUATION.sub("", text)
    return _PUNCTUATION.sub("", text).lower()


class Crowd:
    """Questions about ``program`` from a crowd of askers, reproducible from ``seed``.

    The program's facts (speakers, titles, topic words, rooms, days, clock times in and
    between sessions) are read once; :meth:`questions` then draws from them."""

    def __init__(self, program: Program, seed: int = 7) -> None:
        self.program = program
        self.rng = random.Random(seed)
        self.zone: ZoneInfo = program.workshop.timezone
        self.name = program.workshop.name
        self.sessions = [i for i in program.scheduled if not i.title_is_tbd or i.people]
        if not self.sessions:
            raise ValueError("the program has no session with a time: nothing to ask about")
        talks = [i for i in program.scheduled if i.people and i.kind not in ("break",)]
        self.speakers: list[Person] = list({p.id: p for i in talks for p in i.people}.values())
        self.authors: list[Person] = list(
            {p.id: p for i in program.papers for p in i.people}.values()) or self.speakers
        self.people: list[Person] = list(program.people) or self.speakers
        self.titled: list[Item] = [i for i in program.items if not i.title_is_tbd]
        self.breaks: list[Item] = [i for i in program.scheduled if i.kind == "break"]
        self.rooms: list[str] = list(program.rooms)
        self.days = program.program_days()
        self.topics = self._topic_words()
        known = normalize(" ".join(
            [p.name for p in program.people]
            + [f"{i.title} {i.summary or ''} {' '.join(i.keywords)}" for i in program.items]))
        self.absent_people = [n for n in ABSENT_PEOPLE if normalize(n) not in known]
        self.absent_topics = [t for t in ABSENT_TOPICS if normalize(t) not in known]
        self.makers: dict[str, Callable[[], str]] = {
            "now": self._now, "next": self._next, "when": self._when, "casual": self._casual,
            "who_at": self._who_at, "about": self._about, "person": self._person,
            "by": self._by, "search": self._search, "agenda": self._agenda,
            "workshop": self._workshop, "relative": self._relative,
            "duration": self._duration, "range": self._range, "kind": self._kind,
            "absent": self._absent,
        }

    # -- the crowd -------------------------------------------------------------------

    def questions(self, count: int, mix: str = "crowd", askers: int | None = None,
                  seen: set[str] | None = None) -> list[Question]:
        """``count`` questions in the order they are asked, the clock moving forward
        across the program's days. ``crowd``: each family its share of WEIGHTS, askers
        drawn from ``askers`` people (default: one per ten questions, at least 1,000), no
        text twice. ``repeat``: "what's next?" and "when is <a speaker>" in turn from one
        asker, at 10:15 on the first day or in the first session. ``seen``: texts not to
        ask (another crowd's), and where this one's are added."""
        if mix == "repeat":
            return self._repeat(count)
        if mix != "crowd":
            raise ValueError(f"unknown mix {mix!r}; one of {', '.join(MIXES)}")
        pool = askers if askers is not None else max(1000, count // 10)
        families = self._families(count)
        seen = set() if seen is None else seen
        texts = [(family, self._unique(family, seen)) for family in families]
        instants = sorted(self._instant() for _ in texts)
        return [Question(family, text, f"u{asker:05d}", at)
                for (family, text), at, asker in zip(texts, instants, self._askers(count, pool),
                                                     strict=True)]

    def _askers(self, count: int, pool: int) -> list[int]:
        """Who asks each of ``count`` questions: every one of the ``pool`` people at least
        once (drawing at random alone leaves a third of them silent when there are as many
        people as questions, and the crowd would be smaller than it says), the rest by
        people drawn at random, in a shuffled order; fewer questions than people: as many
        different people as questions."""
        if count <= pool:
            return self.rng.sample(range(pool), count)
        out = [*range(pool), *(self.rng.randrange(pool) for _ in range(count - pool))]
        self.rng.shuffle(out)
        return out

    def _repeat(self, count: int) -> list[Question]:
        first = self.sessions[0].span[0]
        local = first.astimezone(self.zone).replace(hour=10, minute=15)
        at = local if self.program.on_at(local) or self.program.next_after(local) else first
        texts = ("what's next?", f"when is {examples(self.program).last_name}")
        return [Question("repeat", texts[n % 2], "u00000", at.astimezone(self.zone))
                for n in range(count)]

    def _families(self, count: int) -> list[str]:
        """Each family ``round(count * weight)`` times (the largest families absorb the
        rounding), shuffled."""
        shares = {f: round(count * w) for f, w in WEIGHTS.items()}
        shares["now"] += count - sum(shares.values())
        out = [f for f, n in shares.items() for _ in range(max(n, 0))]
        self.rng.shuffle(out)
        return out

    def _unique(self, family: str, seen: set[str]) -> str:
        """A question of ``family`` that ``seen`` does not have yet; after many draws
        with no new one, a letter of it is slipped (people do that too)."""
        make = self.makers[family]
        for attempt in range(400):
            text = self._dress(make())
            if attempt > 40:
                text = self._slip_any(text)
            if text not in seen:
                seen.add(text)
                return text
        raise RuntimeError(f"no new {family} question after 400 draws: the program is too "
                           f"small for this many; ask for fewer")

    def _dress(self, core: str) -> str:
        rng = self.rng
        suffix = rng.choice(SUFFIXES)
        if not suffix and core.endswith("?") and rng.random() < 0.5:
            suffix = "?"  # who wrote it with a question mark mostly keeps it
        return casual(f"{rng.choice(PREFIXES)}{core.rstrip('?')}{suffix}", rng).strip()

    def _slip_any(self, text: str) -> str:
        words = text.split(" ")
        long = [i for i, w in enumerate(words) if len(w) >= 4]
        if long:
            i = self.rng.choice(long)
            words[i] = typo(words[i], self.rng)
        return " ".join(words)

    def _instant(self) -> datetime:
        """When a question is asked: mostly during or around a session (weighted by
        sessions, so busy days get more), sometimes before the day starts or after it."""
        rng = self.rng
        item = rng.choice(self.sessions)
        start, end = item.span
        if rng.random() < 0.05:
            return start - timedelta(minutes=rng.uniform(5, 120))
        span = (end - start).total_seconds() + 20 * 60
        return start - timedelta(minutes=10) + timedelta(seconds=rng.uniform(0, span))

    # -- the facts questions are made of ------------------------------------------------

    def _topic_words(self) -> list[str]:
        words: Counter[str] = Counter()
        for item in self.program.items:
            for text in (item.summary or "", item.title, *item.keywords):
                for word in normalize(text).split():
                    if len(word) >= 5 and word not in STOPWORDS and not word.isdigit():
                        words[word] += 1
        common = {w for w, n in words.items() if n > max(3, len(self.program.items) // 4)}
        return sorted(w for w in words if w not in common) or ["systems"]

    def _speaker_name(self, people: Sequence[Person] | None = None) -> str:
        """A person's name as people type it: full, last or first name, possessive or
        not, often with a slip in it."""
        rng = self.rng
        person = rng.choice(list(people) if people else self.speakers or self.people)
        parts = person.name.split()
        form = rng.random()
        if form < 0.4 or len(parts) == 1:
            name = person.name
        elif form < 0.8:
            name = parts[-1]
        else:
            name = parts[0]
        if rng.random() < 0.35:
            words = name.split()
            i = rng.randrange(len(words))
            words[i] = typo(words[i], rng)
            name = " ".join(words)
        return name if rng.random() < 0.6 else name.lower()

    def _title_words(self, item: Item | None = None) -> str:
        """A title whole, its part before a colon, or two or three words of it."""
        rng = self.rng
        item = item or rng.choice(self.titled or self.sessions)
        title = item.display_title
        form = rng.random()
        if form < 0.35:
            return title
        if form < 0.55 and ":" in title:
            return title.split(":", 1)[0].strip()
        words = [w for w in re.split(r"\s+", title) if w]
        if len(words) <= 3:
            return title
        size = rng.choice((2, 3))
        at = rng.randrange(len(words) - size + 1)
        part = words[at:at + size]
        while len(part) > 1 and normalize(part[-1]) in STOPWORDS:  # "training in"
            part.pop()
        return " ".join(part)

    def _subject(self) -> str:
        """What a relative or duration question points at: a speaker's talk, a title, a
        break."""
        rng = self.rng
        form = rng.random()
        if form < 0.45 and self.speakers:
            return rng.choice((f"{self._speaker_name()}'s talk", self._speaker_name(),
                               f"the {self._speaker_name()} talk"))
        if form < 0.65 and self.breaks:
            brk = rng.choice(self.breaks)
            return rng.choice((brk.title.lower(), f"the {brk.title.lower()}"))
        return rng.choice((self._title_words(rng.choice(self.sessions)),
                           f"the {self._title_words(rng.choice(self.sessions))} talk"))

    def _clock(self, at: datetime, style: int | None = None) -> str:
        """A local time as people write it, in one of four styles (random unless given):
        10:15 / 14:30, 10:15am / 2pm, 10:15 am / 2 pm, 09:15 / 14:30."""
        local = at.astimezone(self.zone)
        hour, minute = local.hour, local.minute
        h12, half = hour % 12 or 12, "am" if hour < 12 else "pm"
        style = self.rng.randrange(4) if style is None else style
        if style == 1:
            return f"{h12}{half}" if minute == 0 else f"{h12}:{minute:02d}{half}"
        if style == 2:
            return f"{h12} {half}" if minute == 0 else f"{h12}:{minute:02d} {half}"
        if style == 3:
            return f"{hour:02d}:{minute:02d}"
        return f"{hour}:{minute:02d}"

    def _moment(self) -> datetime:
        """A clock time worth asking about: a start, inside a session, or in a gap."""
        rng = self.rng
        item = rng.choice(self.sessions)
        start, end = item.span
        form = rng.random()
        if form < 0.35:
            at = start
        elif form < 0.75:
            at = start + (end - start) * rng.random()
        else:  # in the gap after it (or just after it when sessions touch)
            later = self.program.next_after(end - timedelta(seconds=1))
            gap_end = later[0].span[0] if later else end + timedelta(hours=1)
            at = end + (max(gap_end - end, timedelta(minutes=5))) * rng.random()
        minutes = (at.minute // 5) * 5
        return at.replace(minute=minutes, second=0, microsecond=0)

    def _day(self) -> str:
        rng = self.rng
        index = rng.randrange(len(self.days)) if self.days else 0
        day = self.days[index] if self.days else None
        forms = [f"day {index + 1}", "today", "tomorrow"]
        if day is not None:
            forms += [day.strftime("%A").lower(), day.strftime("%A")]
        return rng.choice(forms)

    # -- the families ------------------------------------------------------------------

    def _pick(self, forms: Iterable[str]) -> str:
        return self.rng.choice(list(forms))

    def _now(self) -> str:
        room = self.rng.choice(self.rooms) if self.rooms and self.program.many_rooms else None
        forms = ["what's on now?", "what's on right now?", "whats on now", "what is on now?",
                 "what's happening now?", "what's happening?", "what is going on right now?",
                 "who is speaking now?", "who's talking now?", "who's on stage?",
                 "what talk is this?", "which session is this?", "current talk?",
                 "what's on at the moment?", "whats going on atm", "now", "what's on",
                 "what is happening at the moment?", "who's presenting now?",
                 "what's currently on?", "what's the current session?", "on now?"]
        if room is not None:
            forms += [f"what's on in {room} now?", f"who is in {room} right now?"]
        return self._pick(forms)

    def _next(self) -> str:
        forms = ["what's next?", "whats next", "what is next?", "what's up next?", "next?",
                 "what comes next?", "who's next?", "who is speaking next?", "next talk?",
                 "what's the next talk?", "what's the next session?", "what's after this?",
                 "what's on next?", "what is coming up?", "what's coming up next?",
                 "what happens next?", "next", "who speaks next?", "upcoming talk?",
                 "what's on after this one?"]
        return self._pick(forms)

    def _when(self) -> str:
        name = self._speaker_name()
        title = self._title_words()
        forms = [f"when is {name}?", f"when is {name}'s talk?", f"when does {name} speak?",
                 f"when does {name} present?", f"when is {name} on?", f"when's {name}",
                 f"what time is {name}'s talk?", f"what time does {name} speak?",
                 f"when is {name} speaking?", f"when is the talk by {name}?",
                 f"when is {title}?", f"when is the {title} talk?", f"what time is {title}?",
                 f"{name} when?", f"when will {name} talk?", f"when is {name} giving a talk?"]
        return self._pick(forms)

    def _casual(self) -> str:
        name = self._speaker_name()
        forms = ["wots on now", "wots on atm", "whats on rn", "whos on rn", "wat r we on",
                 "wots nxt", "whats nxt", "wot's next", "who r the speakers 2day",
                 f"wen is {name}", f"wen r {name} on", f"u know when {name} talks?",
                 f"when r u showing {name}", f"wen does {name} talk", "agenda pls",
                 "sched 2day", "wat r the talks 2day", "wots after this", "whos up nxt",
                 f"whos {name}", "r there posters", "wat time does it start", "show me da agenda",
                 "what r the breaks", "whats on rn pls", "wots on l8r", "nxt talk pls"]
        return self._pick(forms)

    def _who_at(self) -> str:
        at = self._clock(self._moment())
        day = self._day()
        forms = [f"who is speaking at {at}?", f"who's on at {at}?", f"who {at}",
                 f"what's on at {at}?", f"who speaks at {at}", f"what is at {at}?",
                 f"who's talking at {at} {day}?", f"what's on at {at} {day}",
                 f"who is presenting at {at}?", f"what happens at {at}?", f"at {at}?",
                 f"what's at {at}"]
        return self._pick(forms)

    def _about(self) -> str:
        title = self._title_words()
        topic = self.rng.choice(self.topics)
        forms = [f"tell me about {title}", f"what is {title} about?", f"about {title}",
                 f"info on {title}", f"details of {title}", f"what's the {title} talk about?",
                 f"tell me about the {topic} talk", f"what's the talk on {topic}?",
                 f"more about {title} please", f"describe {title}",
                 f"tell me more about {title}", f"what's {title}?"]
        return self._pick(forms)

    def _person(self) -> str:
        name = self._speaker_name(self.people)
        forms = [f"who is {name}?", f"who's {name}", f"tell me about {name}",
                 f"what does {name} do?", f"who is {name} and what are they presenting?",
                 f"info on {name}", f"where is {name} from?", f"{name}?",
                 f"what is {name} presenting?", f"is {name} speaking?"]
        return self._pick(forms)

    def _by(self) -> str:
        name = self._speaker_name(self.authors)
        forms = [f"papers by {name}", f"what did {name} write?", f"{name}'s papers",
                 f"papers from {name}", f"which papers are by {name}?", f"by {name}",
                 f"what papers does {name} have?", f"list papers by {name}",
                 f"has {name} got a paper?", f"any papers by {name}?"]
        return self._pick(forms)

    def _search(self) -> str:
        topic = self.rng.choice(self.topics)
        if self.rng.random() < 0.3:
            topic = typo(topic, self.rng)
        other = self.rng.choice(self.topics)
        forms = [f"search {topic}", f"anything on {topic}?", f"talks about {topic}",
                 f"papers on {topic}", f"is there anything about {topic}?",
                 f"find {topic}", f"{topic}?", f"search {topic} {other}",
                 f"any talks on {topic}?", f"what's there on {topic}?",
                 f"sessions about {topic}", f"look up {topic}"]
        return self._pick(forms)

    def _agenda(self) -> str:
        day = self._day()
        room = self.rng.choice(self.rooms) if self.rooms else None
        forms = ["agenda", "agenda today", f"agenda {day}", "schedule", f"schedule for {day}",
                 "show me the schedule", "what's the program?", "full agenda",
                 f"what's on {day}?", "show the agenda", "program please",
                 f"what's the agenda for {day}?", "list all talks", "list all papers"]
        if room is not None:
            forms += [f"agenda {room}", f"what's in {room}?", f"schedule for {room}",
                      f"agenda {day} {room}"]
        return self._pick(forms)

    def _workshop(self) -> str:
        name = self.rng.choice((self.name, "the workshop", "this event", "the event",
                                "the conference", self.name.lower()))
        forms = [f"when does {name} start?", f"when does {name} end?",
                 f"who organizes {name}?", f"who is organizing {name}?",
                 f"where is {name} held?", f"where is {name}?", f"what is {name} about?",
                 f"what's the website for {name}?", f"how long is {name}?",
                 f"which day is {name}?", f"what time does {name} finish?",
                 f"who are the organizers of {name}?", f"is {name} over?",
                 f"when does {name} kick off?", f"what's the venue of {name}?",
                 "where is it held?", "who organizes this?", "when does it start?"]
        return self._pick(forms)

    def _relative(self) -> str:
        subject = self._subject()
        name = self._speaker_name()
        brk = self.rng.choice(self.breaks).title.lower() if self.breaks else "the break"
        forms = [f"who's up after {name}?", f"what's after {subject}?",
                 f"what comes after {subject}?", f"what's before {subject}?",
                 f"who speaks before {name}?", f"what's before {brk}?",
                 f"what's after {brk}?", "the final item", "what's the last talk?",
                 "first talk?", "what's the first thing today?", "what is the last session?",
                 f"what follows {subject}?", f"what was before {subject}?",
                 "what's the first talk tomorrow?", "last talk of the day?",
                 f"who is after {name}?", "what's the opening session?"]
        return self._pick(forms)

    def _duration(self) -> str:
        subject = self._subject()
        name = self._speaker_name()
        forms = [f"how long is {name}'s talk?", f"how long is {subject}?",
                 f"how long does {subject} last?", f"how many minutes is {subject}?",
                 f"how long does {name} speak?", f"how much time does {subject} take?",
                 f"what's the length of {subject}?", f"how long is {name} on for?"]
        return self._pick(forms)

    def _range(self) -> str:
        start = self._moment()
        end = start + timedelta(minutes=self.rng.choice((30, 60, 90, 120, 180)))
        style = self.rng.randrange(4)  # one person writes both ends alike
        a, b, day = self._clock(start, style), self._clock(end, style), self._day()
        forms = [f"what's on from {a} to {b}?", f"what's on between {a} and {b}?",
                 f"anything between {a} and {b}?", f"is anything on at {a}?",
                 f"what's happening from {a} to {b} {day}?", f"talks between {a} and {b}",
                 f"is there something at {a}?", f"what's on {a}-{b}?",
                 f"is anything happening at {a} {day}?", f"schedule from {a} to {b}"]
        return self._pick(forms)

    def _kind(self) -> str:
        one, many = self.rng.choice(KIND_WORDS)
        forms = [f"is there a {one}?", f"list the {many}", f"how many {many} are there?",
                 f"are there {many}?", f"when are the {many}?", f"which talks are {many}?",
                 f"how many {many}?", f"any {many}?", f"show me the {many}",
                 f"what {many} are there?", "what kinds of sessions are there?",
                 f"is there a {one} {self._day()}?", f"list all {many}"]
        return self._pick(forms)

    def _absent(self) -> str:
        rng = self.rng
        who = rng.choice(self.absent_people or list(ABSENT_PEOPLE))
        if rng.random() < 0.3:
            who = who.split()[-1]
        topic = rng.choice(self.absent_topics or list(ABSENT_TOPICS))
        event = rng.choice(ABSENT_EVENTS)
        forms = [f"when does {who} talk?", f"when is {who}'s talk?", f"who is {who}?",
                 f"papers by {who}", f"is {who} speaking?", f"tell me about {topic}",
                 f"search {topic}", f"any talks on {topic}?", f"when is the {event}?",
                 f"is there a {event}?", f"when does {who} present?",
                 f"what time is the {topic} session?"]
        return self._pick(forms)


async def load(path: Path | None = None) -> Program:
    """The program in ``path`` (any format the bot reads; default the bundled one) as
    the bot answers from it: validated, written to a scratch database and read back, the
    same way :func:`bot.app.open_core` builds it."""
    from bot.program_loader import read_program
    from bot.settings import BUNDLED_PROGRAM
    from bot.store.database import Database
    from bot.store.program_sync import load_program, save_program

    loaded = read_program(path or BUNDLED_PROGRAM)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/crowd.db")
        try:
            await db.create_schema()
            first = min((s.start for s in loaded.spec.schedule), default=None)
            await save_program(db, loaded.spec, first or datetime.now().astimezone())
            return await load_program(db, loaded.spec.workshop.id)
        finally:
            await db.dispose()


def describe(questions: Sequence[Question]) -> str:
    """How many questions of each family, distinct texts and askers, in lines."""
    by_family = Counter(q.family for q in questions)
    distinct = {f: len({q.text for q in questions if q.family == f}) for f in by_family}
    lines = [f"{len(questions)} questions, {len({q.text for q in questions})} distinct, "
             f"{len({q.asker for q in questions})} askers"]
    lines += [f"  {f:<9} {n:>6} ({distinct[f]} distinct)" for f, n in by_family.most_common()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--program", type=Path, default=None)
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mix", choices=MIXES, default="crowd")
    parser.add_argument("--show", type=int, default=3, help="examples to print per family")
    args = parser.parse_args()
    program = asyncio.run(load(args.program))
    questions = Crowd(program, args.seed).questions(args.questions, args.mix)
    print(describe(questions))
    for family in dict.fromkeys(q.family for q in questions):
        shown = [q for q in questions if q.family == family][: args.show]
        for q in shown:
            print(f"  [{family}] {q.asker} @ {q.at.astimezone(program.workshop.timezone):%a %H:%M}"
                  f": {q.text}")


if __name__ == "__main__":
    main()
