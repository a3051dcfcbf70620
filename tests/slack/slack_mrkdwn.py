"""Reading mrkdwn as Slack's client does, to find what in a message is live.

Slack documents its markup (``<…>`` forms, ``* _ ~ ``` marks, ``>`` quotes, entities)
but not its parser, so this is a model, erring on the side of "live":

* every ``<…>`` is a live form: a user, channel or group mention, a special mention
  (``<!here>``), a date token, or a link (``<url>``, ``<url|text>``, ``<mailto:…>``);
* "@channel", "@here" and "@everyone" written out count as mentions (Slack parses them
  when a message asks it to);
* a mark opens where the character before it is a space, punctuation or the start of the
  line and the one after it is no space; it closes where the one before it is no space
  and the one after it is a space, punctuation or the end of the line. Letters, digits,
  zero-width spaces and word joiners are neither, so a mark between two of them does
  nothing. Backticks are stricter: two on a line that are not each between zero-width
  spaces are code, and three in a row are a code block, wherever they are;
* a line whose first character (after spaces) is ``>`` or ``&gt;`` is a quote;
* a direction override or isolate reorders what follows it.

Bare URLs and "#channel" names are not counted: the bot's text objects are ``verbatim``
(which the checks assert), so Slack links neither. :func:`shown` is what a reader sees.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ZWSP = "\u200b"
WORD_JOINER = "\u2060"
DIRECTION = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
MARKS = "*_~`"

_ANGLE = re.compile(r"<[^<>]*>")
_SPECIAL = re.compile(r"@(?:channel|here|everyone)\b", re.IGNORECASE)
_QUOTE = re.compile(r"^[ \t]*(?:>|&gt;)", re.MULTILINE)
_NEUTRALISED = re.compile(f"{ZWSP}([{re.escape(MARKS)}]){ZWSP}")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}


@dataclass(frozen=True, slots=True)
class Live:
    """One live form: its kind and its text as written in the mrkdwn."""

    kind: str  # user, channel, group, special, date, link, bold, italic, strike, code,
    # code block, quote, direction
    text: str


def _angle_kind(form: str) -> str:
    inner = form[1:-1]
    if inner.startswith("@"):
        return "user"
    if inner.startswith("#"):
        return "channel"
    if inner.startswith("!subteam^"):
        return "group"
    if inner.startswith("!date^"):
        return "date"
    if inner.startswith("!"):
        return "special"
    return "link"


def _boundary(char: str | None) -> bool:
    """Whether a mark next to ``char`` is at the edge of a word (None: the line's end)."""
    if char is None or char.isspace():
        return True
    return unicodedata.category(char)[0] in "PS"  # punctuation or a symbol


SPAN_KINDS = {"*": "bold", "_": "italic", "~": "strike", "`": "code"}


def _spans(line: str) -> list[Live]:
    """The marks that open and close a span on one line."""
    found: list[Live] = []
    at = 0
    while at < len(line):
        mark = line[at]
        before = line[at - 1] if at else None
        after = line[at + 1] if at + 1 < len(line) else None
        if mark in MARKS and _boundary(before) and after is not None and not after.isspace():
            for end in range(at + 2, len(line)):
                if line[end] != mark:
                    continue
                closing_after = line[end + 1] if end + 1 < len(line) else None
                if not line[end - 1].isspace() and _boundary(closing_after):
                    found.append(Live(SPAN_KINDS[mark], line[at:end + 1]))
                    at = end
                    break
        at += 1
    return found


def live_forms(text: str) -> list[Live]:
    """Everything in ``text`` (mrkdwn) that Slack would show as more than text."""
    found = [Live(_angle_kind(m.group()), m.group()) for m in _ANGLE.finditer(text)]
    without_tokens = _ANGLE.sub(" ", text)  # what is inside a token is the token's
    found += [Live("special", m.group()) for m in _SPECIAL.finditer(without_tokens)]
    found += [Live("quote", m.group()) for m in _QUOTE.finditer(text)]
    found += [Live("direction", c) for c in text if c in DIRECTION]
    if "```" in without_tokens:
        found.append(Live("code block", "```"))
    for line in without_tokens.split("\n"):
        found += _spans(line)
        if _NEUTRALISED.sub("", line).count("`") >= 2:
            found.append(Live("code", line))
    return found


def shown(text: str) -> str:
    """What a reader sees of escaped text: entities decoded, the neutralising zero-width
    spaces and word joiners gone."""
    text = _NEUTRALISED.sub(r"\1", text)
    text = text.replace("@" + WORD_JOINER, "@").replace(WORD_JOINER + "&gt;", "&gt;")
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)
