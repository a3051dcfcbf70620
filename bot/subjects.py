"""What the subject of a question is on this program: the workshop itself, a kind of
thing ("the panel", "keynotes", "the poster thing"), one item, one person, an instant, or
nothing on the program (said plainly, never answered with a near miss).

The frames (:mod:`bot.frames`) leave the subject as the words typed; every answer that
takes one resolves it here, so "when is the poster thing", "is there a poster session"
and "how long are the posters" all mean the same items, and "ML for Systems" means the
workshop even where a paper's summary mentions machine learning in systems.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz, process

from bot.answers.context import Ask
from bot.intents import clean_subject
from bot.kind_words import Kind, items_of_kind, kind_named, one_of_kind
from bot.matching import STOPWORDS, EntryKind, ProgramIndex, Resolution, normalize
from bot.near_miss import without_near_misses
from bot.program import Item, Person, Program
from bot.request import Intent, Request

# A reference to an exact item, person or instant, as the follow-up memory writes it.
ITEM_REF = "#"
PERSON_REF = "~"
INSTANT_REF = "@"

PRONOUNS = frozenset({
    "", "it", "that", "this", "them", "they", "he", "she", "him", "her", "his", "hers",
    "that one", "this one", "the one", "that talk", "this talk", "the talk", "that paper",
    "this paper", "the paper", "that session", "this session", "the session", "his talk",
    "her talk", "their talk", "it all", "there", "that thing", "this thing", "one", "then",
    "his paper", "her paper", "their paper", "his session", "her session",
})
EVENT_WORDS = frozenset({
    "workshop", "event", "conference", "summit", "symposium", "meeting", "meetup", "congress",
    "convention", "festival", "camp", "forum",
    "whole thing", "thing", "day", "program", "programme", "schedule", "proceedings",
    "things", "stuff", "everything", "it all", "whole workshop", "whole event",
    "whole day", "entire workshop", "entire event", "main event", "we", "you guys",
})
PEOPLE: frozenset[EntryKind] = frozenset({"person"})
_FILLER = frozenset({"the", "this", "our", "your", "a", "an", "whole", "entire", "main",
                     "of", "for", "in", "at", "on", "today", "tomorrow", "all", "s",
                     # what a question says of the workshop around its name: "what is ML
                     # for Systems focusing on this year", "the summit, my time"
                     "is", "are", "be", "will", "does", "do", "it", "happening", "held",
                     "taking", "place", "running", "run", "runs", "cover", "covers",
                     "covering", "focusing", "focus", "focused", "about", "year", "exactly",
                     "total", "me", "my", "time", "going", "located", "hosted", "part",
                     "overall", "altogether", "actually", "again", "lasts", "last", "takes",
                     "long", "it's", "start", "starts", "begin", "begins", "end", "ends",
                     "finish", "finishes", "kick", "off", "day", "date", "dates",
                     # "whats ml for systems about in a nutshell", "what is it even about"
                     "nutshell", "short", "brief", "briefly", "even", "really", "roughly",
                     "generally", "basically", "summary", "summarized", "summarised",
                     "what", "whats", "explain", "describe"})


@dataclass(frozen=True, slots=True)
class WorkshopSubject:
    pass


@dataclass(frozen=True, slots=True)
class KindSubject:
    kind: Kind
    items: tuple[Item, ...]
    said: str = ""  # the asker's words for it ("workshop dinner" for the social kind)


@dataclass(frozen=True, slots=True)
class ItemSubject:
    item: Item


@dataclass(frozen=True, slots=True)
class PersonSubject:
    person: Person


@dataclass(frozen=True, slots=True)
class InstantSubject:
    at: datetime


@dataclass(frozen=True, slots=True)
class Missing:
    """Nothing on the program is what was asked about."""

    query: str
    resolution: Resolution | None = None


@dataclass(frozen=True, slots=True)
class Several:
    query: str
    resolution: Resolution


Subject = (WorkshopSubject | KindSubject | ItemSubject | PersonSubject | InstantSubject
           | Missing | Several)


@dataclass(frozen=True, slots=True)
class _WorkshopNames:
    """The words that name one program's workshop, worked out once per program."""

    own: frozenset[str]  # its name's, id's and venue's words
    own_long: tuple[str, ...]  # those a typo may be forgiven in (four letters or more)
    compact: frozenset[str]  # "mlforsystems", "mlforsys2021"
    venue: frozenset[str]  # the venue's own words ("neurips", "berlin"): they name it too
    name_words: tuple[str, ...]  # its name's words that say something ("ml", "systems")
    # Whether each word seen so far is one of the workshop's (a typo of one counts):
    # the same in every question that has the word, so worked out once per word.
    seen: dict[str, bool] = field(default_factory=dict)
    texts: dict[str, bool] = field(default_factory=dict)  # each whole subject's verdict


_NAMES: weakref.WeakKeyDictionary[Program, _WorkshopNames] = weakref.WeakKeyDictionary()
WORDS_KEPT = 50_000
_GENERIC = frozenset({"workshop", "event", "conference", "summit", "symposium", "meeting",
                      "congress", "convention", "festival", "camp", "forum"})


def _initials(name: str) -> tuple[str, ...]:
    """ "Data Systems Summit" is also "DSS" (three words or more, so that the initials
    are not an ordinary word)."""
    words = [w for w in normalize(name).split() if w not in STOPWORDS and not w.isdigit()]
    return ("".join(w[0] for w in words),) if len(words) >= 3 else ()


def _names(program: Program) -> _WorkshopNames:
    found = _NAMES.get(program)
    if found is None:
        workshop = program.workshop
        own = set(normalize(workshop.name).split()) | set(normalize(workshop.slug).split())
        own |= set(normalize(workshop.venue or "").split())
        found = _NAMES[program] = _WorkshopNames(
            frozenset(own), tuple(sorted(w for w in own if len(w) >= 4)),
            frozenset({normalize(workshop.name).replace(" ", ""),
                       workshop.slug.replace("-", ""),
                       # "ML for Systems" is also "mlsys", "ML sys"
                       "".join(w for w in normalize(workshop.name).split()
                               if w not in STOPWORDS),
                       *_initials(workshop.name)}),
            frozenset(w for w in normalize(workshop.venue or "").split()
                      if len(w) >= 4 and not w.isdigit()) - set(normalize(workshop.name).split()),
            tuple(w for w in normalize(workshop.name).split() if w not in STOPWORDS))
    return found


def _named(word: str, names: _WorkshopNames) -> bool:
    found = names.seen.get(word)
    if found is None:
        found = word in names.own or (len(word) >= 4 and process.extractOne(
            word, names.own_long, scorer=fuzz.ratio, score_cutoff=85) is not None)
        if len(names.seen) < WORDS_KEPT:
            names.seen[word] = found
    return found


def names_workshop(program: Program, text: str) -> bool:
    """Whether ``text`` names the workshop itself: "the workshop", "this event", "ML for
    Systems", "mlforsys", "NeurIPS 2021 ML for Systems workshop". Each text's verdict is
    kept per program (nearly every question asks it of its subject)."""
    names = _names(program)
    verdict = names.texts.get(text)
    if verdict is None:
        verdict = _names_workshop(names, text)
        if len(names.texts) < WORDS_KEPT:
            names.texts[text] = verdict
    return verdict


def _names_workshop(names: _WorkshopNames, text: str) -> bool:
    plain = normalize(text)
    if not plain:
        return False
    if plain in EVENT_WORDS:
        return True
    if plain.replace(" ", "") in names.compact:
        return True
    words = [w for w in plain.split() if w not in _FILLER]
    if not words:
        return False
    if any(kind_named(w) is not None for w in words if w not in _GENERIC):
        return False  # "the poster session at the summit": a kind of thing at it
    core = "".join(w for w in words if w not in _GENERIC)
    spelled = core.replace("4", "for").replace("2", "to")
    if core in names.compact or (len(spelled) >= 5 and any(
            c.startswith(spelled) for c in names.compact)):
        return True  # "the ML4Sys workshop", "mlforsys"
    named = [w for w in words if _named(w, names)]
    if any(w not in _GENERIC and w not in STOPWORDS for w in words if w not in named):
        return False  # a word that is not the workshop's: "ML for Systems paper on NIC"
    if not named:
        return all(w in _GENERIC for w in words)  # "the workshop run in total"
    if any(w in names.venue for w in named):
        return True  # "when is NeurIPS", "where is the main building"
    covered = sum(1 for w in names.name_words if w in named or any(
        len(n) >= 4 and fuzz.ratio(w, n) >= 85 for n in named))
    return covered >= max(1, min(2, len(names.name_words))) or any(w in _GENERIC for w in words)


def resolve(ask: Ask, text: str) -> Subject:
    """The subject ``text`` names on the asker's program."""
    program = ask.program
    stripped = text.strip()
    if stripped.startswith(ITEM_REF) and (item := program.by_slug.get(stripped[1:])):
        return ItemSubject(item)
    if stripped.startswith(PERSON_REF):
        person = next((p for p in program.people if p.name == stripped[1:]), None)
        if person is not None:
            return PersonSubject(person)
    if stripped.startswith(INSTANT_REF):
        try:
            return InstantSubject(datetime.fromisoformat(stripped[1:]))
        except ValueError:
            pass
    if stripped.casefold() in PRONOUNS or names_workshop(program, stripped):
        return WorkshopSubject()
    kind = kind_named(stripped)
    if kind is not None:
        items = items_of_kind(program, kind)
        return KindSubject(kind, items, stripped)
    ordinal = ordinal_item(program, stripped)
    if ordinal is not None:
        return ItemSubject(ordinal)
    resolution = without_near_misses(stripped, ask.index.resolve(stripped))
    if not resolution.found:
        return Missing(stripped, resolution)
    entry = resolution.unique
    if entry is None:
        return Several(stripped, resolution)
    if entry.person is not None:
        return PersonSubject(entry.person)
    assert entry.item is not None
    return ItemSubject(entry.item)


_ORDINAL = re.compile(r"^(?:the\s+)?(?:very\s+)?(?P<o>first|opening|1st|earliest|last|closing|"
                      r"final|latest|second|2nd|third|3rd)\s+(?P<k>.+)$", re.IGNORECASE)
_DAY_PART_HOURS = {"morning": (0, 12), "afternoon": (12, 18), "evening": (18, 24)}
_POSITIONS = {"first": 0, "opening": 0, "1st": 0, "earliest": 0, "second": 1, "2nd": 1,
              "third": 2, "3rd": 2, "last": -1, "closing": -1, "final": -1, "latest": -1}


def ordinal_item(program: Program, text: str) -> Item | None:
    """ "the opening keynote", "the second talk", "the last break": that one of its kind
    in time order, when no title says those words ("Opening Remarks" is a title)."""
    match = _ORDINAL.match(text)
    if match is None:
        return None
    kind_words, part = match["k"], None
    first_word, _, rest = kind_words.partition(" ")
    if first_word.casefold() in _DAY_PART_HOURS and rest:
        kind_words, part = rest, _DAY_PART_HOURS[first_word.casefold()]  # "first afternoon talk"
    if (kind := kind_named(kind_words)) is None:
        return None
    said = normalize(text.removeprefix("the "))
    word = match["o"].casefold()
    if any(said in normalize(item.title) or (word in ("opening", "closing") and normalize(
            item.title).startswith(word)) for item in program.items):
        return None  # a title says so: "Opening Remarks", "Closing keynote: …"
    items = sorted((i for i in one_of_kind(program, kind) if i.is_scheduled and (
        part is None or part[0] <= i.span[0].astimezone(program.workshop.timezone).hour
        < part[1])), key=lambda i: i.span)
    position = _POSITIONS[match["o"].casefold()]
    if not items or position >= len(items):
        return None
    return items[position]


def sessions_of(program: Program, person: Person) -> list[Item]:
    """A person's scheduled sessions in time order (a paper counts through its session)."""
    return sorted((i for i in program.items_of(person) if i.is_scheduled),
                  key=lambda i: i.span)


def looks_like_name(text: str) -> bool:
    """ "Yoshua Bengio", "bengio": a person asked about, for "is not on the program"."""
    words = text.split()
    return 1 <= len(words) <= 3 and all(re.fullmatch(r"[A-Za-zÀ-ÿ'.-]+", w) for w in words)


# A question whose subject is the workshop itself is a workshop question, whatever its
# frame: "when is ML for Systems?" asks for its dates, "where is NeurIPS 2021" its venue.
ASPECT_BY_INTENT = {"when": "dates", "about": "about", "where": "venue", "duration": "hours",
                    "unknown": "about", "kind": "about", "person": "about"}


def about_workshop(program: Program, intent: str, arg: str) -> str | None:
    """The workshop aspect a request asks about when its subject names the workshop."""
    aspect = ASPECT_BY_INTENT.get(intent)
    if aspect is None or not arg or arg.startswith((ITEM_REF, PERSON_REF, INSTANT_REF)):
        return None
    if arg.strip().casefold() in PRONOUNS:
        return None
    return aspect if names_workshop(program, arg) else None


_A_DAY = re.compile(r"^(?:the\s+)?(?:(?:workshop|event|summit|conference|program(?:me)?)\s+)?"
                    r"(?:(?:on\s+)?(?P<d>day\s*\d{1,2}|(?:first|second|third|last|final) day|"
                    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow)|"
                    r"each day|every day|per day|a day|(?:the\s+)?days?)$", re.IGNORECASE)
# The intents whose subject may end with the event itself: "… at the summit".
AT_THE_EVENT = frozenset({Intent.COUNT, Intent.KIND, Intent.DURATION, Intent.WHEN, Intent.ABOUT,
                          Intent.SEARCH, Intent.BY, Intent.PERSON, Intent.WHERE})
_COUNTED_TAIL = re.compile(r"\s+(?:are|were|have been|got|will be)\s+(?:accepted|presented|"
                           r"listed|planned|scheduled|there|given)$", re.IGNORECASE)
_AT_EVENT = re.compile(r"\s+(?:at|in|for|of)\s+(?P<w>.+)$", re.IGNORECASE)
_IN_PLACE = re.compile(r"^(?:on\s+)?in\s+(?:the\s+)?(?P<place>.+?)(?:\s+(?:on\s+)?(?P<day>today|"
                       r"tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                       r"day\s*\d{1,2}))?$", re.IGNORECASE)


def _room_named(program: Program, words: str) -> str | None:
    """The room or track ``words`` name exactly ("audimax", "room h 1012", "h1012")."""
    said = normalize(words)
    compact = said.replace(" ", "")
    for name in (*program.rooms, *program.tracks):
        plain = normalize(name)
        if said == plain or (len(compact) >= 3 and plain.replace(" ", "").endswith(compact)):
            return name
    return None


# Every word a request for the list of papers is made of, besides the event's own names:
# "could someone share the paper list", "all accepted posters + papers", "what got in?"
PAPER_NOUNS = frozenset({"paper", "papers", "poster", "posters", "works", "submissions",
                         "research", "titles", "publications", "contributions"})
PAPER_LIST_WORDS = PAPER_NOUNS | frozenset({
    "list", "lists", "listed", "accepted", "accept", "title", "all", "every", "full", "whole",
    "complete", "show", "see", "share", "give", "me", "us", "the", "of", "which", "what", "wat",
    "got", "get", "in", "into", "were", "was", "are", "is", "r", "being", "presented", "present",
    "anywhere", "available", "to", "at", "for", "this", "year", "years", "please", "pls", "plz",
    "thanks", "could", "can", "someone", "anyone", "you", "i", "would", "be", "able", "hi",
    "hey", "need", "want", "like", "where", "find", "page", "with", "from", "them", "and",
    "will", "that", "there", "a", "any", "an", "s", "poster", "session", "track", "edition",
    "do", "does", "have", "has", "made", "it", "cut", "selected", "shown", "on", "program",
    "programme", "so", "far", "again", "link", "read", "here", "our", "their", "its", "other",
    "each", "these", "those", "also", "too", "kindly", "tell", "know", "id", "d",
})


LIST_SIGNS = frozenset({"list", "lists", "listed", "accepted", "accept", "all", "every", "full",
                        "whole", "complete", "titles", "title", "share", "show", "see", "got",
                        "presented", "selected", "made"})


def _asks_for_the_papers(program: Program, text: str) -> bool:
    """Whether ``text`` only asks for the list of papers (in any words, naming the event or
    not): nothing in it names a paper, a person or a topic."""
    words = normalize(text.replace("+", " ")).split()
    if not words or not any(w in PAPER_NOUNS for w in words) or not any(
            w in LIST_SIGNS for w in words):
        return False
    names = _names(program)
    return all(w in PAPER_LIST_WORDS or w in names.own or w in _GENERIC or w.isdigit()
               or w in EVENT_WORDS for w in words)


def refine(request: Request, program: Program, index: ProgramIndex) -> Request:
    """Read a request's words against the program where parsing alone cannot: "when does
    ML for Systems wrap up" (the workshop) vs "when does the poster session end" (an
    item), "hashemi papers" (an author) vs "quantization papers" (a topic)."""
    if request.intent is Intent.WORKSHOP:
        aspect, _, said = request.arg.partition("|")
        if said and said.strip().casefold() not in PRONOUNS and not names_workshop(program,
                                                                                    said):
            return Request(Intent.WHEN, clean_subject(said), request.scope)
        return Request(Intent.WORKSHOP, aspect, request.scope)
    if request.intent in (Intent.UNKNOWN, Intent.SEARCH, Intent.ABOUT) and \
            _asks_for_the_papers(program, request.arg):
        return Request(Intent.PAPERS)  # "list of accepted papers", "which papers got in?"
    if request.intent is Intent.DURATION and (day := _A_DAY.match(request.arg)):
        # "how long does day 1 last?", "how long is the event each day": the day's hours
        return Request(Intent.WORKSHOP, "hours", " ".join((day["d"] or "").split()))
    if request.intent in AT_THE_EVENT and (at := _AT_EVENT.search(request.arg)) and \
            at.start() > 0 and names_workshop(program, at["w"]) and \
            not names_workshop(program, request.arg):  # "ML for Systems" is the name itself
        # "keynotes at the summit", "how long is lunch at DSS", "papers accepted at ML4Sys"
        said = _COUNTED_TAIL.sub("", request.arg[: at.start()])
        return refine(Request(request.intent, said, request.scope), program, index)
    if request.intent is Intent.ABOUT and (inside := _IN_PLACE.match(request.arg)) and (
            room := _room_named(program, inside["place"])):
        day = inside["day"] or request.scope or "today"  # "what's in the Audimax on monday?"
        return Request(Intent.AGENDA, f"{' '.join(day.split())} {room}")
    if request.intent is Intent.UNKNOWN and looks_like_name(request.arg.rstrip("?")) and (
            without_near_misses(request.arg, index.resolve(request.arg.rstrip("?"), PEOPLE)
                                ).unique is not None):
        return Request(Intent.PERSON, request.arg.rstrip("?"), request.scope)  # "kraska?"
    if request.intent is Intent.BY and request.arg and not request.arg.startswith(
            (ITEM_REF, PERSON_REF)) and not index.resolve(request.arg, PEOPLE).found and (
            index.search(request.arg, limit=1) or len(request.arg.split()) == 1):
        return Request(Intent.SEARCH, request.arg, request.scope)  # a topic, not a person
    return request
