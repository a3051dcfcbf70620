"""How a value taken from a file or a setting is quoted in an error message: one place.

Error lines quote what they refuse, so the organizer can find it. But what they refuse
may be hostile: a 100,000-character title, a list expanded from a YAML alias bomb, an
integer of 5,000 digits (which ``repr`` itself refuses to print), a name holding a line
break or a terminal escape. :func:`shown` quotes any of them in at most ``limit``
characters, on one line, with every unprintable character escaped, and never fails.
"""

from __future__ import annotations

import reprlib

LIMIT = 80  # characters of a value in an error line
ELLIPSIS = "…"


class _Bounded(reprlib.Repr):
    """``repr`` that stops early: a few items of a container, a few levels deep, the
    start of a long string; so a huge value costs no more to quote than a small one."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = LIMIT + 2
        self.maxother = LIMIT
        for name in ("maxlist", "maxtuple", "maxdict", "maxset", "maxfrozenset", "maxdeque"):
            setattr(self, name, 4)

    def repr_str(self, x: str, level: int) -> str:
        return repr(x[: self.maxstring])  # the start of it; shown() adds the ellipsis

    def repr_bytes(self, x: bytes, level: int) -> str:
        return repr(x[: self.maxstring])

    def repr_int(self, x: int, level: int) -> str:
        # repr() refuses integers of more than 4,300 digits (a ValueError); say what it is.
        if x.bit_length() > 256:
            return f"<a number of about {round(x.bit_length() * 0.30103):,} digits>"
        return repr(x)


_BOUNDED = _Bounded()


def shown(value: object, limit: int = LIMIT) -> str:
    """``value`` quoted as Python would (``'text'``, ``[1, 2]``), cut to ``limit``
    characters with an ellipsis."""
    try:
        text = _BOUNDED.repr(value)
    except Exception:  # a value whose repr fails: say what it is, never fail an error
        text = f"<{type(value).__name__}>"
    return clipped(text, limit)


def clipped(text: str, limit: int = LIMIT) -> str:
    """``text`` on one line, unprintable characters escaped, at most ``limit`` characters."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
