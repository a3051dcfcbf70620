r"""Regular expressions with a cheap precondition, so reading a question does not pay
for patterns that cannot match it.

A pattern anchored at the end (``…(?:today|tomorrow)$``) is tried by ``search`` at every
position of the text, and one anchored at the start with a long alternation still walks
the alternation: most of what reading a question cost was such patterns failing. Each
guard here is a necessary condition derived from the pattern itself (its possible
endings, its possible first characters), so a guarded search finds exactly what the
plain search finds, only sooner when there is nothing to find. The texts are single-
spaced (``bot.intents.normalize_text``): a ``\s`` in a pattern is listed as one space.

Working a guard out reads the pattern with the standard library's parser, which took a
sixteenth of the bot's start-up for the grammar's couple of hundred patterns. The guards
are a pure function of the patterns' text, so they are kept in ``start_guards.json``
beside this module, keyed by a digest of pattern, flags and length: a pattern found there
costs a dictionary lookup, one not found (a frame just edited) is worked out as before.
``python -m bot.cheap_patterns`` writes the file again; tests/test_cheap_patterns.py
fails while it misses a pattern or holds a guard that differs from the worked-out one.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

# The standard library's own reader of patterns and its opcodes (private modules, untyped
# for pyright): the only way to see what a pattern can begin with.
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

__all__ = ["GUARD_LENGTH", "Ending", "LazyPattern", "StartGuard", "guard_key", "start_guard"]

GUARD_LENGTH = 6  # how many first characters a start guard reads


class Ending:
    """A pattern that ends in ``$`` after one of ``endings``: searched only when the text
    ends with one of them (or a digit, with ``digit=True``), and from no earlier than
    ``words`` words before the end when the match cannot span more words than that."""

    __slots__ = ("_digit", "_endings", "_fold", "_words", "pattern")

    def __init__(self, pattern: str, endings: Iterable[str], *, flags: int = 0,
                 digit: bool = False, words: int | None = None) -> None:
        self.pattern = re.compile(pattern, flags)
        self._fold = bool(flags & re.IGNORECASE)
        self._endings = tuple(e.casefold() if self._fold else e for e in endings)
        self._digit = digit
        self._words = words

    def could_match(self, text: str) -> bool:
        tail = text[-12:].casefold() if self._fold else text[-12:]
        return tail.endswith(self._endings) or (self._digit and tail[-1:].isdigit())

    def _start(self, text: str) -> int:
        if self._words is None:
            return 0
        start = len(text)
        for _ in range(self._words):
            found = text.rfind(" ", 0, start)
            if found <= 0:
                return 0
            start = found
        # one more character back: a match may begin with the separator (", " or " ")
        return max(0, start - 2)

    def search(self, text: str) -> re.Match[str] | None:
        if not self.could_match(text):
            return None
        return self.pattern.search(text, self._start(text))

    def sub(self, replacement: str, text: str) -> str:
        """``text`` with the ending removed or replaced (at most one: it is anchored)."""
        found = self.search(text)
        if found is None:
            return text
        return text[: found.start()] + found.expand(replacement) + text[found.end():]


class StartGuard:
    """The possible beginnings of a ``^`` pattern, as sets of strings by length: a text
    that begins with none of them cannot match."""

    __slots__ = ("_by_length",)

    def __init__(self, prefixes: Iterable[str]) -> None:
        by_length: dict[int, set[str]] = {}
        for prefix in prefixes:
            by_length.setdefault(len(prefix), set()).add(prefix)
        self._by_length = tuple((length, frozenset(found))
                                for length, found in sorted(by_length.items()))

    def allows(self, text: str) -> bool:
        return any(text[:length] in found for length, found in self._by_length)

    def prefixes(self) -> set[str]:
        return {prefix for _, found in self._by_length for prefix in found}


_LIMIT = 4000  # more possible beginnings than this: the guard would cost what it saves


class _TooMany(Exception):
    pass


class LazyPattern:
    """A pattern compiled the first time it is searched. Compiling the grammar's couple
    of hundred frames took a fifth of the bot's start-up; most questions try a few of
    them, so each is compiled when a question first needs it (its guard is read from
    the source, which needs no compiled pattern)."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def search(self, text: str) -> re.Match[str] | None:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self.flags)
        return compiled.search(text)


GUARDS_FILE = Path(__file__).with_name("start_guards.json")


def guard_key(pattern: str, flags: int, length: int) -> str:
    """What a kept guard is found by: the pattern's text, flags and guard length."""
    return hashlib.blake2b(f"{flags}:{length}:{pattern}".encode(), digest_size=12).hexdigest()


@functools.cache
def _kept() -> dict[str, list[str] | None]:
    """The guards kept in GUARDS_FILE (none when it is missing or unreadable: each is
    then worked out, which is slower but the same)."""
    try:
        kept = json.loads(GUARDS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


def start_guard(pattern: re.Pattern[str] | LazyPattern, length: int = GUARD_LENGTH
                ) -> StartGuard | None:
    """A guard for ``pattern`` when it is anchored at the start and its first ``length``
    characters can be listed; None when they cannot (no guard: always try it)."""
    key = guard_key(pattern.pattern, pattern.flags, length)
    kept = _kept()
    if key in kept:
        prefixes = kept[key]
        return StartGuard(prefixes) if prefixes is not None else None
    return worked_out_guard(pattern, length)


def guard_prefixes(pattern: re.Pattern[str] | LazyPattern, length: int = GUARD_LENGTH
                   ) -> list[str] | None:
    """The beginnings :func:`worked_out_guard` allows, sorted (None: no guard)."""
    guard = worked_out_guard(pattern, length)
    return None if guard is None else sorted(guard.prefixes())


def worked_out_guard(pattern: re.Pattern[str] | LazyPattern, length: int = GUARD_LENGTH
                     ) -> StartGuard | None:
    """:func:`start_guard`, read from the pattern itself rather than the kept file."""
    if pattern.flags & re.IGNORECASE:
        return None
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    items = list(parsed)
    if not items or items[0] != (sre.AT, sre.AT_BEGINNING):
        return None
    found: set[str] = set()
    try:
        _expand(items[1:], "", length, found)
    except _TooMany:
        return None
    if not found or "" in found:
        return None
    return StartGuard(found)


def _expand(items: Sequence[tuple[Any, Any]], prefix: str, length: int,
            found: set[str]) -> None:
    """Add to ``found`` every beginning of at most ``length`` characters that
    ``items`` can produce after ``prefix``; a beginning is cut short where the pattern
    can end or where it allows characters that cannot be listed (``\\s``, ``.``)."""
    if len(found) > _LIMIT:
        raise _TooMany
    if len(prefix) >= length or not items:
        found.add(prefix[:length])
        return
    (op, value), rest = items[0], items[1:]
    if op is sre.LITERAL:
        _expand(rest, prefix + chr(value), length, found)
    elif op is sre.IN:
        chars = _listed(value)
        if chars is None:
            found.add(prefix)
            return
        for char in chars:
            _expand(rest, prefix + char, length, found)
    elif op is sre.BRANCH:
        for alternative in value[1]:
            _expand([*alternative, *rest], prefix, length, found)
    elif op is sre.SUBPATTERN:
        _expand([*value[3], *rest], prefix, length, found)
    elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, body = value
        if list(body) == [(sre.IN, [(sre.CATEGORY, sre.CATEGORY_SPACE)])]:
            # \s+ or \s* in a single-spaced text: one space, or (for \s*) none
            if low == 0:
                _expand(rest, prefix, length, found)
            _expand(rest, prefix + " ", length, found)
            return
        if low == 0:
            _expand(rest, prefix, length, found)  # left out
        if high == 1:
            _expand([*body, *rest], prefix, length, found)  # once
        elif high != 0:
            _expand(list(body), prefix, length, found)  # once or more: cut after one
    elif op is sre.AT:
        if value is sre.AT_END:
            found.add(prefix)  # the pattern ends here
            return
        _expand(rest, prefix, length, found)  # \b and friends consume nothing
    elif op in (sre.ASSERT, sre.ASSERT_NOT):
        _expand(rest, prefix, length, found)  # lookarounds consume nothing
    else:
        found.add(prefix)  # ., \s, \w, a back-reference: what follows cannot be listed


def _listed(members: Sequence[tuple[Any, Any]]) -> list[str] | None:
    """The characters a character class takes, when they are few and literal."""
    chars: list[str] = []
    for op, value in members:
        if op is sre.LITERAL:
            chars.append(chr(value))
        elif op is sre.CATEGORY and value is sre.CATEGORY_SPACE:
            chars.append(" ")  # single-spaced texts: the only space there is
        elif op is sre.RANGE and value[1] - value[0] < 12:
            chars.extend(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None
    return chars


def write_guards(patterns: Iterable[re.Pattern[str] | LazyPattern]) -> int:
    """Work out the guard of every pattern in ``patterns`` and keep them in GUARDS_FILE
    (only these: a guard of a pattern since changed is dropped); how many there are."""
    kept = {guard_key(p.pattern, p.flags, GUARD_LENGTH): guard_prefixes(p) for p in patterns}
    GUARDS_FILE.write_text(json.dumps(kept, sort_keys=True, separators=(",", ":")) + "\n",
                           encoding="utf-8")
    return len(kept)


def grammar_patterns() -> list[re.Pattern[str] | LazyPattern]:
    """Every pattern the reading of questions guards: the frames' and the intents'."""
    from bot.frames import FRAMES
    from bot.intents import PATTERNS

    return [*(frame.pattern for frame in FRAMES), *(pattern for _, pattern in PATTERNS)]


if __name__ == "__main__":
    count = write_guards(grammar_patterns())
    print(f"Wrote the start guards of {count} patterns to {GUARDS_FILE}")
