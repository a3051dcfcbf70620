"""Telling a near miss from the person asked about: "Sofia Rossi" is not Sofia Marchetti,
"Chris Lattner" not Chris Cummins, though a fuzzy index ranks them first (they share a
first name). Answering with the near miss as if it were the person asked is the one
mistake the bot must not make; it says the person is not on the program and offers the
near miss as a suggestion instead."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.matching import STOPWORDS, Entry, Resolution, normalize

# Below this a query word is not a (misspelt) word of the name: "lattner" vs "cummins".
SAME_WORD = 75
# Words around a name that are not part of it: "the talk by Dr. Tim Kraska".
NOT_NAME = frozenset({"talk", "talks", "paper", "papers", "keynote", "session", "presentation",
                      "speaker", "author", "dr", "prof", "professor", "mr", "ms", "mrs"})


def names_someone_else(query: str, entry: Entry) -> bool:
    """Whether ``query`` names a person other than ``entry`` (a person): it has two or
    more words and one of them matches no word of the person's name."""
    if entry.person is None:
        return False
    said = [w for w in normalize(query).split() if w not in STOPWORDS and w not in NOT_NAME]
    if not 2 <= len(said) <= 3:
        return False  # "kraska", "tim": a part of the name, fuzzy-matched; or a sentence
    name = normalize(entry.person.name).split()
    return any(max((fuzz.ratio(word, part) for part in name), default=0) < SAME_WORD
               and not any(part.startswith(word) for part in name) for word in said)


def without_near_misses(query: str, resolution: Resolution) -> Resolution:
    """``resolution`` less the people ``query`` does not name; those become suggestions."""
    if not any(names_someone_else(query, m.entry) for m in resolution.matches):
        return resolution
    kept = tuple(m for m in resolution.matches if not names_someone_else(query, m.entry))
    if kept:
        return Resolution(query, kept)
    return Resolution(query, (), tuple(m.entry.label for m in resolution.matches[:3]))
