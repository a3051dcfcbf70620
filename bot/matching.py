"""Finding the talk, paper or person a question means, forgiving typos and partial names.

People write "kraska", "anima anankumar", "the XLA autotuner talk" or "compiler gym".
Every item and person becomes a bag of weighted tokens (names and titles weigh most,
summaries least); each query token is matched against the vocabulary's words of a
length that can match it with RapidFuzz in one C call, and an entry's score is the mean
of its best token matches. An entry that matches only some of the query's words is
scaled by the square root of the share it matched, and words that match nothing in the
whole program ("please") are dropped with a small penalty, so an extra word does not hide
a good match.

Every question that names something goes through here, so the work is kept to what an
answer reads: scores under the lowest cut-off any caller uses are not worked out, a
word's matches and a set of words' scores are kept for the program's lifetime, and the
"did you mean" ranking (the dearest step) is done only for a reply that shows it.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from bot.program import Item, Person, Program

ACCEPT = 80.0  # a match this good is an answer
MARGIN = 4.0  # entries within this many points of the best are equally likely
TOKEN_CUTOFF = 80.0  # a query token must be this similar to a vocabulary token to count
NOISE_PENALTY = 0.95  # per query token that matches nothing in the program
# Unknown words that, beside a single known one, make the query about something else.
UNKNOWN_OUTWEIGH = 2
# No caller reads a score below this (an answer needs ACCEPT, a search hit or a completion
# TOKEN_CUTOFF), so _scores neither keeps nor works out the scores under it.
USEFUL = min(ACCEPT, TOKEN_CUTOFF)
SUGGEST_FLOOR = 60.0  # a name or title at least this close is worth a "did you mean"

STOPWORDS = frozenset(
    {
        "a", "about", "an", "and", "any", "anything", "are", "at", "be", "by", "can",
        "did", "do", "does", "for", "from", "give", "giving", "he", "her", "his", "i",
        "in", "is", "it", "its", "keynote", "lecture", "me", "my", "of", "on", "or",
        "paper", "papers", "please", "poster", "present", "presentation", "presenting",
        "s", "session", "sessions", "she", "show", "speak", "speaker", "speaking",
        "talk", "talking", "talks", "tell", "that", "the", "their", "there", "they",
        "this", "time", "to", "was", "what", "when", "where", "which", "who", "will",
        "with", "work", "workshop", "you", "your",
    }
)

EntryKind = Literal["person", "item"]
ANYTHING: frozenset[EntryKind] = frozenset({"person", "item"})


_NOT_WORD = re.compile(r"[^0-9a-z]+")


@functools.lru_cache(maxsize=32768)
def normalize(text: str) -> str:
    """Lowercase, strip accents and punctuation: "Anandkumar's" -> "anandkumar s".
    Memoised: one answer reads its subject several times (is it the workshop? a kind?
    an item?), and titles are read by every answer that lists them."""
    if not text.isascii():  # most text is: no accents to take off
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def query_tokens(text: str) -> list[str]:
    return [t for t in normalize(text).replace("'s ", " ").split() if t not in STOPWORDS]


@dataclass(frozen=True, slots=True)
class Entry:
    kind: EntryKind
    person: Person | None = None
    item: Item | None = None

    @property
    def label(self) -> str:
        if self.person is not None:
            return self.person.name
        assert self.item is not None
        return self.item.display_title


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    score: float


@dataclass(frozen=True)
class Resolution:
    """The entries a query most likely means: one (found), several (ambiguous) or none.

    ``suggestions`` are the names and titles closest to a query that matched nothing:
    ``offered`` when given, else worked out by ``closest`` the first time someone reads
    them. Most misses are never shown (a whole sentence tried as a bare name before the
    bot says it did not understand, a subject tried as a person first), and ranking every
    label is the dearest step of an answer, so it waits until a reply needs it."""

    query: str
    matches: tuple[Match, ...]
    offered: tuple[str, ...] = ()
    closest: Callable[[], tuple[str, ...]] | None = field(
        default=None, repr=False, compare=False)

    @functools.cached_property
    def suggestions(self) -> tuple[str, ...]:
        return self.closest() if self.closest is not None else self.offered

    @property
    def found(self) -> bool:
        return bool(self.matches)

    @property
    def unique(self) -> Entry | None:
        return self.matches[0].entry if len(self.matches) == 1 else None


PREFIX_SCORE = 90.0  # "phot" for Phothilimtha


class _ByLength:
    """Words, each with what it stands for, sorted by length, so that the ones close
    enough to a query are found by comparing only those whose length allows it.

    ``fuzz.ratio`` is 200 * LCS / (a + b) for lengths a <= b, at most 200 * a / (a + b):
    at a cut-off of 80 the longer word can be at most 1.5 times the shorter. Words
    outside that window cannot reach the cut-off, so leaving them out changes nothing;
    within it RapidFuzz scores them all in one call."""

    def __init__(self, words: Iterable[tuple[str, int]]) -> None:
        ordered = sorted(words, key=lambda pair: len(pair[0]))
        self.lengths = [len(word) for word, _ in ordered]
        self.words = [word for word, _ in ordered]
        self.payload = [value for _, value in ordered]

    def similar(self, text: str, cutoff: float) -> list[tuple[float, int]]:
        """(score, payload) of every word with ``fuzz.ratio(text, word) >= cutoff``."""
        stretch = (200.0 - cutoff) / cutoff  # the longest/shortest ratio that can reach it
        low = bisect.bisect_left(self.lengths, int(len(text) / stretch) - 1)
        high = bisect.bisect_right(self.lengths, int(len(text) * stretch) + 1)
        if low >= high:
            return []
        payload = self.payload
        return [(score, payload[low + at]) for _, score, at in process.extract(
            text, self.words[low:high], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)]


def _token_similarity(query: str, token: str, score: float) -> float:
    if query == token:
        return 100.0
    if len(query) <= 3 or len(token) <= 3:
        return 0.0  # "xu" vs "xla": short words only count when equal
    return score


class ProgramIndex:
    """Fuzzy lookup over one program's people and items."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.entries: list[Entry] = []
        postings: dict[str, dict[int, float]] = {}
        self._compact: list[tuple[str, int]] = []

        def add(entry_index: int, tokens: Iterable[str], weight: float) -> None:
            for token in tokens:
                slot = postings.setdefault(token, {})
                slot[entry_index] = max(slot.get(entry_index, 0.0), weight)

        for person in program.people:
            index = len(self.entries)
            self.entries.append(Entry("person", person=person))
            name = normalize(person.name)
            add(index, name.split(), 1.0)
            self._compact.append((name.replace(" ", ""), index))
        for item in program.items:
            index = len(self.entries)
            self.entries.append(Entry("item", item=item))
            title = item.title if not item.title_is_tbd else ""
            add(index, normalize(title).split(), 1.0)
            add(index, (normalize(k).replace(" ", "") for k in item.keywords), 1.0)
            add(index, (t for k in item.keywords for t in normalize(k).split()), 1.0)
            chosen = not any(ch.isdigit() for ch in item.slug)  # an id, not a digest
            if chosen:
                add(index, [item.slug.replace("-", "")], 1.0)
                add(index, item.slug.split("-"), 0.85)
            add(index, (t for p in item.people for t in normalize(p.name).split()), 0.9)
            add(index, normalize(item.summary or "").split(), 0.8)
            add(index, normalize(item.kind_label).split(), 0.8)
            add(index, normalize(item.track or "").split(), 0.85)
            if chosen:
                self._compact.append((item.slug.replace("-", ""), index))
            system = normalize(item.title.split(":", 1)[0]).replace(" ", "")
            if ":" in item.title and system:
                self._compact.append((system, index))
        self._vocab = sorted(postings)  # sorted: the words a prefix starts are side by side
        self._postings = [postings[token] for token in self._vocab]
        self._position = {token: at for at, token in enumerate(self._vocab)}
        # Only words of four letters or more are ever matched fuzzily (_token_similarity):
        # a shorter one counts when it is the query word itself, which _position finds.
        self._fuzzy = _ByLength((token, at) for at, token in enumerate(self._vocab)
                                if len(token) > 3)
        self._compact_words = _ByLength(self._compact)
        self._kind_of = [entry.kind for entry in self.entries]
        self._labels = [entry.label for entry in self.entries]
        self._plain_labels = [normalize(label) for label in self._labels]  # once, not per ask
        self._choices: dict[frozenset[EntryKind], tuple[list[int], list[str]]] = {}
        self._titles = [set(normalize(e.item.title).split()) if e.item is not None else set()
                        for e in self.entries]
        self.resolve = functools.lru_cache(maxsize=4096)(self._resolve)
        # What one query word matches is the same in every question that has it ("talk",
        # a speaker's name), and looking it up is most of an answer's cost on a big
        # program: kept per word, for as long as this index (this program) lives.
        self._hits = functools.lru_cache(maxsize=16384)(self._token_hits)
        # An entry's score depends on the query's words alone, not on how they were typed
        # ("Tim Kraska's", "tim kraska") nor on the kinds asked for (those only filter),
        # and one question often looks the same words up for a person and for anything.
        self._scored = functools.lru_cache(maxsize=4096)(self._all_scores)

    def unknown_words(self, words: str) -> list[str]:
        """The words of ``words`` (four letters or more, or an acronym: "GPU") that nothing
        on the program has, even misspelt: "federated" in "federated learning"."""
        acronyms = {normalize(w) for w in words.split() if 2 <= len(w) <= 4 and w.isupper()}
        return [t for t in query_tokens(words)
                if (len(t) >= 4 or t in acronyms) and not self._hits(t)]

    def _token_hits(self, token: str) -> dict[int, float]:
        """Every entry ``token`` matches (fuzzily, or as a prefix), with its best score.

        A word of three letters or fewer matches only itself (_token_similarity), so it
        is looked up, not compared with the whole vocabulary; a longer one is compared
        only with the vocabulary's longer words, the only ones it can match fuzzily."""
        best: dict[int, float] = {}
        found: list[tuple[str, float, int]] = []
        if len(token) > 3:
            vocab = self._vocab
            found = [(vocab[at], raw, at) for raw, at in self._fuzzy.similar(token, TOKEN_CUTOFF)]
            position = bisect.bisect_left(self._vocab, token)
            while position < len(self._vocab) and self._vocab[position].startswith(token):
                if self._vocab[position] != token:
                    found.append((self._vocab[position], PREFIX_SCORE, position))
                position += 1
        elif (position := self._position.get(token)) is not None:
            found.append((token, 100.0, position))
        for vocab_token, raw, position in found:
            similarity = _token_similarity(token, vocab_token, raw)
            if similarity < TOKEN_CUTOFF:
                continue
            for entry_index, weight in self._postings[position].items():
                value = similarity * weight
                if value > best.get(entry_index, 0.0):
                    best[entry_index] = value
        return best

    def _scores(self, tokens: list[str], kinds: frozenset[EntryKind]) -> Mapping[int, float]:
        """The entries of ``kinds`` that ``tokens`` match with a score of at least USEFUL
        (no caller reads a lower one), in no particular order; read-only (it is shared)."""
        scores = self._scored(tuple(tokens))
        if kinds == ANYTHING or not scores:
            return scores
        kind_of = self._kind_of
        return {i: score for i, score in scores.items() if kind_of[i] in kinds}

    def _all_scores(self, tokens: tuple[str, ...]) -> dict[int, float]:
        """:meth:`_scores` of every kind.

        An entry's score is the mean of its words' hits, times the square root of the
        share of the known words it has, times NOISE_PENALTY per unknown word; or, when
        higher, how close the query written as one word is to its compact name. A hit is
        at most 100, so an entry with fewer than ``needed`` of the known words cannot
        reach USEFUL and is not worked out (with two known words: only entries that have
        both)."""
        known: list[dict[int, float]] = []
        dropped = 0
        for token in tokens:
            best = self._hits(token)
            if best:
                known.append(best)
            else:
                dropped += 1
        scores: dict[int, float] = {}
        penalty = NOISE_PENALTY**dropped
        count = len(known)
        if count == 1 and dropped >= UNKNOWN_OUTWEIGH:
            # "career fair / recruiting thing": one word of four on the program is no
            # match for the rest ("fair" in a paper's title); scored as the share it is
            penalty = (1 / (1 + dropped)) ** 0.5
        if count == 1:  # the score is the hit itself, times the penalty
            for entry_index, hit in known[0].items():
                if (value := hit * penalty) >= USEFUL:
                    scores[entry_index] = value
        elif count:
            coverage = [(share / count) ** 0.5 for share in range(count + 1)]
            needed = next((share for share in range(1, count + 1)  # the margin: rounding
                           if 100.0 * coverage[share] * penalty >= USEFUL - 1e-6), count + 1)
            candidates: Iterable[int] = ()
            if needed == count:  # with all the known words: the entries every word hit
                candidates = set(known[0]).intersection(*known[1:])
            elif needed < count:
                candidates = set().union(*known)
            for entry_index in candidates:
                hits = [best[entry_index] for best in known if entry_index in best]
                if len(hits) < needed:
                    continue
                value = sum(hits) / len(hits) * coverage[len(hits)] * penalty
                if value >= USEFUL:
                    scores[entry_index] = value
        joined = "".join(tokens)
        if len(joined) >= 4:
            for similarity, entry_index in self._compact_words.similar(joined, USEFUL):
                if similarity > scores.get(entry_index, 0.0):
                    scores[entry_index] = similarity
        return scores

    def _resolve(
        self, query: str, kinds: frozenset[EntryKind] = ANYTHING
    ) -> Resolution:
        tokens = query_tokens(query)
        if not tokens:
            return self._by_kind(query, kinds)
        scores = self._scores(tokens, kinds)
        ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
        if not ranked or ranked[0][1] < ACCEPT:
            return Resolution(query, (), closest=functools.partial(self.suggest, query, kinds))
        top = ranked[0][1]
        floor = top if top >= 100.0 else max(ACCEPT, top - MARGIN)
        close = [Match(self.entries[i], s) for i, s in ranked if s >= floor]
        if len(close) > 1:  # "Fnord News Show", beside "Fnord News Show (Stream)"
            wanted = normalize(query)
            exact = [m for m in close if normalize(m.entry.label) == wanted]
            close = exact[:1] if len(exact) == 1 else close
        return Resolution(query, tuple(_collapse(close)))

    def _by_kind(self, query: str, kinds: frozenset[EntryKind]) -> Resolution:
        """A query of nothing but a kind word ("keynote", "the poster session"): the items
        of that kind, or with it as a keyword, when there are any."""
        words = set(normalize(query).split()) - {"the", "a", "an", "session", "talk"}
        if "item" not in kinds or not words:
            return Resolution(query, ())
        found = [Match(e, 100.0) for e in self.entries if e.item is not None and (
            {e.item.kind, *normalize(e.item.kind_label).split(),
             *(normalize(k) for k in e.item.keywords)} & words)]
        return Resolution(query, tuple(found[:25]))

    def suggest(self, query: str, kinds: frozenset[EntryKind], limit: int = 3) -> tuple[str, ...]:
        """The closest names and titles, for "nothing matches X; did you mean ...?".

        The cut-off goes to RapidFuzz rather than being applied to its answer: told that
        nothing under SUGGEST_FLOOR is wanted, WRatio leaves out most of its partial matching
        for the labels that cannot reach it, and the best ``limit`` are the same."""
        choices = self._choices.get(kinds)
        if choices is None:
            chosen = [i for i, kind in enumerate(self._kind_of) if kind in kinds]
            choices = self._choices[kinds] = (chosen, [self._plain_labels[i] for i in chosen])
        found = process.extract(normalize(query), choices[1], scorer=fuzz.WRatio,
                                limit=limit, score_cutoff=SUGGEST_FLOOR)
        return tuple(self._labels[choices[0][at]] for _, _, at in found)

    def complete(
        self, text: str, kinds: frozenset[EntryKind] = ANYTHING,
        limit: int = 25,
    ) -> list[str]:
        """Names and titles for autocomplete as someone types: prefixes first, then fuzzy."""
        wanted = normalize(text)
        labels = [(i, label) for i, label in enumerate(self._labels)
                  if self.entries[i].kind in kinds]
        if not wanted:
            scheduled = [label for i, label in labels
                         if (item := self.entries[i].item) is not None and item.is_scheduled]
            rest = [label for _, label in labels if label not in scheduled]
            return (scheduled + rest)[:limit]
        scores: dict[int, float] = {}
        for i, _label in labels:
            plain = self._plain_labels[i]
            if plain.startswith(wanted):
                scores[i] = 200.0
            elif any(word.startswith(wanted) for word in plain.split()):
                scores[i] = 150.0
        tokens = query_tokens(text)
        if tokens:
            for i, score in self._scores(tokens, kinds).items():
                if score >= TOKEN_CUTOFF and i not in scores:
                    scores[i] = score
        ranked = sorted(scores.items(), key=lambda pair: (-pair[1], self._labels[pair[0]]))
        return [self._labels[i] for i, _ in ranked[:limit]]

    def search(self, words: str, limit: int | None = 50) -> list[Match]:
        """Items about ``words``, best first (keyword search over titles and summaries):
        items whose title has one of the words come before those that only mention it,
        and equals (two "Coffee break"s) keep the program's order."""
        tokens = query_tokens(words) or normalize(words).split()
        if not tokens:
            return []
        scores = self._scores(tokens, frozenset({"item"}))
        found = [(i, s) for i, s in scores.items() if s >= TOKEN_CUTOFF]
        ranked = sorted(found, key=lambda pair: (not self._in_title(pair[0], tokens), -pair[1],
                                                 self._labels[pair[0]], pair[0]))
        return [Match(self.entries[i], s) for i, s in ranked][:limit]

    def _in_title(self, entry_index: int, tokens: list[str]) -> bool:
        title = self._titles[entry_index]
        return any(t in title or (len(t) >= 4 and any(w.startswith(t) for w in title))
                   for t in tokens)


def _collapse(matches: list[Match]) -> list[Match]:
    """Drop items whose person is also a match: "kraska" means the person, not two answers."""
    people = {m.entry.person.id for m in matches if m.entry.person is not None}
    return [
        m for m in matches
        if m.entry.item is None or not any(p.id in people for p in m.entry.item.people)
    ]
