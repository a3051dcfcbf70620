"""Text on Discord exactly as it was written: the one escaping function every piece of
text goes through before it reaches a message, an embed or an interaction answer.

Why not discord.py's ``escape_markdown`` and ``escape_mentions``: the first leaves alone
whatever its URL pattern matches, and that pattern runs to the next space, so in
``[a](http://x) and [b](https://y)`` only the first ``[`` is escaped and the second
masked link stays live; it also leaves bare links and ``1.`` lists alone. The second
knows @everyone, @here and user and role mentions only: ``<#channel>``,
``</command:id>``, ``<t:…>`` timestamps, ``<:emoji:id>`` and ``<http://…>`` pass.

Discord's markdown has one rule above all the others: a backslash before any character
that is not a letter, a digit or a space shows that character as itself, and the
backslash not at all. So a backslash goes before each character that can open a form,
and the text reads exactly as typed (copying it from Discord gives it back):

- ``\\`` itself, so a typed backslash cannot cancel the next one;
- ``* _ ~ | ` `` (bold, italics, underline, strike-through, spoilers, code);
- ``<`` (every mention, channel, role, slash command, timestamp, custom emoji, server
  link and autolink is ``<…>``), ``[ ]`` (masked links), ``@`` (@everyone, @here);
- ``/`` and a ``:`` that a word follows: ``http://`` is no link (nor an embed preview,
  which Discord finds in the raw text, where the backslash breaks it as well),
  ``:name:`` no emoji, ``discord.gg/…`` no invite;
- at the start of a line (after spaces, if any): ``#`` (headings, ``-#`` subtext),
  ``>`` (block quotes), and list markers ``-``, ``+``, ``12.``. The piece's own start
  counts unless the caller says it is not at the start of a line (``line_start``).

Direction overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069) are
dropped: inside a quote they would turn the bot's own words after it around. Zero-width
characters stay: with every marker escaped they cannot make anything live, and emoji
sequences need the joiner.

``links=True`` is for the program's text and the bot's own (the program's URLs, the
Q&A thread links the core adds to answers): URLs in it stay as Discord reads them, so
they stay links (unless something escaped is glued to one: then it is text), and ``:``
and ``/`` are left alone (an organizer's ``:tada:`` may be an emoji; "Europe/Berlin,
19:15" reads better without backslashes where Discord shows the raw text, as some
notifications do). User text never gets it. ``AllowedMentions.none()`` on every send is
what guarantees nobody is pinged; escaping is what keeps the text from looking live.
"""

from __future__ import annotations

import re

USER = re.compile(r"[\\*_~|`<\[\]@/]|:(?=[^\s:])")
PROGRAM = re.compile(r"[\\*_~|`<\[\]@]")
MARKER = r"([ \t]*)(?:([#>+-])|(\d+)\.)"
LINE_START = re.compile(rf"^{MARKER}", re.MULTILINE)
LATER_LINE = re.compile(rf"(?<=\n){MARKER}")
# What simple-markdown's url rule (which Discord's client uses) reads as one link.
URL = re.compile(r"https?://[^\s<]+[^<.,:;\"')\]\s]")
DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")
MARKUP_IN_URL = re.compile(r"[\\\[\]<>]")  # brackets in a "URL": two glued together: text


def _line_start(match: re.Match[str]) -> str:
    indent, marker, number = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\."


def _escaped(text: str, special: re.Pattern[str], line_start: bool) -> str:
    markers = LINE_START if line_start else LATER_LINE
    return markers.sub(_line_start, special.sub(r"\\\g<0>", text))


def escape(text: str, *, links: bool = False, line_start: bool = True) -> str:
    """``text`` with every Discord mention, link and markdown form shown as text;
    ``links`` keeps http(s) URLs live (program text only, see above); ``line_start``
    False: the text follows something other than spaces on its first line."""
    if DIRECTION.search(text):
        text = DIRECTION.sub("", text)
    if not links:
        return _escaped(text, USER, line_start)
    if "://" not in text:
        return _escaped(text, PROGRAM, line_start)
    urls = list(URL.finditer(text))
    ends = [0, *(url.end() for url in urls)]
    starts = [*(url.start() for url in urls), len(text)]
    between = [_escaped(text[end:start], PROGRAM, line_start and end == 0)
               for end, start in zip(ends, starts, strict=True)]
    parts = [between[0]]
    for url, after in zip(urls, between[1:], strict=True):
        # Discord reads the escaped text: a backslash put just after the link (before a
        # "<"; after a last ")", before a "*") would become part of it. It is text then.
        # A "link" that holds markdown or brackets (two links glued together once a
        # direction mark between them is dropped) is not one the program meant: text.
        # So is one glued to the word before it (Discord starts no link mid-word) or
        # holding a second "://" (two links run together).
        glued = url.start() > 0 and text[url.start() - 1].isalnum()
        odd = glued or url[0].count("://") > 1 or MARKUP_IN_URL.search(url[0])
        kept = None if odd else URL.match(url[0] + after)
        parts += [url[0] if kept and kept.end() == len(url[0]) else
                  _escaped(url[0], USER, False), after]
    return "".join(parts)
