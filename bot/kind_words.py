"""The kinds of things people ask about ("a panel", "keynotes", "the poster thing",
"social events", "coffee breaks") and which program items are of each kind.

The words are the program's vocabulary, not a program's: "is there a panel?" is a
question about kinds on any program, which is how the bot can say plainly that there
is no panel rather than answer with a near miss.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from bot.matching import normalize
from bot.program import Item, Program


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of thing people ask about, and which items are of it."""

    name: str  # "panel"
    singular: str  # "panel"
    plural: str  # "panels"
    kinds: frozenset[str] = frozenset()  # Item.kind values
    words: frozenset[str] = frozenset()  # a title or keyword with one of these counts


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("keynote", "keynote", "keynotes", frozenset({"keynote"}),
         frozenset({"keynote", "invited talk", "plenary"})),
    Kind("panel", "panel", "panels", frozenset({"panel"}),
         frozenset({"panel", "roundtable", "round table", "fireside chat", "debate"})),
    Kind("poster", "poster session", "poster sessions", frozenset({"poster"}),
         frozenset({"poster", "posters", "poster session"})),
    Kind("social", "social event", "social events", frozenset({"social"}),
         frozenset({"social", "reception", "dinner", "party", "drinks", "banquet",
                    "happy hour", "mixer", "networking", "get-together", "get together"})),
    Kind("lunch", "lunch break", "lunch breaks", frozenset(), frozenset({"lunch"})),
    Kind("coffee", "coffee break", "coffee breaks", frozenset(),
         frozenset({"coffee", "tea"})),
    Kind("break", "break", "breaks", frozenset({"break"}), frozenset({"break"})),
    Kind("talk", "talk", "talks", frozenset({"talk", "keynote"}), frozenset()),
    Kind("paper", "paper", "papers", frozenset({"paper"}), frozenset()),
    Kind("tutorial", "tutorial", "tutorials", frozenset({"tutorial"}),
         frozenset({"tutorial", "hands-on"})),
    Kind("workshop-session", "workshop session", "workshop sessions", frozenset({"workshop"}),
         frozenset()),
    Kind("demo", "demo", "demos", frozenset({"demo"}), frozenset({"demo", "demonstration"})),
    Kind("award", "award", "awards", frozenset({"award"}), frozenset({"award", "prize"})),
    Kind("competition", "competition", "competitions", frozenset({"competition"}),
         frozenset({"competition", "challenge", "contest", "hackathon"})),
    Kind("registration", "registration", "registration", frozenset({"registration"}),
         frozenset({"registration", "check-in", "badge"})),
    Kind("remarks", "opening or closing remarks", "opening and closing remarks",
         frozenset({"remarks"}), frozenset({"remarks"})),
    Kind("qa", "Q&A session", "Q&A sessions", frozenset({"qa"}), frozenset({"q&a"})),
    Kind("hackathon", "hackathon", "hackathons", frozenset({"hackathon"}),
         frozenset({"hackathon"})),
)}

# Words (normalised, singular) that name a kind, -> the kind's name.
KIND_WORDS: dict[str, str] = {
    "keynote": "keynote", "keynote talk": "keynote", "keynote speech": "keynote",
    "keynote speaker": "keynote", "invited talk": "keynote", "invited speaker": "keynote",
    "plenary": "keynote", "plenary talk": "keynote", "keynote session": "keynote",
    "panel": "panel", "panel discussion": "panel", "panel session": "panel",
    "roundtable": "panel", "round table": "panel", "debate": "panel", "fireside chat": "panel",
    "discussion panel": "panel", "panelist": "panel",
    "poster": "poster", "poster session": "poster", "poster thing": "poster",
    "poster presentation": "poster", "poster hall": "poster",
    "social": "social", "social event": "social", "party": "social",
    "reception": "social", "dinner": "social", "drink": "social", "banquet": "social",
    "happy hour": "social", "mixer": "social", "networking": "social",
    "networking event": "social", "get together": "social", "social hour": "social",
    "social evening": "social", "evening event": "social", "social program": "social",
    "welcome reception": "social", "conference dinner": "social", "workshop dinner": "social",
    "lunch": "lunch", "lunch break": "lunch", "break for lunch": "lunch", "lunchtime": "lunch",
    "food": "lunch", "catering": "lunch", "meal": "lunch", "refreshment": "coffee",
    "snack": "coffee",
    "lunch time": "lunch",
    "coffee": "coffee", "coffee break": "coffee", "tea break": "coffee", "tea": "coffee",
    "break": "break", "pause": "break", "recess": "break", "intermission": "break",
    "talk": "talk", "presentation": "talk", "lecture": "talk", "speech": "talk",
    "paper": "paper", "accepted paper": "paper", "publication": "paper",
    "contributed paper": "paper",
    "tutorial": "tutorial", "hands on session": "tutorial", "hands on": "tutorial",
    "workshop session": "workshop-session",
    "demo": "demo", "demonstration": "demo", "demo session": "demo",
    "award": "award", "best paper award": "award", "prize": "award", "award ceremony": "award",
    "competition": "competition", "challenge": "competition", "contest": "competition",
    "hackathon": "hackathon", "hack": "hackathon",
    "registration": "registration", "check in": "registration", "badge pickup": "registration",
    "remark": "remarks", "opening and closing remark": "remarks",
    "q and a": "qa", "q a": "qa", "qa": "qa", "q a session": "qa",
}
_KIND_FILLER = frozenset({"the", "a", "an", "any", "in", "for", "during", "from", "to", "some",
                          "all", "thing", "things", "stuff",
                          "kind", "sort", "type", "of", "planned", "scheduled", "today",
                          "tomorrow", "tonight", "later", "evening", "here", "this", "year", "at",
                          "workshop", "event",
                          "conference", "summit", "on", "program", "programme", "there",
                          "actual", "real", "proper", "official", "again", "too", "also",
                          "session", "sessions", "discussion", "discussions", "events"})


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and word[-3] in "shx":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _forms(singulars: Iterable[str]) -> frozenset[str]:
    """Every word that :func:`_singular` reads as one of ``singulars`` ("tutorials",
    "tutorial"): it only takes off an "s", an "es" or a "ies" (for a "y"), so these are
    all there are. Most subjects have a word of none, which settles them at once."""
    return frozenset(form for word in singulars
                     for form in (word, word + "s", word + "es", word[:-1] + "ies")
                     if _singular(form) == word)


# The words of the kinds' names, and with the filler: a subject with a word outside them
# names no kind (kind_named), one with no word of the names hints at none (kind_hint).
_KEY_FORMS = _forms({word for phrase in KIND_WORDS for word in phrase.split()})
_FORMS = _KEY_FORMS | _forms(_KIND_FILLER)


def singular_phrase(text: str) -> str:
    """ "lightning talks" -> "lightning talk": how to say "there is no …" of a plural."""
    words = text.split()
    return " ".join([*words[:-1], _singular(words[-1])]) if words else text


HINTED = frozenset({"keynote", "panel", "poster", "tutorial", "social", "lunch", "coffee",
                    "break", "award", "demo", "remarks", "talk"})


def kind_hint(text: str) -> Kind | None:
    """A kind named among other words ("Vogelsang's keynote" -> keynote, "Nakamura's
    talk" -> talk, not the panel he is also on), to choose among a person's sessions."""
    said = normalize(text).split()
    if not any(word in _KEY_FORMS for word in said):
        return None  # no word of any kind's name: most subjects ("kraska", a title)
    words = [_singular(w) for w in said]
    for size in (2, 1):
        for start in range(len(words) - size + 1):
            name = KIND_WORDS.get(" ".join(words[start:start + size]))
            if name in HINTED:
                return KINDS[name]
    return None


# Words that say which one of a kind, not what kind: "closing dinner", "gala dinner".
MODIFIERS = frozenset({"closing", "opening", "final", "farewell", "welcome", "gala", "big",
                       "main", "conference", "group", "speaker", "speakers", "student",
                       "students", "daily", "networking", "first", "last", "morning",
                       "afternoon", "night", "late", "informal", "formal"})


def kind_named(text: str) -> Kind | None:
    """The kind ``text`` names and nothing else ("the poster thing", "panel discussions",
    "social events"), or None when it names something more ("the XLA talk")."""
    said = normalize(text).split()
    if "or" not in said and not all(word in _FORMS for word in said):
        return None  # a word that is no kind's and no filler: it names something more
    words = [_singular(w) for w in said]
    phrase = " ".join(words)
    if phrase in KIND_WORDS:
        return KINDS[KIND_WORDS[phrase]]
    if "or" in words and len(words) > 1:  # "evening social or drinks": the first kind named
        parts = [p for p in " ".join(words).split(" or ") if p and p != phrase]
        return next((k for part in parts if (k := kind_named(part)) is not None), None)
    kept = [w for w in words if w not in _KIND_FILLER]
    if not kept:
        # "sessions", "events", "discussion": a kind only when nothing else was said
        bare = {"session": "talk", "event": "talk", "discussion": "panel"}
        return KINDS[bare[words[-1]]] if words and words[-1] in bare else None
    phrase = " ".join(kept)
    if phrase in KIND_WORDS:
        return KINDS[KIND_WORDS[phrase]]
    if len(kept) > 1 and KIND_WORDS.get(kept[-1]) == "social" and all(
            w in MODIFIERS for w in kept[:-1]):
        return KINDS["social"]  # "closing dinner", "farewell party" (not "closing remarks")
    return None


# The items of each kind, per program: a fact of the program, worked out once.
_BY_PROGRAM: weakref.WeakKeyDictionary[Program, dict[str, tuple[Item, ...]]] = \
    weakref.WeakKeyDictionary()


def items_of_kind(program: Program, kind: Kind) -> tuple[Item, ...]:
    """The items of ``kind``: by the item's kind, or a kind word in its title or keywords.
    Papers count as papers only; scheduled items come in time order."""
    known = _BY_PROGRAM.setdefault(program, {})
    found = known.get(kind.name)
    if found is None:
        found = known[kind.name] = _items_of_kind(program, kind)
    return found


def one_of_kind(program: Program, kind: Kind) -> tuple[Item, ...]:
    """The items a question that picks one of ``kind`` chooses from ("the first talk",
    "the next talk"): a keynote counts among the talks when they are listed or counted,
    but whoever asks for the first or the next talk means an ordinary one, when the
    program has any."""
    found = items_of_kind(program, kind)
    if kind.name == "talk":
        plain = tuple(i for i in found if i.kind == "talk")
        return plain or found
    return found


def _items_of_kind(program: Program, kind: Kind) -> tuple[Item, ...]:
    if kind.name == "paper":
        return program.papers
    found: list[Item] = []
    for item in program.scheduled:
        title_words = set(normalize(item.title).split())
        keywords = {normalize(k) for k in item.keywords}
        by_kind = bool(kind.kinds) and item.kind in kind.kinds
        by_words = any((" " in w and w in normalize(item.title)) or w in title_words
                       or w in keywords for w in kind.words)
        if by_kind or by_words:
            found.append(item)
    if kind.name == "break":
        return tuple(i for i in found if i.kind == "break" or "break" in normalize(i.title))
    if kind.name in ("lunch", "coffee"):
        return tuple(i for i in found if i.kind in ("break", "other", "social"))
    return tuple(found)


