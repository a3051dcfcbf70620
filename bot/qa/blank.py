"""Text that shows nothing, refused wherever a person must say something: a question, an
answer, the reason for hiding a question.

A question made of zero-width spaces or direction overrides looks empty in every client,
yet it took a number, a place in the speakers' list and a line in the exports. What
prints nothing is told by Unicode's general categories rather than a list of the
characters seen so far: format characters (Cf: zero-width spaces and joiners, direction
marks, embeddings, overrides and isolates, word joiners, invisible operators, the
byte-order mark, soft hyphens, tag characters), controls (Cc), separators of every kind
(Z*), and marks (M*, variation selectors included), which have nothing to sit on without
a letter. Text says something when it has one letter, number, punctuation mark or
symbol, except the few of those that Unicode makes blank on purpose (the Hangul fillers,
the blank Braille pattern).
"""

from __future__ import annotations

import unicodedata

VISIBLE_CATEGORIES = frozenset("LNPS")  # letters, numbers, punctuation, symbols
BLANK_ON_PURPOSE = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def shows_something(char: str) -> bool:
    return (unicodedata.category(char)[0] in VISIBLE_CATEGORIES
            and char not in BLANK_ON_PURPOSE)


def is_blank(text: str) -> bool:
    """True when ``text`` would look empty: nothing in it shows."""
    return not any(shows_something(char) for char in text)


LINE_CONTROLS = frozenset("\t\n\r")  # the controls that lay text out


def without_controls(text: str) -> str:
    """``text`` with control characters (NUL, escape, C1 controls…) as spaces, tabs and
    line breaks aside: they show nothing, and PostgreSQL refuses a NUL in a text column
    outright, which would turn a stray byte into a database error."""
    return "".join(" " if unicodedata.category(char) == "Cc" and char not in LINE_CONTROLS
                   else char for char in text)
