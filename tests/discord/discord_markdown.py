"""What Discord's client would make of a message: the forms in it that are live.

The tests read the bot's messages with this, the way a reader's Discord shows them: a
backslash before any character that is not a letter, digit or space shows that
character as itself; anything else that opens a form (a mention, a channel or role
pill, a slash-command link, a timestamp, a custom or named emoji, @everyone, a masked
link, a bare or angle-bracket link, an invite, markdown, a heading, quote or list at the
start of a line) is reported. It is stricter than Discord where being exact would take
Discord's own parser: a lone ``*`` or ``_`` counts as markdown although Discord needs a
closing one, and every ``:word:`` counts as an emoji although Discord knows only some
names. A message the bot may send has no live form but its own (timestamps, bold
titles, the program's and the Q&A threads' links), which the tests allow by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ESCAPABLE = re.compile(r"[^0-9A-Za-z\s]")
# Discord's angle-bracket forms; anything else between < and > that has a scheme is an
# autolink (<http://x|y> links to "http://x|y").
ANGLE_FORMS = (
    ("timestamp", re.compile(r"<t:-?\d{1,17}(?::[A-Za-z])?>")),
    ("user mention", re.compile(r"<@!?\d+>")),
    ("role mention", re.compile(r"<@&\d+>")),
    ("channel", re.compile(r"<#\d+>")),
    ("command", re.compile(r"</[^\s:>][^:>]*:\d+>")),
    ("custom emoji", re.compile(r"<a?:\w+:\d+>")),
    ("guild link", re.compile(r"<id:[\w:-]+>")),
    ("link", re.compile(r"<[^: >]+:/[^ >]+>")),
)
EVERYONE = re.compile(r"@(?:everyone|here)")
# simple-markdown's url rule, which Discord's client uses; steam:// and discord:// link too.
URL = re.compile(r"(?:https?|steam|discord)://[^\s<]+[^<.,:;\"')\]\s]")
INVITE = re.compile(r"(?:discord\.gg|discord(?:app)?\.com/invite)/[\w-]+", re.IGNORECASE)
MASKED = re.compile(r"\[(?:\\.|[^\]\\])*\]\(")
EMOJI = re.compile(r":\w+:")
LINE_FORMS = (
    ("heading", re.compile(r"#{1,3} ")),
    ("subtext", re.compile(r"-# ")),
    ("block quote", re.compile(r">>> |> ")),
    ("list", re.compile(r"[ \t]*(?:[-*+]|\d+\.) ")),
)
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Live:
    """A live form: what kind, and its text as it stands in the message."""

    kind: str
    text: str


def _closing_bold(text: str, start: int) -> int | None:
    """Where the ``**`` that closes a bold opened just before ``start`` begins."""
    index = start
    while index < len(text) - 1:
        if text[index] == "\\" and index + 1 < len(text):
            index += 2
            continue
        if text.startswith("**", index):
            return index
        index += 1
    return None


def live_forms(text: str) -> list[Live]:
    """Every live form in ``text``, in order (direction overrides first)."""
    found = [Live("direction override", m[0]) for m in BIDI.finditer(text)]
    return found + _scan(text, line_start=True)


def _scan(text: str, *, line_start: bool) -> list[Live]:
    found: list[Live] = []
    index = 0
    while index < len(text):
        if line_start:
            line_start = False
            for kind, pattern in LINE_FORMS:
                match = pattern.match(text, index)
                if match:
                    found.append(Live(kind, match[0]))
                    index = match.end()
                    break
            continue
        char = text[index]
        if char == "\n":
            line_start = True
            index += 1
            continue
        if char == "\\" and index + 1 < len(text) and ESCAPABLE.match(text[index + 1]):
            index += 2
            continue
        match = None
        if char == "<":
            for kind, pattern in ANGLE_FORMS:
                match = pattern.match(text, index)
                if match:
                    found.append(Live(kind, match[0]))
                    break
        elif char == "@":
            match = EVERYONE.match(text, index)
            if match:
                found.append(Live("everyone", match[0]))
        elif char == "[":
            match = MASKED.match(text, index)
            if match:
                found.append(Live("masked link", text[index:index + 80]))
        elif char == ":":
            match = EMOJI.match(text, index)
            if match:
                found.append(Live("emoji", match[0]))
        elif text.startswith("**", index):
            end = _closing_bold(text, index + 2)
            if end is not None:
                found.append(Live("bold", text[index + 2:end]))
                found.extend(_scan(text[index + 2:end], line_start=False))
                index = end + 2
                continue
            found.append(Live("markdown", "**"))
            index += 2
            continue
        elif char in "*_~|`":
            found.append(Live("markdown", char))
        else:
            match = URL.match(text, index) or INVITE.match(text, index)
            if match:
                found.append(Live("link", match[0]))
        index = match.end() if match else index + 1
    return found


def shown(text: str) -> str:
    """The text as a reader sees it: each escape shows the character it escapes."""
    return re.sub(r"\\([^0-9A-Za-z\s])", r"\1", text)
