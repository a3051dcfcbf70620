"""The question frames: a small grammar for what attendees ask about the program.

A question is a *relation* on a *subject*: "who's up **after** Anandkumar?" is AFTER on
"Anandkumar", "how long is the opening?" is DURATION on "the opening", "is there a
panel?" is KIND on "panel", "when do things get going?" is WORKSHOP on its start. The
rules below are built from shared pieces (question words, verbs of starting and ending,
fillers, times, the words that name the workshop itself) so a new wording of a known
relation reads the same; the subject stays text, and :mod:`bot.subjects` resolves it
against the program (workshop, kind, item, person, instant) when the question is
answered.

Arguments of the new intents:
- WORKSHOP: the aspect asked about (``start``, ``end``, ``dates``, ``hours``,
  ``organizers``, ``url``, ``venue``, ``about`` or empty), then ``|`` and the subject
  words when they were a pronoun ("when does it start" -> ``start|it``): a follow-up
  then asks about the asker's last subject instead.
- AFTER, BEFORE, WHERE, DURATION, COUNT, KIND: the subject.
- FIRST, LAST: ``<kind>|<scope>``: "talk|afternoon", "|day 2", "keynote|".
- RANGE: ``<from>|<to>`` as typed ("2|4pm"), or ``@<day part>`` ("@afternoon").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.cheap_patterns import LazyPattern, StartGuard, start_guard
from bot.dates_said import DATE_WORDS, find_date, said_as
from bot.kind_words import kind_named
from bot.request import SPEAKERS_OF_LAST, Intent, Request

# --- shared pieces -----------------------------------------------------------------------

TIME_OF_DAY = (
    r"(?P<x>(?:\d{1,2}(?:[:.h]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|noon|midnight)"
    r"(?:\s+\S+/\S+)?)"
)


def _time(name: str) -> str:
    return TIME_OF_DAY.replace("(?P<x>", f"(?P<{name}>")


WH = r"(?:what|which|who|whom)"
BE = r"(?:'s|'re|s|is|are|was|were|will be|would be|comes?|came|goes|happens?)"
# Words that name the workshop as a whole, whatever its name.
EVENT = (r"(?:(?:the|this|our|your)\s+)?(?:whole\s+|entire\s+|main\s+)?(?:workshop|event|"
         r"conference|summit|symposium|meeting|meetup|congress|convention|festival|camp|"
         r"forum|thing|day|program(?:me)?|schedule|proceedings|sessions)")
GENERIC_SUBJECT = (rf"(?:things|stuff|everything|it all|we|you guys|you all|the doors|doors|"
                   rf"{EVENT})")
STARTS = (r"(?:start(?:s|ing)?(?: up)?|begin(?:s|ning)?|kick(?:s|ing)? off|get(?:s|ting)? "
          r"(?:going|started|underway)|open(?:s|ing)?|commence(?:s)?|go(?:es)? live|"
          r"be starting)")
ENDS = (r"(?:end(?:s|ing)?|finish(?:es|ing)?|wrap(?:s|ping)?(?: up)?|close(?:s)?|stop(?:s)?|"
        r"conclude(?:s)?|be (?:over|done|finished)|(?:is|are) (?:over|done|finished)|"
        r"over|done|get out|let out)")
WHEN_WORD = r"(?:when|what time|at what time|wat time|by when|until when|how early|how late)"
AUX = r"(?:does|do|did|will|is|are|'s|'re|s|would|should|can)"
DAY_TAIL = (r"(?:\s+(?:on\s+)?(?:today|tomorrow|tonight|monday|tuesday|wednesday|thursday|"
            r"friday|saturday|sunday|day\s*\d+|the (?:first|second|third|last|final) day|"
            r"each day|every day|(?:in the|this) (?:morning|evening|afternoon)|exactly|again|then|"
            r"here|there))*")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
# Words a question starts with that a "<subject> who/where/when" question never does.
NOT_A_SUBJECT = (r"(?!(?:list|show|all|give|the|any|see|every|how|what|whats|when|where|who|"
                 r"whos|which|are|is|do|does|name|tell|and)\b)")
PRONOUN = (r"(?:it|that|this|that one|this one|them|he|she|they|him|her|(?:the|that|this|his|her|"
           r"their) (?:talk|paper|session|presentation|one))")
KIND_NOUNS = (r"invited speakers?|keynote speakers?|invited talks?|keynote talks?|"
              r"talks?|items?|things?|sessions?|events?|speakers?|speeches|keynotes?|"
              r"presentations?|slots?|ones?|papers?|panels?|breaks?|acts?|presenters?|"
              r"invited talks?|posters?|poster sessions?|tutorials?|workshops?|lectures?|"
              r"coffee breaks?|lunch breaks?")
SCOPES = (r"(?:the\s+)?(?:day|morning|afternoon|evening|night|workshop|event|program(?:me)?|"
          r"conference|summit|schedule|first day|second day|third day|last day|final day)|"
          r"day\s*\d+|today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|"
          r"saturday|sunday|lunch|the lunch break|the break")
FIRST_WORDS = r"(?:first|earliest|opening|1st|initial)"
LAST_WORDS = r"(?:last|final|closing|latest|concluding|ending|finishing)"
OPEN_VERBS = (r"(?:opens?|kicks? off|kicks?(?=\s+(?:it|things|us)\s+off)|starts?|begins?|"
              r"leads? off|goes first|is first)")
CLOSE_VERBS = (r"(?:closes?|ends?|wraps? up|wraps?(?=\s+(?:it|things|us)\s+up)|finish(?:es)?|"
               r"concludes?|goes last|is last)")
QUESTION_TAIL = (r"(?:\s+(?:today|tomorrow|tonight|this evening|later|here|then|again|please|"
                 r"on the program|during the day|throughout the day|in the day|at some point|"
                 r"(?:that |which )?(?:i|we) (?:can|could|should|might) (?:join|attend|go to|see|"
                 r"sign up for)|for (?:me|us) to (?:join|attend)|"
                 r"on the schedule|at the workshop|at this event|this year|planned|"
                 r"scheduled|on offer|too|as well|at all|or not))*")
DAY_PART = r"(?P<part>morning|afternoon|evening|tonight|lunch ?time|midday)"


# Words some frames need (see Frame.needs).
ORGANIZING = ("who hosts program programme organizer organizers organiser organisers "
              "organizing organising organization organisation organized organised")
EVENT_WORDS = ("workshop event conference summit symposium meeting meetup congress convention "
               "festival camp forum thing day program programme schedule proceedings sessions")


@dataclass(frozen=True, slots=True)
class Frame:
    """One rule: a pattern and how its match becomes a request. ``needs`` are the words
    (one of them is enough) without which the pattern cannot match ("<num>": a digit):
    a question is only matched against the frames its words can start, so reading one
    costs a set lookup per frame and a few patterns, not every pattern."""

    pattern: LazyPattern  # compiled when a question first needs it
    build: Callable[[re.Match[str], str], Request | None]
    needs: frozenset[str]
    guard: StartGuard | None = None  # how the question must begin (bot.cheap_patterns)


_STRIP_KIND = re.compile(r"\s+(?:talk|session|slot|presentation|one)$", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:the|a|an|that|this)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|’s)(?:\s+(?:slot|turn|session|time slot|spot))?$")


def _subject(match: re.Match[str], original: str, group: str = "s") -> str:
    """The subject as the asker typed it (their capitalisation), tidied."""
    start, end = match.span(group)
    if start < 0:
        return ""
    text = original[start:end] if len(original) == len(match.string) else match.group(group)
    return _POSSESSIVE.sub("", _ARTICLE.sub("", text.strip(" ,.-"))).strip()


def _fixed(intent: Intent, arg: str = "") -> Callable[[re.Match[str], str], Request]:
    return lambda _m, _o: Request(intent, arg)


def _with_subject(intent: Intent) -> Callable[[re.Match[str], str], Request]:
    return lambda m, o: Request(intent, _subject(m, o))


def _aspect_of(aspect: str) -> Callable[[re.Match[str], str], Request]:
    """WORKSHOP "<aspect>|<what was named>": the router checks the words name the workshop
    ("how do I join ML for Systems") and asks about the item otherwise."""
    def build(match: re.Match[str], original: str) -> Request:
        said = _tidy(_subject(match, original).split(",")[0]) if match.groupdict().get(
            "s") else ""  # "how do i join the workshop, is it online?": the workshop
        return Request(Intent.WORKSHOP, f"{aspect}|{said}" if said else aspect)
    return build


def _workshop(aspect: str) -> Callable[[re.Match[str], str], Request]:
    def build(match: re.Match[str], original: str) -> Request:
        said = match.groupdict().get("s") or ""
        pronoun = said.strip().casefold() in ("it", "that", "this", "they", "them")
        return Request(Intent.WORKSHOP, f"{aspect}|{said.strip().casefold()}" if pronoun
                       else aspect)
    return build


def _start_or_end(match: re.Match[str], original: str) -> Request:
    aspect = "end" if match["v"] in ("end", "finish", "closing") or re.fullmatch(
        ENDS, match["v"]) else "start"  # "closing time" is the end (ENDS has "close")
    return _workshop(aspect)(match, original)


_SCOPE_LEAD = re.compile(r"^(?:(?:of|in|on|for|at|during)\s+)?(?:(?:the|this)\s+)?")


def _named_start_or_end(match: re.Match[str], original: str) -> Request:
    """ "what time does ML for Systems wrap up": the workshop's end when the words name
    it (the router knows the program), else when that thing is on."""
    aspect = "end" if re.match(ENDS, match["v"]) else "start"
    return Request(Intent.WORKSHOP, f"{aspect}|{_subject(match, original)}")


def _ordinal(intent: Intent) -> Callable[[re.Match[str], str], Request]:
    """FIRST / LAST: the kind of thing ("talk") and the scope ("afternoon", "day 2")."""
    def build(match: re.Match[str], original: str) -> Request:
        groups = match.groupdict()
        kind = (groups.get("k") or "").strip()
        if kind in ("one", "ones", "thing", "things") and (said := re.match(
                rf"^(?:which|what)\s+({KIND_NOUNS})\b", match.string)):
            kind = said[1]  # "which keynote is the last one"
        if not kind and match.string.startswith(("who ", "who's ", "whos ")):
            kind = "person"  # "who goes first": a person, not the opening coffee
        scope = (groups.get("scope") or groups.get("rest") or "").strip()
        if intent is Intent.FIRST and (at := _AFTER_CLOCK.match(scope)) and kind in _ANY:
            return Request(Intent.AFTER, at[1], at["d"] or "")  # "the first thing after 1pm"
        if (near := _NEXT_TO.match(scope)) is not None and not _LUNCH.match(near["s"]):
            # "the last talk before the closing", "the first talk after Vogelsang's keynote"
            relation = "before" if near["r"] in ("before", "preceding", "until") else "after"
            return Request(intent, f"{kind}|{near['d'] or ''}|{relation} {near['s']}")
        scope = _SCOPE_LEAD.sub("", scope)
        return Request(intent, f"{kind}|{scope}")
    return build


_DAY_END = (r"(?:\s+(?:on\s+)?(?P<d>today|tomorrow|monday|tuesday|wednesday|thursday|friday|"
            r"saturday|sunday|day\s*\d{1,2}))?$")
_AFTER_CLOCK = re.compile(r"^(?:after|from|following)\s+(\d{1,2}(?:[:.h]\d{2})?\s*(?:am|pm)?|noon)"
                          + _DAY_END)
_NEXT_TO = re.compile(r"^(?P<r>before|after|following|preceding|until)\s+(?P<s>.+?)" + _DAY_END)
_LUNCH = re.compile(r"^(?:the\s+)?(?:lunch(?: break)?|break|coffee(?: break)?)$")
_ANY = frozenset({"", "thing", "things", "item", "items", "one", "session", "sessions", "event",
                  "events"})


_RANGE_DAY = re.compile(r"\b(?P<d>today|tomorrow|monday|tuesday|wednesday|thursday|friday|"
                        r"saturday|sunday|day\s*\d{1,2})\b", re.IGNORECASE)


def _range(match: re.Match[str], _original: str) -> Request:
    """RANGE "a|b"; a day named anywhere ("what's on Tuesday from 10 till noon") narrows it."""
    day = _RANGE_DAY.search(match.string)
    return Request(Intent.RANGE, f"{match['a'].strip()}|{match['b'].strip()}",
                   day["d"].casefold() if day else "")


def _day_part(match: re.Match[str], _original: str) -> Request:
    part = match["part"].replace(" ", "")
    part = {"tonight": "evening", "lunchtime": "midday"}.get(part, part)
    return Request(Intent.RANGE, f"@{part}")


def _day_of_event(match: re.Match[str], _original: str) -> Request:
    """The start (or end) of one conference day: "when is day one", "the last day"."""
    day = " ".join(match["d"].split()).replace("opening day", "first day").replace(
        "closing day", "last day").replace("final day", "last day")
    ends = match["v"] in ("end", "finish", "wrap up", "over") or (
        not match["v"] and day == "last day" and False)
    return Request(Intent.WORKSHOP, "end" if ends else "start", day)


def _day_said(said: str | None) -> str:
    """A day as a scope: "tuesday", "day 2", "date 16" ("the 16th")."""
    if not said:
        return ""
    if (named := find_date(said)) is not None:
        return said_as(named[0], named[1])
    return " ".join(said.split())


def _day_or_part(match: re.Match[str], _original: str) -> Request:
    """A day's agenda ("what's on monday"), or a part of it ("… tuesday afternoon")."""
    day = " ".join(match["d"].split())
    if (named := find_date(day)) is not None:  # "what's on the 13th?"
        day = said_as(named[0], named[1])
    if match["part"]:
        part = "evening" if match["part"] == "night" else match["part"]
        return Request(Intent.RANGE, f"@{part}", day)
    return Request(Intent.AGENDA, day.replace("final day", "last day")
                   .replace("first day", "day 1").replace("second day", "day 2")
                   .replace("third day", "day 3"))


# "Nakamura's talk": a person's talk, not their panel (bot.intents.clean_subject keeps it too)
POSSESSIVE_TALK = re.compile(r"^(?P<who>.+?)(?:'s|’s|s')\s+(?P<k>talk|presentation|lecture|"
                             r"speech)$", re.IGNORECASE)


def _duration(match: re.Match[str], original: str) -> Request | None:
    rest = _subject(match, original)
    if re.search(r"\b(?:until|till|til|left|before it starts|to go|away)\b", rest, re.I):
        return None  # "how long until Ceze": a when question
    rest = re.sub(r"^(?:(?:is|are|was|does|do|did|will|would|the|for|of|in|go|it|does it|long|"
                  r"each|every|all|both|a|an)\s+)+",
                  "", rest, flags=re.IGNORECASE)
    rest = re.sub(r"\s+(?:for|in|of)\s+(?:her|his|their|the)\s+(?:talk|presentation|slot|"
                  r"session|keynote)$", "", rest, flags=re.IGNORECASE)  # "… get for her talk"
    if POSSESSIVE_TALK.match(rest):  # "Nakamura's talk": his talk, not his panel
        return Request(Intent.DURATION, _tidy(rest))
    rest = _keep_ordinal(rest, re.sub(
        r"\s+(?:get|gets|got|have|has|last|lasts|take|takes|run|runs|go|goes|go on|"
        r"be|speak|speaks|talk|talks|present|presents|for|allotted|given|slot|slots|"
        r"scheduled|planned|long|take up)(?:\s+(?:for|on stage|up))?$", "", rest,
        flags=re.IGNORECASE))
    rest = _tidy(rest)
    if re.fullmatch(r"(?:for|it|go|run|last|take|on|that|this|one|is|it is|is it)?", rest,
                    re.IGNORECASE):
        rest = "that"  # "how long does it go for": the subject said before
    return Request(Intent.DURATION, rest)


_ORDINAL_END = re.compile(r"\b(?:first|second|third|last|final|opening|closing|1st|2nd|3rd|"
                          r"earliest|latest)$", re.IGNORECASE)


def _keep_ordinal(before: str, after: str) -> str:
    """A subject whose noun a tail-stripping rule took ("the second talk" -> "the second")
    keeps it: "the second talk" names an item, "the second" nothing."""
    return before if after != before and _ORDINAL_END.search(after.strip()) else after


_COUNT_TAIL = re.compile(r"\s+(?:are|were|have been|got|will be)\s+(?:accepted|presented|listed|"
                         r"planned|scheduled|there|given)(?:\s+(?:to|at|in|for|on)\s+(?:the|this)"
                         r"\s+"
                         r"(?:workshop|event|conference|summit|program(?:me)?))?$", re.IGNORECASE)


def _count(match: re.Match[str], original: str) -> Request:
    rest = _subject(match, original)
    if re.match(r"days?\b", rest, re.IGNORECASE):
        return Request(Intent.WORKSHOP, "dates")  # "how many days does the summit last?"
    rest = _COUNT_TAIL.sub("", rest)
    rest = re.sub(r"\s+(?:are there|are (?:on|in) (?:the )?(?:program(?:me)?|schedule|"
                  r"workshop)|do (?:you|we|they) have|will there be|are we having|"
                  r"there are|are being presented|are presented|were accepted|accepted|"
                  r"in total|total|altogether|are planned|are scheduled|are listed|"
                  r"do (?:we|you|i|they) get|will (?:we|you|i|they) (?:get|have|see)|"
                  r"are we getting|are there going to be|will be there|will there be|"
                  r"does it have|does the \w+ have|are happening|are coming|are|is|are there|"
                  r"is there|on the program(?:me)?|on the schedule|in the program(?:me)?)"
                  r"(?:\s+(?:in total|total|altogether|here|today|on the program))*$", "",
                  rest, flags=re.IGNORECASE)
    return Request(Intent.COUNT, _tidy(rest))


def _tidy(text: str) -> str:
    return _POSSESSIVE.sub("", _ARTICLE.sub("", text.strip(" ,.-"))).strip()


def _kind(match: re.Match[str], original: str) -> Request | None:
    subject = re.sub(r"\s+for\s+(?:the\s+)?(?:papers|posters|attendees|everyone|everybody|"
                     r"students|us|all|people)$", "", _subject(match, original))
    if not subject or re.search(r"\b(?:about|on|regarding|related to|mentioning|concerning|"
                                r"on the topic|by|from|with|written|authored)\b",
                                subject, re.IGNORECASE):
        return None  # "any papers about X", "is there a talk by Y": search and authors
    if re.search(r"\b(?:on|happening|scheduled|going on)\s+(?:at|around)\b|\d", subject):
        return None
    return Request(Intent.KIND, subject)


def _named_kind(match: re.Match[str], original: str) -> Request | None:
    """ "list the keynotes", "what are the breaks": a kind only when the words name one."""
    request = _kind(match, original)
    if request is None or (kind := kind_named(request.arg)) is None or kind.name == "paper":
        return None  # "list the papers" is the papers command
    return request


_CURRENT = re.compile(r"^(?:(?:this|these|the current|current|that)(?:\s+(?:talks?|sessions?|one|"
                      r"keynote|panel|presentations?|thing))?|(?:the\s+)?(?:talks?|sessions?|one|"
                      r"presentations?)(?: (?:now|right now|on now))?|it|)$", re.IGNORECASE)


def _time_left(match: re.Match[str], original: str) -> Request:
    """DURATION "left:<subject>": the time left of what is on (or of a named item)."""
    rest = _subject(match, original)
    rest = re.sub(r"^(?:(?:is|are|does|do|will|in|of|for|on|until|till|before|left)\s+)+", "",
                  rest, flags=re.IGNORECASE)
    rest = re.sub(r"(?:\s+(?:go(?:es)? on(?: for)?|go|goes|going|going on|last|lasts|lasting|run|"
                  r"runs|running|take|takes|left|is there|does it|have|remain|remains|to go|for|"
                  r"on))+$", "", rest,
                  flags=re.IGNORECASE)
    rest = _tidy(rest)
    return Request(Intent.DURATION, "left:" + ("" if _CURRENT.match(rest) else rest))


def _gap(match: re.Match[str], original: str) -> Request:
    """DURATION of the gap between two items ("gap:a|b"), before one ("gap:|b") or after
    one ("gap:a|")."""
    groups = {name: _subject(match, original, name) if match[name] else ""
              for name in ("a", "b", "before", "after")}
    first = groups["a"] or groups["after"]
    second = groups["b"] or groups["before"]
    return Request(Intent.DURATION, f"gap:{_tidy(first)}|{_tidy(second)}")


def _kind_in_scope(match: re.Match[str], original: str) -> Request | None:
    """ "the talks on tuesday": the kind, narrowed to the day (or part of it)."""
    request = _named_kind(match, original)
    if request is None:
        return None
    return Request(Intent.KIND, request.arg, _SCOPE_LEAD.sub("", match["scope"].strip()))


def _kind_or_count(match: re.Match[str], original: str) -> Request | None:
    """ "what keynotes are there": the kind listed; "what rooms are there": the rooms (a
    count lists them), as for "how many rooms"."""
    subject = _tidy(_subject(match, original))
    if re.fullmatch(r"(?:rooms?|halls?|tracks?|stages?|speakers?|people|presenters?|days?)",
                    subject, re.IGNORECASE):
        return _count(match, original)
    if (kind := kind_named(subject)) is not None and kind.name == "paper":
        return Request(Intent.PAPERS)  # "what papers are there": the papers list
    request = _named_kind(match, original)
    if request is None or not match["scope"]:
        return request
    return Request(Intent.KIND, request.arg, _SCOPE_LEAD.sub("", match["scope"].strip()))


def _item_time(match: re.Match[str], original: str) -> Request | None:
    """ "the schedule for the poster session" is when that session is; "the schedule for
    tomorrow" is the agenda (left to the patterns)."""
    subject = _subject(match, original)
    if re.fullmatch(rf"(?:{SCOPES}|today'?s?|the week|this week|everything|all|me|us)",
                    subject.strip(), re.IGNORECASE):
        return None
    return Request(Intent.WHEN, _tidy(subject))


def _edge(match: re.Match[str], _original: str) -> Request:
    """ "at the end of the day" is the last item, "at the very start" the first."""
    intent = Intent.LAST if match["edge"] in ("end", "close") else Intent.FIRST
    scope = _SCOPE_LEAD.sub("", (match["scope"] or "").strip())
    kind = "person" if match.string.startswith(("who ", "who's ", "whos ")) else ""
    return Request(intent, f"{kind}|{scope}")


def _next_of_kind(match: re.Match[str], _original: str) -> Request | None:
    """NEXT of a kind ("next talk"); a word that names no kind ("next one") is plain NEXT."""
    if kind_named(match["k"]) is None or match["k"] in ("one", "ones", "thing", "things",
                                                       "item", "items", "session", "sessions"):
        return Request(Intent.NEXT)
    return Request(Intent.NEXT, "kind:" + match["k"])


def _from_now(match: re.Match[str], _original: str) -> Request:
    """ "in 10 minutes" -> WHO_AT "+10"; "in half an hour" -> "+30"; "in an hour" -> "+60"."""
    number, unit = match["n"], match["u"]
    hours = unit.startswith("h")
    if number.startswith("half"):
        minutes = 30 if hours else 0
    else:
        minutes = (int(number) if number.isdigit() else 1) * (60 if hours else 1)
    return Request(Intent.WHO_AT, f"+{minutes}")


def _where(match: re.Match[str], original: str) -> Request:
    subject = _subject(match, original)
    subject = re.sub(r"\s+(?:be|held|be held|take place|taking place|happening|located|"
                     r"going to be|happen|hosted|located at|on|at|in|being held|"
                     r"is|are)$", "", subject, flags=re.IGNORECASE)
    return Request(Intent.WHERE, _tidy(subject))


def _relative(intent: Intent) -> Callable[[re.Match[str], str], Request | None]:
    def build(match: re.Match[str], original: str) -> Request | None:
        subject = _subject(match, original)
        subject = _keep_ordinal(subject, re.sub(
            r"\s+(?:ends?|finish(?:es)?|is over|is done|wraps? up|then|"
            r"starts?|begins?|talk|session|today|tomorrow|is|'s)$", "", subject,
            flags=re.IGNORECASE))
        subject = re.sub(r",?\s+(?:who|what|which)(?:'s| is| comes| come| goes| follows)?(?:\s+"
                         r"(?:next|then|up))?$", "", subject, flags=re.IGNORECASE)
        subject = re.sub(r"^(?:the\s+)?(?:one|talk|session|item)\s+(?:of|by|from)\s+", "",
                         subject, flags=re.IGNORECASE)
        subject = re.sub(r"^(?:the\s+)?(keynote|presentation|paper|lecture|panel|tutorial)\s+"
                         r"(?:of|by|from)\s+(.+)$", r"\2's \1", subject, flags=re.IGNORECASE)
        subject = re.sub(r"^(?:that|this|it)\s+(?:one|talk|session)$", "that", subject)
        subject = _tidy(subject)
        return Request(intent, "that" if subject.casefold() in ("", "one", "ones") else subject)
    return build


def _rule(pattern: str, build: Callable[[re.Match[str], str], Request | None],
          needs: str) -> Frame:
    lazy = LazyPattern(pattern)
    return Frame(lazy, build, frozenset(needs.split()), start_guard(lazy))


_TOKEN = re.compile(r"[a-z0-9&]+")
_DIGIT = re.compile(r"\d")


def words_of(lowered: str) -> set[str]:
    """The words a frame's ``needs`` are checked against ("what's" gives "what" and "s")."""
    found = set(_TOKEN.findall(lowered))
    if _DIGIT.search(lowered):
        found.add("<num>")
    return found


class WordIndex:
    """Which rules (by position) each word can start: the rules a question can match are
    those its words name and its first characters allow (``guards``: how each rule's
    pattern must begin, see bot.cheap_patterns), tried in their order.

    Sets of rules are bit masks (bit ``i``: rule ``i``), so a question's candidates are a
    few dictionary lookups and integer ORs and one AND, with no set made and sorted:
    reading the words' rules and the beginning's takes one mask per word and one per
    prefix length the guards use, not a test of every guard."""

    def __init__(self, needs: Sequence[frozenset[str]],
                 guards: Sequence[StartGuard | None] = ()) -> None:
        by_word: dict[str, int] = {}
        for position, words in enumerate(needs):
            for word in words:
                by_word[word] = by_word.get(word, 0) | 1 << position
        self._by_word = by_word
        all_guards = tuple(guards) or (None,) * len(needs)
        self._unguarded = 0
        # (length, {beginning of that length: the rules whose guard allows it})
        by_prefix: dict[int, dict[str, int]] = {}
        for position, guard in enumerate(all_guards):
            if guard is None:
                self._unguarded |= 1 << position
                continue
            for prefix in guard.prefixes():
                table = by_prefix.setdefault(len(prefix), {})
                table[prefix] = table.get(prefix, 0) | 1 << position
        self._by_prefix = tuple(sorted(by_prefix.items()))

    def allowed(self, text: str) -> int:
        """The rules whose guard lets a question beginning like ``text`` through."""
        mask = self._unguarded
        for length, table in self._by_prefix:
            mask |= table.get(text[:length], 0)
        return mask

    def candidates(self, words: set[str], text: str | None = None) -> list[int]:
        """The rules to try for a question of ``words`` that begins like ``text``."""
        get = self._by_word.get
        mask = 0
        for word in words:
            mask |= get(word, 0)
        if text is not None and mask:
            mask &= self.allowed(text)
        found = []
        while mask:
            lowest = mask & -mask
            found.append(lowest.bit_length() - 1)
            mask ^= lowest
        return found


# Who or what a presence question names: not a question word, a pronoun or a filler.
_NOT_A_NAME = (r"(?!what\b|when\b|who\b|whom\b|where\b|which\b|how\b|there\b|it\b|this\b|that\b|"
               r"anything\b|anyone\b|anybody\b|someone\b|something\b|everyone\b|you\b|we\b|i\b|"
               r"they\b|he\b|she\b|the (?:workshop|event|summit|conference)\b)")

FRAMES: tuple[Frame, ...] = (
    # "where do we eat lunch", "where can i get coffee": where that is
    _rule(r"^where\s+(?:do|can|will|should|shall|could)\s+(?:we|i|you|u|people|attendees|everyone)"
          r"\s+(?:eat|have|get|grab|find|go for)\s+(?:the\s+|some\s+)?(?P<s>lunch|coffee|dinner|"
          r"breakfast|drinks|the reception|the posters?|the poster session)$",
          _with_subject(Intent.WHERE), needs="where"),
    # a topic: "any session about video game ai", "anyone covering protein folding", "do any
    # of the papers deal with robotics"
    _rule(r"^(?:(?:is|are)\s+there\s+)?(?:any|anything|anyone|anybody|something|do any(?: of the)?|"
          r"does any|did any|will any|is anyone|is anybody|are any(?: of the)?)\s+(?:(?:talks?|"
          r"sessions?|papers?|posters?|speakers?|presentations?|one)\s+(?:on\s+|about\s+)|"
          r"(?:talks?\s+|sessions?\s+|papers?\s+|posters?\s+|speakers?\s+|presentations?\s+|"
          r"one\s+)?(?:about|covering|covers?|deal(?:s|ing)? with|touch(?:es|ing)? on|"
          r"discuss(?:es|ing)?|"
          r"address(?:es|ing)?|regarding|related to|focus(?:es|ing)? on|talk(?:s|ing)? about|"
          r"present(?:s|ing)? on|look(?:s|ing)? at)\s+)(?P<s>(?!the (?:morning|afternoon|evening)"
          r"$|today$|tomorrow$|now$|later$|(?:at|in|around|from|between|during|after|before)\b|\d)"
          r"[^?]+?)(?:\s+(?:at all|here|at this \w+))?$",
          _with_subject(Intent.SEARCH),
          needs="about on covering cover covers deal deals dealing touch touches touching discuss "
          "discusses discussing address addresses addressing regarding related focus focuses "
          "focusing talk talks talking present presents presenting look looks looking"),
    # what runs at the same time as something: "what runs in parallel with Sokolov's talk?"
    _rule(r"^(?:what(?:'s| is)?|which (?:talks?|sessions?|items?)|anything|is anything|is there "
          r"anything)\s+(?:else\s+)?(?:runs?|is on|on|happening|running|scheduled|going on|are on)?"
          r"\s*(?:in parallel (?:with|to)|at the same time as|alongside|parallel to|concurrently "
          r"with|opposite|against|during|while)\s+(?P<s>.+?)(?:\s+(?:runs|is on|happens|"
          r"takes place|is running|goes on))?$",
          lambda m, o: Request(Intent.RANGE, "during:" + _tidy(_subject(m, o))),
          needs="parallel same alongside concurrently opposite against during while"),
    # "are the keynotes in the morning?", "are all the talks on day 1?": that kind, then
    _rule(rf"^are\s+(?:all\s+)?(?:the\s+)?(?P<k>{KIND_NOUNS}|coffee breaks)"
          rf"\s+(?:all\s+)?(?:in|on|during)\s+(?:the\s+)?(?P<scope>morning|afternoon|evening|"
          rf"day\s*\d|first day|second day|last day|monday|tuesday|wednesday|thursday|friday|"
          rf"saturday|sunday|today|tomorrow|both days)$",
          lambda m, _o: Request(Intent.KIND, m["k"], " ".join(m["scope"].split())),
          needs="in on during"),
    # "is the poster session in the foyer?": where it is
    _rule(r"^(?:is|are|will)\s+(?P<s>(?!there\b|it\b|anything\b|anyone\b).+?)\s+(?:be\s+)?(?:held"
          r"\s+)?"
          r"in\s+(?:the\s+)?(?:room\s+)?(?!(?:person|morning|afternoon|evening|night|day|program|"
          r"schedule|agenda|same|other|parallel|english|time|my|your|our|order|person|total|"
          r"general|advance|\d)\b)[\w .&-]+$", _with_subject(Intent.WHERE), needs="in"),
    # "who is from ETH?", "which speakers are from Oslo", "anyone from Google here?"
    _rule(r"^(?:who|which (?:speakers?|people|authors?|presenters?|organi[sz]ers?)|any(?:one|body| "
          r"speakers?| people| authors?)?|is anyone|are there (?:any )?(?:speakers?|people|"
          r"authors?))\s+(?:is\s+|are\s+|r\s+)?(?:from|at|with)\s+(?P<s>(?!the (?:workshop|summit|"
          r"event|conference)\b|this\b|here\b)[\w&.' -]+?)(?:\s+here)?$",
          lambda m, o: Request(Intent.PERSON, "from:" + _tidy(_subject(m, o))),
          needs="from"),
    # "where is he from?" (after "who is Kwame Asante?"): their card says
    _rule(rf"^(?:and\s+)?where\s+(?:is|are|'s)\s+(?:he|she|they|{PRONOUN})\s+from$",
          _fixed(Intent.PERSON, "that"), needs="from"),
    # "authors of the automap paper", "speakers of the panel": who is on it
    _rule(r"^(?:who\s+are\s+)?(?:the\s+)?(?:authors?|speakers?|presenters?|people|team|panel(?:ists"
          r"|"
          r"lists))\s+(?:of|for|behind|on)\s+(?:the\s+)?(?P<s>.+)$", _with_subject(Intent.ABOUT),
          needs="author authors speaker speakers presenter presenters people team panelists"),
    # -- ranges of time: "what's on from 2 to 4pm", "anything between 10 and 11:30"
    _rule(rf"\b(?:from|between|btw|betwen)\s+{_time('a')}\s*(?:to|and|till|til|until|through|"
          rf"-|–|—)\s*{_time('b')}(?:\s|$)", _range,
          needs="from between btw betwen"),
    _rule(rf"^(?:{WH}\s*{BE}?|anything|anyone|is (?:there )?anything|any talks?|talks?)\s+"
          rf"(?:on|happening|scheduled|going on|running|speaking)?\s*{_time('a')}\s*(?:-|–|—|"
          rf"to|till|until)\s*{_time('b')}$", _range,
          needs="<num>"),
    _rule(r"^(?:(?:what|who|anything|is there anything|are there any talks|any talks|whats?)"
          r"\b.*?\s+)?between\s+(?P<a>(?!\d).+?)\s+and\s+(?P<b>(?!\d).+?)$",
          lambda m, o: Request(Intent.RANGE, f"{_subject(m, o, 'a')}|{_subject(m, o, 'b')}"),
          needs="between"),
    # -- how long until something, how long is left of this one
    # "how long until the next talk": the next of that kind, with how soon it starts
    # (and "how long until lunch", "how long do I wait for the next talk": the next one)
    _rule(rf"^how\s+(?:long|much time|many (?:minutes|mins|hours))\s+(?:is it\s+|(?:do|must|"
          rf"will|shall)\s+(?:i|we)\s+(?:have to\s+)?wait\s+(?=for|until|till|til))?(?:until|"
          rf"till|til|before|to|for)\s+(?:we\s+(?:break|stop|go|head|have)\s+(?:for\s+)?)?"
          rf"(?:the\s+)?(?:next\s+)?(?P<k>{KIND_NOUNS}|coffee breaks?|"
          rf"lunch(?: break)?)(?:\s+(?:starts?|begins?|is on|kicks off|comes|comes up))?$",
          _next_of_kind, needs="how"),
    # "how long till the workshop wraps up": the time left of it
    _rule(r"^how\s+(?:long|much time|many (?:minutes|mins|hours))\s+(?:is it\s+|do we have\s+|"
          r"(?:is\s+)?left\s+)?(?:until|till|til|before)\s+(?P<s>.+?)\s+(?:ends?|finish(?:es)?|"
          r"wraps? up|is over|closes|is done|stops|is finished)$",
          lambda m, o: Request(Intent.DURATION, "left:" + _tidy(_subject(m, o))), needs="how"),
    _rule(r"^how\s+(?:long|much time|many (?:minutes|mins|hours))\s+(?:is it\s+|do i have\s+|"
          r"have i got\s+|left\s+|remains?\s+)?(?:until|till|til|before|to go until|"
          r"to|left (?:until|before))\s+(?P<s>.+?)(?:\s+(?:starts?|begins?|is on|kicks off))?$",
          _with_subject(Intent.WHEN),
          needs="how"),
    _rule(r"^(?:how\s+(?:much\s+)?(?:longer|long is left|much time is left|much time remains|"
          r"long to go|many minutes (?:are )?left|much time (?:do we have|have we got) left)|"
          r"(?:how much )?time (?:is )?left|minutes left)\b(?P<s>.*)$", _time_left,
          needs="how time minutes"),
    _rule(r"^when does (?:this|the current|the) (?:talk|session|one) (?:end|finish)\b.*$",
          _fixed(Intent.NOW), needs="when"),
    # -- the question word last, as in chat: "kraska talk when", "lunch wen?"
    _rule(rf"^{WHEN_WORD}\s+(?P<v>{STARTS}|{ENDS})\s+(?P<s>.+)$", _named_start_or_end,
          needs="when what wat how by until"),  # "at which hour begins the workshop"
    _rule(rf"^(?P<s>[^?]+?)\s+(?P<v>{STARTS}|{ENDS})\s+(?:at\s+)?(?:when|what time|wen|at what "
          r"time)(?:\s+please)?$", _named_start_or_end,
          needs="when what wen"),
    _rule(r"^(?P<s>[^?]+?)\s+(?:when|what time|wen|at what time|when is it|when's that)$",
          lambda m, o: Request(Intent.WHEN, _tidy(_STRIP_KIND.sub("", _subject(m, o)))),
          needs="when what wen"),
    # "phothilimthas talk about what": what it is about
    _rule(rf"^{NOT_A_SUBJECT}(?P<s>[^?]+?)\s+(?:is\s+)?(?:about|on) what$",
          lambda m, o: Request(Intent.ABOUT, _tidy(_subject(m, o))), needs="what"),
    # "when is the end of the summit": its end
    _rule(r"^(?:when|what time)\s+(?:is|'s|will be)\s+the\s+(?P<v>end|start|beginning|close|"
          r"opening)(?:\s+of\s+(?P<s>.+))?$",
          lambda m, o: Request(Intent.WORKSHOP, ("end" if m["v"] in ("end", "close") else "start")
                               + ("|" + _subject(m, o) if m["s"] else "")),
          needs="end start beginning close opening"),
    # "lunch how long", "duckdb tutorial how many hours": the question word last
    _rule(rf"^{NOT_A_SUBJECT}(?P<s>[^?]+?)\s+(?:how long|how many (?:minutes|hours|mins)|"
          r"duration|length)(?:\s+(?:is it|it is))?$", _duration,
          needs="how duration length"),
    _rule(r"^(?!(?:list|show|all|give|the|any|accepted|see|every|how many|describe|tell|explain|"
          r"what|when|where|who|which|info|details|summar\w*|more|about)\b)(?P<s>[^?]+?)\s+"
          r"(?:papers|publications|paper)$",
          lambda m, o: Request(Intent.BY, _subject(m, o)), needs="papers publications paper"),
    # -- the free time around items: "how long is the break between Carbin and Ceze"
    _rule(r"^(?:how\s+(?:long|much time|many minutes|big|much)(?:\s+of)?\s+(?:is|are|"
          r"do we have|have we got|is there)?\s*(?:the\s+|a\s+)?|what(?:'s| is)\s+the\s+|)"
          r"(?:gap|break|pause|free time|time|breather|wait)\s+(?:is there\s+)?(?:(?:between|"
          r"btw)\s+(?P<a>.+?)\s+and\s+(?P<b>.+)|before\s+(?P<before>(?!\d).+)|after\s+"
          r"(?P<after>(?!\d).+))$", _gap,
          needs="gap break pause free time breather wait"),
    _rule(r"^how\s+long\s+(?:has|have)\s+(?:this|the current|the|it)\s*(?:talk|session|one)?"
          r"\s+(?:been\s+)?(?:going|going on|on|running|lasted)(?:\s+for)?$", _fixed(Intent.NOW),
          needs="how"),
    # -- how long
    # "how much time do we have for lunch": how long it is
    _rule(r"^how\s+(?:much\s+time|long|many minutes)\s+(?:do|will|did)\s+(?:we|i|you|they)\s+"
          r"(?:have|get)\s+(?:for\s+)?(?P<s>(?!left\b).+)$", _with_subject(Intent.DURATION),
          needs="how"),
    _rule(r"\bhow\s+(?:long|much time|many (?:minutes|mins|hours|hrs|min))\b(?P<s>.*)$",
          _duration,
          needs="how"),
    _rule(r"\b(?:duration|length|running time)\s+(?:of|for)\s+(?P<s>.+)$", _duration,
          needs="duration length running"),
    _rule(r"^(?P<s>.+?)\s+(?:duration|length)$", _duration,
          needs="duration length"),
    # -- how many
    _rule(r"^(?:total|number of|count of|no\.? of)\s+(?P<s>.+)$", _count,
          needs="total number count no"),
    _rule(r"^(?:what|which)\s+(?:kinds?|types?|sorts?)\s+of\s+(?:sessions?|things|events?|items?|"
          r"talks?|stuff)\b.*$", _fixed(Intent.KIND, "kinds"),
          needs="kind kinds type types sort sorts"),
    _rule(r"\bhow\s+many\s+(?P<s>.+)$", _count,
          needs="how"),
    _rule(r"\b(?:number|count|total number|total)\s+of\s+(?P<s>.+)$", _count,
          needs="number count total"),
    # -- the workshop's own facts
    _rule(r"\b(?:who(?:'s| is| are| was)?\s+(?:the\s+)?(?:organi[sz](?:er|ers|ing|ed)|running|"
          r"hosting|in charge|behind|responsible)|who\s+(?:runs|organi[sz]es|organi[sz]ed|"
          r"hosts|hosted|puts on|put on|put together|chairs|is running|are running|set up)"
          r"|(?:persons?|people|ones?|who)\s+(?:who|which|that)?\s*(?:organi[sz]e|run|host)s?\b"
          r"|organi[sz](?:ers|er|ing committee|ing team|ation team)|(?:the\s+)?hosts\b|"
          r"(?:program|programme) (?:committee|chairs?))", _workshop("organizers"),
          needs=ORGANIZING),
    _rule(rf"^(?:(?:what(?:'s| is)|where(?:'s| is| can i find)|give me|send me|share|is there|"
          rf"got|any|do you have|have you got)\s+)?(?:the\s+|a\s+|an\s+)?(?:(?:{EVENT}|its|"
          rf"their|official)(?:'s)?\s+)?(?:web ?site|web ?page|home ?page|url|link|site|"
          rf"page|web address)(?:\s+(?:for|of|to)\s+(?:{EVENT}|it|this))?$",
          _workshop("url"),
          needs="site website web page webpage homepage home url link address"),
    _rule(r"^(?!.*\b(?:paper|talk|slides|video|recording|stream|zoom|thread|q&a|qa|"
          r"livestream|poster)s?\b).*\b(?:web ?site|home ?page|url|web ?page|web address|"
          r"(?:event|workshop|conference|summit|official) (?:page|link|site))\b",
          _workshop("url"),
          needs="site website web webpage homepage home url address page"),
    _rule(rf"^(?!.*\b(?:paper|talk|slides|poster)s?\b)(?!.*\bstream(?:ing)?\s+(?:processing|"
          rf"processors?|systems?|engines?|pipelines?|joins?|data)\b)(?!.*\b(?:what(?:'s| is)|"
          rf"whats|who(?:'s| is)) (?:on|happening|speaking|next)\b)(?:.*\b)?(?P<what>zoom|"
          rf"live ?stream|"
          rf"stream|recordings?|video|webinar|teams|meet|gather(?:\.town)?)(?: link| url| room)?"
          rf"\b(?:.*\b(?:{EVENT}|it|this)\b)?.*$",
          lambda m, _o: Request(Intent.WORKSHOP, f"link:{m['what']}"),
          needs="zoom live livestream stream recording recordings video webinar teams meet gather"),
    _rule(r"^(?:how\s+(?:do|can|should|would)\s+(?:i|we|you|one)\s+(?:get|go|travel|find "
          r"(?:my way|the way))\s+(?:to|there)|directions(?:\s+to)?|how to get (?:to|there)|"
          r"is (?:it|the (?:workshop|event|venue)) (?:in person|online|virtual|hybrid|remote))"
          r"\b.*$", _workshop("venue"),
          needs="how directions is"),
    _rule(rf"^(?:{EVENT}|it)\s+(?:is|takes place|happens|is held)\s+(?:in|at)\s+(?:which|what)\s+"
          r"(?:place|city|location|venue|building|town|country)$|^where\s+(?:does\s+)?(?:it\s+)?"
          rf"(?:takes? place|is|happens?|is held)\s+{EVENT}$", _workshop("venue"),
          needs="place city location venue building town country where"),
    _rule(r"^(?:which|what)\s+(?:city|town|country|building|campus|place|venue)\b.*$",
          _workshop("venue"), needs="city town country building campus place venue"),
    _rule(rf"^(?:what|which)\s+(?:time ?zone|tz|zone)\s+(?:is|are|does|do)?\s*(?:{EVENT}|it|"
          r"this|the times?|times)?\b.*$", _workshop("zone"),
          needs="timezone zone tz"),
    _rule(rf"^(?:which|what)\s+(?:conference|event|meeting|venue)\s+(?:is|are)\s+(?:{EVENT}|it|"
          r"we)\s+(?:part of|at|in|held at|co-?located with|attached to)$",
          _workshop("venue"), needs="conference event meeting venue"),
    # the workshop by name: "which conference is ML4Sys part of", "is DSS online or in
    # person", "how do i join ML for Systems", "start and end time of the workshop"
    _rule(r"^(?:which|what)\s+(?:conference|event|meeting|venue)\s+(?:is|are)\s+(?P<s>.+?)\s+"
          r"(?:part of|at|held at|co-?located with|attached to)$", _aspect_of("venue"),
          needs="conference event meeting venue"),
    _rule(r"^(?:is|will)\s+(?P<s>.+?)\s+(?:be\s+)?(?:online|virtual|in[ -]person|hybrid|remote|"
          r"on ?site)(?:\s+or\s+(?:online|virtual|in[ -]person|hybrid|remote|on ?site|both|not))?$",
          _aspect_of("link:joining"), needs="online virtual person hybrid remote site onsite"),
    _rule(r"^how\s+(?:do|can|could|should|would)\s+(?:i|we|you|one)\s+(?:join|attend|watch|"
          r"follow|tune in to|get into|sign up for|register for)\s+(?P<s>.+?)(?:\s+(?:online|"
          r"remotely|virtually))?$", _aspect_of("link:joining"), needs="how"),
    _rule(r"^(?:the\s+|what(?:'s| is| are) the\s+)?(?:start and end|start and finish|beginning and "
          r"end|opening and closing|start & end)(?:\s+times?)?\s+(?:of|for)\s+(?P<s>.+)$",
          _aspect_of("hours"), needs="start beginning opening"),
    _rule(r"^(?P<s>(?!what\b|when\b|which\b|who\b)[\w&' -]+?)\s+(?:start(?:ing)?|opening|"
          r"kick-?off)\s+time$", _aspect_of("start"), needs="start starting opening kick kickoff"),
    _rule(r"^(?P<s>(?!what\b|when\b|which\b|who\b)[\w&' -]+?)\s+(?:end(?:ing)?|finish(?:ing)?|"
          r"closing)\s+time$", _aspect_of("end"), needs="end ending finish finishing closing"),
    _rule(r"^(?:(?:a\s+)?link\s+to|the\s+(?:web ?site|url|web ?page|home ?page)\s+(?:of|for))\s+"
          r"(?:the\s+)?(?P<s>.+?)(?:\s+(?:page|site|web ?site|web ?page|home ?page))?$",
          _aspect_of("url"), needs="link website site url webpage page homepage"),
    _rule(r"^(?:what(?:'s| is)\s+)?(?:the\s+)?(?:name|title)\s+of\s+(?:this|the|our)\s+(?:workshop|"
          r"event|conference|summit|meeting)(?:\s+again)?$", _workshop("about"),
          needs="name title"),
    _rule(r"^(?:what|which)\s+(?:are|were)\s+(?:the\s+|this year'?s\s+)?(?:focus areas?|topics?|"
          r"themes?|subjects?|scope)\s+(?:for|of|at)\s+(?:the\s+)?(?P<s>.+)$|^is\s+(?P<s2>.+?)\s+"
          r"co-?located with .+$", lambda m, o: Request(Intent.WORKSHOP, ("about" if m["s"] else
                                                              "venue") + "|" + _tidy(
              _subject(m, o) or _subject(m, o, "s2"))), needs="focus topics topic themes theme "
          "subjects subject scope colocated located"),
    _rule(r"^(?:what|which)\s+(?:topics?|subjects?|themes?|areas?)\s+(?:does|do|will|is|are)\s+"
          r"(?P<s>.+?)\s+(?:cover|covering|about|include|focus on|deal with)$",
          _aspect_of("about"), needs="topic topics subject subjects theme themes area areas"),
    _rule(r"^(?:is it|is (?:the|this) \w+|will it be)\s+(?:only\s+|just\s+)?(?:one|1|a single)"
          r"\s+day(?:\s+(?:thing|event|affair))?(?:\s+or\s+(?:several|more|two|multiple|many|"
          r"longer)(?:\s+days)?)?$",
          _workshop("dates"), needs="day"),
    _rule(r"^(?:where|when|how)\s+(?:do|can|should|shall|must)\s+(?:i|we)\s+(?:pick up|get|collect|"
          r"find)\s+(?:my|our|the)\s+(?:badges?|name ?tags?|lanyards?)(?:\s*(?:/|or|and)\s*"
          r"(?:register|check in|sign in))?$|^(?:where|when|how)\s+(?:do|can|should|shall|must)\s+"
          r"(?:i|we)\s+(?:register|check in|sign in)(?:\s+(?:on site|when i arrive|there))?$",
          lambda _m, _o: Request(Intent.WHEN, "registration"), needs="badge badges register "
          "check sign tag tags lanyard lanyards"),
    _rule(r"^(?:is\s+(?:the\s+)?registration\s+(?:still\s+)?open|where\s+(?:do|can)\s+i\s+sign\s+up"
          r"|"
          r"how\s+(?:do|can)\s+i\s+sign\s+up|do\s+i\s+need\s+(?:a|to)\s+.*\b(?:register|registratio"
          r"n|"
          r"ticket)\b.*|is\s+it\s+free|is\s+(?:it|the \w+)\s+(?:free|paid)|how much (?:is|does) "
          r"(?:it|"
          r"the \w+|registration) cost|(?:is|are)\s+(?:there\s+)?tickets?.*)$",
          _workshop("link:registration"), needs="registration register sign free paid cost "
          "ticket tickets"),
    # "is the poster session on day 2?", "is kwame on today": when it is (and so whether)
    _rule(rf"^(?:is|are|will)\s+(?P<s>.+?)\s+(?:be\s+)?(?:on|happening|held|taking place|speaking|"
          rf"talking|presenting|scheduled)(?:\s+(?:on|for))?\s+(?:the\s+)?(?:\d{{1,2}}(?:st|nd|"
          rf"rd|th)?(?:\s+of)?(?:\s+\w+)?|monday|tuesday|wednesday|thursday|friday|saturday|"
          rf"sunday|today|tomorrow|tonight|day\s*\d|(?:first|second|third|last|final) day|"
          rf"{_MONTHS}\w*\s+\d{{1,2}}(?:st|nd|rd|th)?)$",
          lambda m, o: Request(Intent.WORKSHOP, f"dates|{_subject(m, o)}"),
          needs="is are will"),
    _rule(rf"^(?:(?:give me|tell me|what(?:'s| is))\s+)?(?:an?\s+|the\s+)?(?:quick\s+|short\s+|"
          rf"brief\s+|general\s+|rough\s+)?(?:overview|summary|"
          rf"theme|topic|focus|gist|scope|description|idea|point)(?:\s+(?:of|for)\s+"
          rf"(?:{EVENT}|it|this))?$", _workshop("about"),
          needs="overview summary theme topic focus gist scope description idea point"),
    _rule(rf"^(?:what(?:'s| is)\s+(?:the\s+)?name\s+of\s+(?:{EVENT}|it|this)|what\s+(?:{EVENT})\s+"
          r"(?:is this|is it|am i at|are we at|is this bot for)|what(?:'s| is) this (?:bot )?for|"
          r"where am i)$", _workshop("about"),
          needs="name what where"),
    _rule(rf"^(?:when|what time)\s+(?:should|do|must|can)\s+(?:i|we)\s+(?:get|arrive|be|show "
          rf"up|turn up|come)(?:\s+(?:there|here|in|at {EVENT}|to {EVENT}))?$", _workshop("start"),
          needs="when what"),
    _rule(r"^(?:where|how)\s+(?:can|do|could|should)\s+(?:i|we)\s+(?:find|get|read|see)\s+"
          r"(?:more\s+)?(?:info|information|details)(?:\s+about\s+(?:it|this|the \w+))?$",
          _workshop("url"), needs="info information details"),
    _rule(r"^how\s+(?:do|can|should)\s+(?:i|we)\s+(?:join|attend|connect|tune in|register|"
          r"sign up|participate|take part)(?:\s+(?:online|remotely|it|this|the \w+))?$",
          lambda _m, _o: Request(Intent.WORKSHOP, "link:joining"),
          needs="how"),
    _rule(r"^(?:(?:what(?:'s| is)|where(?:'s| is))\s+)?(?:the\s+)?(?:venue|location|address|"
          r"place)(?:\s+(?:of|for)\s+.+)?$", _workshop("venue"),
          needs="venue location address place"),
    _rule(rf"^where(?:\s+(?:is|are|will|does|do|s)|'s|'re)?\s*(?P<s>{EVENT}|it|this|we|they|"
          rf"you guys|everyone|everybody|people)\s*(?:being\s+)?(?:held|be held|take place|"
          rf"taking place|happening|located|hosted|be|going to be|happen|meeting|gathering|"
          rf"at|from)?(?: exactly| physically| this year)?$", _workshop("venue"),
          needs="where"),
    _rule(rf"^{WHEN_WORD}(?:'s|'re)?\s+(?:{AUX}\s+)?(?P<scope>day\s*\d+|(?:the\s+)?(?:first|second|"
          rf"third|last|"
          rf"final|next) day|tomorrow|today|monday|tuesday|wednesday|thursday|friday|saturday|"
          rf"sunday)(?:'s (?:program|schedule|sessions?))?\s+(?:(?:program|schedule|sessions?)\s+)?"
          rf"(?P<v>{STARTS}|{ENDS})$",
          lambda m, o: _ordinal(Intent.LAST if re.match(ENDS, m["v"]) else Intent.FIRST)(m, o),
          needs="when what wat how by until"),
    _rule(rf"^{WHEN_WORD}(?:'s|'re)?\s+(?:{AUX}\s+)?(?P<s>{GENERIC_SUBJECT}|it|that|this|they)\s+"
          rf"(?:(?:going|supposed|meant|expected|scheduled) to\s+|gonna\s+)?"
          rf"(?P<v>{STARTS}|{ENDS}){DAY_TAIL}$", _start_or_end,
          needs="when what wat how by until"),
    _rule(rf"^{WHEN_WORD}(?:'s|'re)?\s+(?:{AUX}\s+)?(?P<s>(?!.*\b(?:talk|session|keynote|panel|pape"
          rf"r|"
          rf"lunch|break|poster|tutorial)s?\b).+?)\s+(?P<v>{STARTS}|{ENDS}){DAY_TAIL}$",
          _named_start_or_end, needs="when what wat how by until"),
    _rule(rf"^(?:{WH}\s+)?(?P<v>{STARTS}|{ENDS})\s+(?:time|hour)\s*(?:of|for)?\s*"
          rf"(?P<s>{EVENT}|it)?{DAY_TAIL}$", _start_or_end,
          needs="time hour"),
    _rule(rf"^(?:{WH}(?:'s| is)?\s+)?(?:the\s+)?(?P<v>start|end|finish|opening|closing)\s+"
          rf"time(?:\s+(?:of|for)\s+(?P<s>{EVENT}|it))?{DAY_TAIL}$", _start_or_end,
          needs="time"),
    _rule(rf"^(?:what|which)\s+(?:day|date|days|dates)\s+(?:{AUX}\s+)?(?:(?P<s>{EVENT}|it|this)"
          rf"(?:\s+(?:on|held|happening|taking place|be))?|today|it today)?$",
          _workshop("dates"),
          needs="day date days dates"),
    _rule(rf"^(?:on\s+)?(?:what|which)\s+(?:day|date|days|dates)(?:\s+and\s+(?:time|times|hours)"
          rf")?\s+(?:{AUX}\s+)?(?P<s>.+?)"
          r"(?:\s+(?:on|held|happening|taking place|be|scheduled|speaking|talking))?$",
          _with_subject(Intent.WHEN),
          needs="day date days dates"),
    _rule(rf"^(?:is|are)\s+(?P<s>{EVENT}|it)\s+(?:today|tomorrow|on|happening)\b.*$",
          _workshop("dates"),
          needs="is are"),
    # "does the summit have a panel?", "has the workshop got posters": that kind of thing
    _rule(rf"^(?:does|will|did|do|has)\s+(?:the\s+|this\s+)?(?:{EVENT}|it|they)\s+(?:have|has|"
          rf"include|feature|offer|got|have got)\s+(?:a\s+|an\s+|any\s+|some\s+)?(?P<s>.+)$",
          lambda m, o: Request(Intent.KIND, _tidy(_subject(m, o))),
          needs="have has include feature offer got"),
    _rule(r"^(?:is|will|does|was)\s+(?P<s>(?:the|this)\s+(?:workshop|event|conference|summit))"
          r"\s+(?!on\b|at\b|today\b|tomorrow\b|happening\b).+$", _workshop("about"),
          needs="is will does was"),
    _rule(rf"^(?:{WH}\s*{BE}\s+|tell me (?:more )?about\s+|describe\s+)(?P<s>{EVENT})"
          rf"(?:\s+(?:about|for|all about))?$", _workshop("about"),
          needs=EVENT_WORDS),
    _rule(rf"^{WH}\s*{BE}\s+(?P<s>{EVENT})(?:'s)?\s+(?:all\s+)?about$", _workshop("about"),
          needs=EVENT_WORDS),
    _rule(rf"^(?:how late|till when|until when|until what time)\s+(?:{AUX}\s+)?(?P<s>{EVENT}|it|"
          rf"things|we|you)?\s*(?:go|run|last|go on|continue|end|finish)?(?:\s+(?:on|until|till))?"
          rf"{DAY_TAIL}$", _workshop("end"),
          needs="how till until"),
    _rule(rf"^(?:is|are)\s+(?P<s>{EVENT}|it|things|we)\s+(?:over|done|finished)(?:\s+(?:yet|"
          rf"already|now))?$", _workshop("end"),
          needs="over done finished"),
    _rule(r"^(?:what|which)(?:'s| is)?\s+(?:the\s+)?(?:date|day|dates|days)(?:\s+today|"
          r"\s+is it(?: today)?)?$|^(?:what(?:'s| is) )?today'?s date$", _workshop("dates"),
          needs="date day dates days"),
    # -- a kind about a topic: "is there a tutorial on PostgreSQL?" is a search for it
    _rule(rf"^(?:is|are)\s+there\s+(?:an?\s+|any\s+)?(?:{KIND_NOUNS})\s+(?:on|about|covering|"
          rf"regarding|related to|for)\s+(?P<s>(?!today\b|tomorrow\b|monday\b|tuesday\b|"
          rf"wednesday\b|thursday\b|friday\b|saturday\b|sunday\b|days?\b|both\b|all\b|each\b|"
          rf"every\b|\d|the (?:first|second|third|last|final|other|same) )(?!(?:the\s+)?(?:\w+\s+)?"
          rf"days?$).+)$",
          _with_subject(Intent.SEARCH), needs="there"),
    # "has kraska started yet?", "is the keynote over?": the time left of it
    _rule(r"^(?:has|have|did|is|are)\s+(?P<s>(?!there\b|it\b|anything\b|anyone\b).+?)\s+"
          r"(?:started|begun|finished|ended|over|done|on yet|running late)(?:\s+(?:yet|already))?$",
          lambda m, o: Request(Intent.DURATION, "left:" + _tidy(_subject(m, o))),
          needs="started begun finished ended over done yet"),
    # "when is the coffee break after vogelsang's keynote": the first of a kind after it
    _rule(rf"^(?:when|what time)\s+(?:is|does|'s|s)\s+(?:the\s+)?(?P<k>{KIND_NOUNS}|coffee"
          rf"(?: break)?|lunch(?: break)?)\s+(?P<rel>after|following|before)\s+(?P<s>.+?)"
          rf"(?:\s+(?:start|begin|"
          rf"end|finish))?$", lambda m, o: Request(
              Intent.LAST if m["rel"] == "before" else Intent.FIRST,
              f"{m['k']}||{'before' if m['rel'] == 'before' else 'after'} "
              f"{_tidy(_subject(m, o))}"), needs="after following before"),
    # "which papers are being presented at the posters": the session, with its papers
    _rule(r"^(?:which|what)\s+papers\s+(?:are|will be|get|were)\s+(?:being\s+)?(?:presented|"
          r"shown)\s+(?:at|in|during)\s+(?:the\s+)?(?P<s>.+)$", _with_subject(Intent.WHEN),
          needs="papers"),
    # "who hands out the best paper award?": who is on it
    _rule(r"^who\s+(?:hands out|hands over|announces|chairs|is chairing|hosts|is hosting|"
          r"moderates|is moderating)\s+(?:the\s+)?(?P<s>(?!it\b|that\b|this\b|workshop\b|event\b|"
          r"summit\b|first\b|last\b|final\b|next\b|opening\b|closing\b).+)$",
          _with_subject(Intent.ABOUT), needs="who"),
    _rule(rf"^(?:(?:list|show)(?:\s+me)?\s+)?(?:the\s+)?(?:{EVENT})(?:'s|s')\s+(?P<s>.+)$|^(?:what|"
          rf"which)"
          rf"\s+(?P<s2>\w+)\s+(?:does|will)\s+(?:the\s+|this\s+)?(?:{EVENT})\s+have$",
          lambda m, o: Request(Intent.KIND, _tidy(_subject(m, o) or _subject(m, o, "s2"))),
          needs="summit workshop conference event s have"),
    _rule(r"^(?P<s>(?!how\b)[\w &'-]+?)\s+how\s+many$", _with_subject(Intent.COUNT), needs="many"),
    _rule(r"^(?:the\s+)?(?P<s>(?!what\b|how\b)[\w &'-]+?)\s+(?:count|total|number)$",
          _with_subject(Intent.COUNT), needs="count total number"),
    _rule(rf"^(?:time|how long|how much time)\s+(?:until|till|til|before|to)\s+(?:the\s+)?(?:next"
          rf"\s+)?"
          rf"(?P<k>{KIND_NOUNS}|coffee|lunch)$", _next_of_kind, needs="time long"),
    _rule(r"^how\s+(?:long|much time)\s+(?:have we got|do we have|is)\s+left(?:\s+(?:today|for toda"
          r"y|"
          r"in the day)"
          r")?$", lambda _m, _o: Request(Intent.DURATION, "left:workshop"), needs="left"),
    # "what session is at 10 in the lichthof", "which talk takes place at 14:00 on tuesday"
    _rule(rf"^{TIME_OF_DAY}\s+(?:who|what|who's on|what's on)$",
          lambda m, _o: Request(Intent.WHO_AT, m["x"]), needs="<num> noon midday"),
    _rule(rf"^(?:what|who)(?:'s| is| will be)?\s+(?:on stage|scheduled for|planned for|on for|"
          rf"lined up for|booked for|slotted for)\s+(?:at\s+)?{TIME_OF_DAY}$",
          lambda m, _o: Request(Intent.WHO_AT, m["x"]), needs="<num> noon midday"),
    _rule(rf"^(?:what|who|which)(?:'s)?\s+(?:session|talk|item|one|thing|event)?\s*(?:is\s+|"
          rf"takes place\s+|happens\s+|is on\s+|is scheduled\s+|on\s+|happening\s+|going on\s+)?"
          rf"(?:on\s+)?at\s+{TIME_OF_DAY}\s+in\s+(?:the\s+)?"
          rf"(?P<room>(?!\d)[\w &./-]+)$", lambda m, _o: Request(Intent.WHO_AT,
                                                             f"{m['x']}|{m['room']}"),
          needs="in"),
    _rule(rf"^(?:which|what)\s+(?:session|talk|item|one|thing|event)\s+(?:takes place|happens|is "
          rf"scheduled|is on|is|runs)\s+(?:at|around)\s+{TIME_OF_DAY}(?:\s+(?:on\s+)?(?P<day>today|"
          rf"tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|day\s*\d))?$",
          lambda m, _o: Request(Intent.WHO_AT, m["x"], " ".join((m["day"] or "").split())),
          needs="<num> noon midday"),
    _rule(rf"^(?:event|session|talk|thing|anything|what)\s+(?:at|@)\s+{TIME_OF_DAY}$",
          lambda m, _o: Request(Intent.WHO_AT, m["x"]), needs="<num> noon midday"),
    _rule(rf"^at\s+{TIME_OF_DAY},?\s+(?:is it|is that|what is|who is)\b.*$",
          lambda m, _o: Request(Intent.WHO_AT, m["x"]), needs="<num> noon midday"),
    # -- the event: "summit location?", "is this part of neurips 2021?", "what year was it"
    _rule(rf"^(?:the\s+)?(?P<s>{EVENT}|[\w&'-]+(?:\s+[\w&'-]+)?)\s+(?:location|venue|address|place)"
          r"$|"
          rf"^is\s+(?P<s2>this|it|the \w+|[\w&' -]+?)\s+(?:part of|held at|at)\s+(?:neurips|icml|"
          rf"iclr|the [\w -]+ conference)(?:\s+\d{{4}})?$", lambda m, o: Request(
              Intent.WORKSHOP, "venue|" + _tidy(_subject(m, o) or _subject(m, o, "s2"))),
          needs="location venue address place part held at"),
    _rule(r"^(?:what|which)\s+year\s+(?:is|was|will be)\s+(?P<s>.+)$|^is\s+(?P<s2>.+?)\s+on\s+"
          r"(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\s+or\s+(?:on\s+)?(?:the\s+)?\d{1,2}(?:st|nd|rd|"
          r"th)?$",
          lambda m, o: Request(Intent.WORKSHOP, "dates|" + _tidy(
              _subject(m, o) or _subject(m, o, "s2"))), needs="year or"),
    _rule(r"^(?:what|when)\s+(?:hours|times)\s+(?:does|do|will)\s+(?:it|the \w+|this \w+)\s+(?:run|"
          r"go|last|happen)(?:\s+(?:on\s+)?(?P<d>today|tomorrow|monday|tuesday|wednesday|thursday|"
          r"friday|saturday|sunday|day\s*\d|the \d{1,2}(?:st|nd|rd|th)))?$",
          lambda m, _o: Request(Intent.WORKSHOP, "hours", _day_said(m["d"])), needs="hours times"),
    _rule(r"^what\s+(?:the\s+)?(?:main\s+)?(?:topic|theme|focus|subject|idea)\s+(?:of|for)\s+"
          r"(?P<s>.+?)\s+(?:is|was)$", _aspect_of("about"), needs="topic theme focus subject idea"),
    _rule(r"^(?:will|are|is)\s+(?:the\s+)?(?:talks?|sessions?|it|this|keynotes?)\s+(?:be\s+)?(?:rec"
          r"orded|"
          r"streamed|filmed|taped|online afterwards|available afterwards)$",
          _workshop("link:recording"), needs="recorded streamed filmed taped afterwards"),
    # -- the question word last, chat style: "sokolov room", "anima talk time pls",
    #    "poster sesh wen n wer", "closing remarks wen r they", "day 2 wots on"
    _rule(r"^(?P<s>(?!what\b|when\b|who\b|where\b|how\b|which\b|is\b|are\b|and\b)(?!.*\b(?:in|after"
          r"|"
          r"before|same|other|this|that)\b)[\w.' -]+?)\s+(?:room|"
          r"location|place)$", _with_subject(Intent.WHERE), needs="room location place"),
    _rule(r"^(?P<s>(?!what\b|when\b|who\b|where\b|how\b|which\b|is\b|are\b)[\w.' -]+?)\s+(?:talk\s+"
          r"|"
          r"session\s+|slot\s+)?(?:time|timing|start time)$", _with_subject(Intent.WHEN),
          needs="time timing"),
    _rule(r"^(?P<s>(?!what\b|who\b|how\b|which\b|is\b|are\b)[\w.' -]+?)\s+(?:when|what time)\s*(?:a"
          r"nd|&|"
          r"\+)\s*where$|^(?P<s2>(?!what\b|who\b|how\b)[\w.' -]+?)\s+(?:when|what time)\s+(?:is|are"
          r")\s+"
          r"(?:it|they|that|those|these)$",
          lambda m, o: Request(Intent.WHEN, _tidy(_subject(m, o) or _subject(m, o, "s2"))),
          needs="when time"),
    _rule(r"^(?P<d>day\s*\d|today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|"
          r"sunday)\s+(?:what's on|whats on|what is on|agenda|schedule|program|programme|plan)$",
          lambda m, _o: Request(Intent.AGENDA, " ".join(m["d"].split())),
          needs="on agenda schedule program programme plan"),
    _rule(r"^(?:the\s+)?(?:one|talk|thing|session|item)\s+(?P<r>before|after)\s+(?P<s>.+?)\s+"
          r"(?:is|was)\s+(?:what|which|who)$", lambda m, o: Request(
              Intent.BEFORE if m["r"] == "before" else Intent.AFTER, _tidy(_subject(m, o))),
          needs="before after"),
    _rule(r"^(?:is|are)\s+there\s+(?:a|any)\s+(?:talks?|keynotes?|presentations?|sessions?)\s+(?:by"
          r"|"
          r"from|with)\s+(?P<s>.+)$", _with_subject(Intent.WHEN), needs="there"),
    # -- who is on in one room now: "whos in audimax rn"
    _rule(r"^(?:who|what|whos|whats|anything)(?:'s| is)?\s+(?:on\s+|speaking\s+|happening\s+|"
          r"presenting\s+)?in\s+(?:the\s+)?(?P<room>(?!\d)[\w &./-]+?)\s+(?:right now|now|at the "
          r"moment|currently)$", lambda m, _o: Request(Intent.NOW, m["room"]), needs="now moment "
          "currently"),
    # -- who is on in one room at a time: "who's in h1012 at 11:30"
    _rule(rf"^(?:who|what|whos|whats|anything)(?:'s| is)?\s+(?:on\s+|speaking\s+|happening\s+|"
          rf"presenting\s+)?(?:in|at)\s+(?:the\s+)?(?P<room>(?!\d)[\w &./-]+?)\s+(?:at|around|@)\s+"
          rf"{TIME_OF_DAY}$", lambda m, _o: Request(Intent.WHO_AT, f"{m['x']}|{m['room']}"),
          needs="in"),
    # -- what is still to come: "what's left this afternoon", "anything left today?"
    _rule(r"^(?:what(?:'s| is)|whats|anything|is there anything|what else is|what else)\s+"
          r"(?:still\s+)?(?:left|remaining|to come|(?:on|to come|coming) later)(?:\s+(?:on|for|"
          r"in))?(?:\s+(?P<scope>today|tonight|tomorrow|"
          r"(?:this|the)\s+(?:morning|afternoon|evening)|(?:in the\s+)?(?:morning|afternoon|"
          r"evening)))?$",
          lambda m, _o: Request(Intent.RANGE, "@left", _SCOPE_LEAD.sub("", m["scope"] or "")),
          needs="left remaining come later"),
    # "what's first in the audimax", "who's last in room h 1012 tomorrow"
    _rule(r"^(?:what(?:'s| is| comes)|whats|who(?:'s| is| goes| speaks))\s+(?:on\s+|up\s+)?(?P<o>fi"
          r"rst|"
          r"last)\s+(?:in|at)\s+(?:the\s+)?(?P<room>(?!morning\b|afternoon\b|evening\b|day\b)[\w &."
          r"/-]+?)"
          r"(?:\s+(?:on\s+)?(?P<d>today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|"
          r"sunday|day\s*\d))?$", lambda m, _o: Request(
              Intent.FIRST if m["o"] == "first" else Intent.LAST,
              ("person" if m.string.startswith("who") else "")
              + f"|{m['room']} {m['d'] or ''}".rstrip()),
          needs="first last"),
    # -- the event's first or last day: "what's the last day of the summit", "when does the
    #    first day start", "when is day one"
    _rule(rf"^(?:(?:what|which)(?:'s| is| was)?|when(?:'s| is| does| do)?)\s+(?:the\s+)?(?P<d>(?:fi"
          rf"rst|"
          rf"second|third|last|final|opening|closing) day|day\s*\d{{1,2}})(?:\s+(?:of|at|for)\s+"
          rf"(?:the\s+)?(?:{EVENT}|[\w&' -]+?))?(?:\s+(?P<v>start|begin|end|finish|wrap up|over)"
          rf")?$",
          _day_of_event, needs="day"),
    _rule(r"^(?:what(?:'s| is)\s+)?(?:the\s+)?(?P<v>start|end|finish|closing|opening|first|last)\s+"
          r"date(?:\s+(?:of|for)\s+.+)?$", lambda m, _o: Request(Intent.WORKSHOP, "dates"),
          needs="date"),
    # -- a day, or a part of one: "what's on monday", "what's on tuesday afternoon"
    _rule(rf"^(?:{WH}\s*{BE}?|anything|is (?:there )?anything|any talks?|whats)\s*(?:on|happening|"
          rf"scheduled|going on|planned)\s+(?:on\s+|for\s+)?(?:the\s+)?(?P<d>monday|tuesday|"
          rf"wednesday|thursday|friday|saturday|sunday|today|tomorrow|day\s*\d{{1,2}}|(?:first|"
          rf"second|third|last|final) day|{DATE_WORDS})(?:\s+(?:in the\s+)?(?P<part>morning|"
          rf"afternoon|evening|night))?(?:\s+(?:of|at)\s+(?:the\s+)?(?:{EVENT}|[\w&' -]+))?$",
          _day_or_part, needs="monday tuesday wednesday thursday friday saturday sunday today "
          "tomorrow day <num>"),
    # -- first and last
    _rule(rf"^(?!(?:(?!\b{FIRST_WORDS}\b).)*\b(?:after|before|following|preceding)\s+(?:the\s+)?"
          rf"{FIRST_WORDS}\b).*?\b{FIRST_WORDS}\s+"
          rf"(?P<k>{KIND_NOUNS})\b(?P<rest>.*)$", _ordinal(Intent.FIRST),
          needs="first earliest opening 1st initial"),
    _rule(rf"^(?!(?:(?!\b{LAST_WORDS}\b).)*\b(?:after|before|following|preceding)\s+(?:the\s+)?"
          rf"{LAST_WORDS}\b).*?\b{LAST_WORDS}\s+"
          rf"(?P<k>{KIND_NOUNS})\b(?P<rest>.*)$", _ordinal(Intent.LAST),
          needs="last final closing latest concluding ending finishing"),
    _rule(rf"^(?:{WH}\s*(?P<k>{KIND_NOUNS})?\s*(?:{BE}\s+)?)?(?:on\s+|up\s+)?(?:goes\s+|comes\s+|"
          rf"speaks\s+|is\s+)?(?:the\s+)?(?:very\s+)?first(?:\s+(?:up|on|thing|one))?(?P<rest>"
          rf"(?:\s+(?:(?:in|on|of|for|at|"
          rf"during)\s+)?(?:{SCOPES}))?)$", _ordinal(Intent.FIRST),
          needs="first"),
    _rule(rf"^(?:{WH}\s*(?P<k>{KIND_NOUNS})?\s*(?:{BE}\s+)?)?(?:on\s+|up\s+)?(?:goes\s+|comes\s+|"
          rf"speaks\s+|is\s+)?(?:the\s+)?(?:very\s+)?last(?:\s+(?:up|on|thing|one))?(?P<rest>(?:\s+"
          rf"(?:(?:in|on|of|for|at|"
          rf"during)\s+)?(?:{SCOPES}))?)$", _ordinal(Intent.LAST),
          needs="last"),
    _rule(rf"^(?:{WH}\s*(?P<k>{KIND_NOUNS})?|who)\s+(?:{OPEN_VERBS})\s+(?P<scope>{SCOPES})"
          rf"(?:\s+(?:session|sessions|block|slot|part|program|programme))?$",
          _ordinal(Intent.FIRST),
          needs="opens open kicks kick starts start begins begin leads lead goes is"),
    _rule(rf"^(?:{WH}\s*(?P<k>{KIND_NOUNS})?|who)\s+(?:{CLOSE_VERBS})\s+(?P<scope>{SCOPES})"
          rf"(?:\s+(?:session|sessions|block|slot|part|program|programme))?$",
          _ordinal(Intent.LAST),
          needs="closes close ends end wraps wrap finish finishes concludes conclude goes is"),
    _rule(rf"^(?:{WH}\s*(?P<k>{KIND_NOUNS})?|who)\s+(?:{OPEN_VERBS})\s+(?:(?:it|things|us)\s+)?"
          rf"(?:off)?(?:\s+(?:on\s+)?(?P<scope>{SCOPES}))?$", _ordinal(Intent.FIRST),
          needs="opens open kicks kick starts start begins begin leads lead goes is"),
    _rule(rf"^(?:{WH}\s*(?P<k>{KIND_NOUNS})?|who)\s+(?:{CLOSE_VERBS})\s+(?:(?:it|things|us)\s+)?"
          rf"(?:out|off|up)?(?:\s+(?:on\s+)?(?P<scope>{SCOPES}))?$", _ordinal(Intent.LAST),
          needs="closes close ends end wraps wrap finish finishes concludes conclude goes is"),
    _rule(rf"^(?:how|what)\s+(?:{AUX}\s+)?(?P<scope>{SCOPES})\s+(?:start|begin|open|kick off)"
          r"(?: with)?$", _ordinal(Intent.FIRST),
          needs="start begin open kick"),
    _rule(rf"^(?:how|what)\s+(?:{AUX}\s+)?(?P<scope>{SCOPES})\s+(?:end|finish|close|wrap up)"
          r"(?: with)?$", _ordinal(Intent.LAST),
          needs="end finish close wrap"),
    # -- follow-up fragments: "and after that?", "where?", "tell me more"
    _rule(rf"^(?:and|so|ok|okay|then)?\s*(?:(?:what|who)(?:'s| is| comes)?\s+)?(?:after\s+"
          rf"(?:that|this|it|them)|afterwards|and then|then what|what then|after|next one|"
          rf"the one after|what follows|what comes after|after {PRONOUN} ends?)$",
          _fixed(Intent.AFTER, "that"),
          needs="after afterwards then next follows"),
    _rule(r"^(?:and|so|ok|okay)?\s*(?:(?:what|who)(?:'s| is| was| came| comes)?\s+)?"
          r"(?:before\s+(?:that|this|it|them)|beforehand|the one before(?: (?:it|that|this))?|"
          r"what precedes|what came before|before)$", _fixed(Intent.BEFORE, "that"),
          needs="before beforehand precedes"),
    _rule(rf"^(?:and|so|ok|okay)?\s*(?:where|which room|what room|where exactly|which hall|"
          rf"what hall|where(?:'s| is| was| will) (?:{PRONOUN}|that held|it held))"
          rf"(?:\s+(?:is it|is that|then|again|exactly|held))?$", _fixed(Intent.WHERE),
          needs="where room hall"),
    _rule(r"^(?:and|so|ok|okay)?\s*(?:tell me more|more|more info|more information|more details|"
          r"details|go on|and|what else|any details|more about (?:it|that|this)|"
          rf"what(?:'s| is) {PRONOUN} about|summary|abstract|the abstract|elaborate|"
          rf"what(?:'s| is) {PRONOUN}|what(?:'s| is| are) {PRONOUN} (?:on|on about|covering))$",
          _fixed(Intent.ABOUT, "that"),
          needs="more details go and else about summary abstract elaborate what"),
    _rule(rf"^(?:and\s+)?who\s+(?:wrote|writes|authored|is giving|gives|gave|is presenting|"
          rf"presents|presented|speaks at|is speaking at|is speaking in|is in|did|made|"
          rf"is behind|is doing|does|runs|are the (?:authors|speakers) of)\s+"
          rf"(?:{PRONOUN}|the (?:paper|talk|session|poster))$", _fixed(Intent.ABOUT, "that"),
          needs="who"),
    _rule(rf"^(?:and\s+)?who(?:'s| is| are| were| was)\s+the\s+(?:authors?|speakers?|"
          rf"presenters?|people|person|team|folks)(?:\s+(?:of|behind|for)\s+{PRONOUN})?$",
          _fixed(Intent.ABOUT, "that"),
          needs="who"),
    _rule(rf"^(?:and\s+)?(?:which|what) papers (?:are|get|will be)\s+(?:presented\s+)?(?:in|at|"
          rf"part of)\s+{PRONOUN}$", _fixed(Intent.ABOUT, "that"), needs="papers"),
    _rule(rf"^(?:and\s+)?who(?:'s| is| are)\s+(?:behind|presenting|giving|doing)\s+{PRONOUN}$",
          _fixed(Intent.ABOUT, "that"), needs="who"),
    # a bare "who's speaking?": the speakers of what was just asked about, else who is on
    _rule(r"^(?:and\s+|so\s+)?who(?:'s| is| are| will be|s)\s+(?:speaking|presenting|talking|"
          r"giving it|giving that|on stage|the speakers?|the presenters?)$",
          _fixed(Intent.NOW, SPEAKERS_OF_LAST), needs="who whos"),
    _rule(r"^(?:and\s+|so\s+)?(?:the\s+)?(?:authors?|speakers?|presenters?)$",
          _fixed(Intent.ABOUT, "that"), needs="author authors speaker speakers presenter "
          "presenters"),
    # "pruning paper who wrote", "decompilation talk who": the question word last
    _rule(rf"^{NOT_A_SUBJECT}(?P<s>[^?]+?)\s+(?:who wrote (?:it|that)?|who(?:'s| is)? "
          r"(?:giving|presenting|speaking)(?: it)?|who wrote|authors?|speakers?|who)$",
          lambda m, o: Request(Intent.ABOUT, _tidy(_subject(m, o))),
          needs="who authors author speaker speakers"),
    _rule(rf"^{NOT_A_SUBJECT}(?P<s>[^?]+?)\s+(?:where|which room|what room|where is it|"
          r"where's that)$",
          lambda m, o: Request(Intent.WHERE, _tidy(_STRIP_KIND.sub("", _subject(m, o)))),
          needs="where room"),
    _rule(rf"^{NOT_A_SUBJECT}(?P<s>[^?]+?)\s+(?:when and where|when n where|when & where|"
          r"where and when|wen n where|when n wher|when and wher)$",
          lambda m, o: Request(Intent.WHEN, _tidy(_STRIP_KIND.sub("", _subject(m, o)))),
          needs="when wen where wher"),
    _rule(r"^(?:when|what time)\s+(?:do|are|can|will|should|shall)\s+(?:we|i|you|people)\s+"
          r"(?:eat|eating|get (?:food|lunch)|have lunch|break for lunch|go for lunch|grab lunch|"
          r"get something to eat)$", _fixed(Intent.WHEN, "lunch"),
          needs="eat eating food lunch"),
    _rule(r"^(?:and|so|ok|okay)?\s*(?:what time|when|at what time|which day|what day)"
          r"(?:\s+(?:is it|is that|again|then|exactly))?$", _fixed(Intent.WHEN, "that"),
          needs="what when which"),
    _rule(r"^(?:room|which room|what room|where)\s+(?:for\s+|of\s+)?(?:the\s+)?(?P<s>(?!is\b|are\b|"
          r"was\b|will\b|does\b|do\b|can\b|should\b|it\b|that\b).+)$", _where,
          needs="room where"),
    # "a tutorial exists at this workshop?", "poster session available?"
    _rule(rf"^(?:a|an|any|some)?\s*(?P<s>[a-z &-]+?)\s+(?:exists?|available|planned|offered|"
          rf"happening|scheduled)(?:\s+(?:at|in|on)\s+{EVENT})?$", _named_kind,
          needs="exist exists available planned offered happening scheduled"),
    # -- relations to an item: "who's up after Anandkumar", "what's just before Ceze"
    _rule(r"\b(?:what|which|who)\s+(?:\w+\s+){0,2}?(?:follows|comes after|is after|goes after|"
          r"came after|is on after|happens after|speaks after|talks after|presents after)"
          r"\s+(?P<s>.+)$", _relative(Intent.AFTER),
          needs="follows after"),
    _rule(r"\b(?:what|which|who)\s+(?:\w+\s+){0,2}?(?:precedes|comes before|is before|goes before|"
          r"came before|is on before|happens before|speaks before|talks before|presents "
          r"before)\s+(?P<s>.+)$", _relative(Intent.BEFORE),
          needs="precedes before"),
    # the room first: "what's on in the Audimax after Sokolov's talk?"
    _rule(r"^(?:what(?:'s| is)|whats|who(?:'s| is)|whos|anything)\s+(?:on\s+|up\s+|next\s+)?in\s+"
          r"(?:the\s+)?(?P<room>(?!\d)[\w &./-]+?)\s+(?P<rel>after|following|before)\s+"
          r"(?P<s>(?!\d)(?!noon\b).+)$",
          lambda m, o: Request(Intent.BEFORE if m["rel"] == "before" else Intent.AFTER,
                               f"{_tidy(_subject(m, o))} in {m['room']}"),
          needs="after following before"),
    _rule(r"^(?:(?:and|so)\s+)?(?:(?:what|which|who|anything|whom?|next|up next)\b.*?\s+|)"
          r"(?:right\s+|just\s+|straight\s+|immediately\s+|directly\s+)?(?:after|following|afta|"
          r"once|post)\s+"
          r"(?P<s>(?!\d)(?!noon\b).+)$", _relative(Intent.AFTER),
          needs="after following afta once post"),
    _rule(r"^(?:(?:and|so)\s+)?(?:(?:what|which|who|anything|whom?)\b.*?\s+|)(?:right\s+|just\s+|"
          r"immediately\s+|directly\s+)?(?:before|preceding|prior to|ahead of)\s+"
          r"(?P<s>(?!\d)(?!noon\b).+)$", _relative(Intent.BEFORE),
          needs="before preceding prior ahead"),
    _rule(r"^(?:(?:what|which|who|next|anything)\b.*?\s+)?(?:after|following)\s+"
          r"(?P<s>(?:\d|noon\b).*)$",
          _relative(Intent.AFTER),
          needs="after following"),
    _rule(r"^(?:(?:what|which|who|next|anything)\b.*?\s+)?(?:before|until|till)\s+"
          r"(?P<s>(?:\d|noon\b).*)$",
          _relative(Intent.BEFORE),
          needs="before until till"),
    # -- at a time from now: "what's on in 10 minutes", "who's up in half an hour"
    _rule(r"^(?:(?:what|who|anything|whats?)\b[\w' ]*?\s+)?in\s+(?P<n>\d{1,3}|an?|half an?|one)\s*"
          r"(?P<u>minutes?|mins?|m|hours?|hrs?|h)(?:'s time)?$",
          _from_now,
          needs="in"),
    # -- now, in one room: "what's on in Saal 1 right now"
    _rule(r"^(?:what(?:'s| is)|whats|who(?:'s| is))\s+(?:on|happening|speaking|playing|going on)"
          r"\s+(?:in|at)\s+(?P<s>.+?)\s+(?:right\s+)?(?:now|at the moment|currently)$",
          lambda m, o: Request(Intent.NOW, _subject(m, o)), needs="now moment currently"),
    # -- is someone on the program: "is Bengio speaking?", "does hinton give a talk"
    _rule(r"^(?:is|will|does|did|do)\s+(?P<s>(?!there\b|it\b|this\b|that\b|anything\b|anyone\b)"
          r".+?)\s+(?:be\s+)?(?:speaking|talking|presenting|giving a (?:talk|keynote)|give a "
          r"(?:talk|keynote)|speak|talk|present|here|attending|coming|on the program|a speaker|"
          r"on stage|have a (?:talk|paper)|got a talk|in the program|on the schedule)"
          r"(?:\s+(?:today|tomorrow|here|at all|at (?:the|this) (?:workshop|event|summit|"
          r"conference)))?$", _with_subject(Intent.WHEN),
          needs="is will does did do"),
    _rule(r"^who(?:'s| is| will be)?\s+(?:giving|presenting|doing|delivering|speaking at|"
          r"running|leading|chairing|moderating|hosting|gives|presents|delivers|does|leads|"
          r"chairs|moderates|hosts|will give|will present|will do|will lead|on|in)\s+"
          r"(?:the\s+)?(?P<s>(?!\d|noon\b|midnight\b|now\b|"
          r"next\b|right now\b|(?:the )?moment\b|(?:the )?minute\b|at\b|around\b|"
          r"(?:in |during )?(?:the |this )?(?:morning|afternoon|evening|night|tonight)\b).+)$",
          _with_subject(Intent.ABOUT),
          needs="who"),
    _rule(r"^(?:which|what)\s+(?:talks?|sessions?|items?|ones?)\s+(?:are|is)\s+(?:the\s+|a\s+)?"
          r"(?P<s>.+)$", _named_kind,
          needs="which what"),
    # -- where something is
    _rule(r"^(?:which|what)\s+(?:room|hall|stage|building|floor|location)\s+(?:is|are|will|"
          r"does|do|for|has|holds|'s)?\s*(?P<s>.+?)(?:\s+(?:in|be in|held in|at|on))?$",
          _where,
          needs="which what"),
    _rule(r"^where(?:\s+(?:is|are|was|were|will|does|do|s|can i (?:find|see|watch|catch)|"
          r"should i go for|do i go for|to go for)|'s|'re)?\s*(?P<s>.+)$", _where,
          needs="where"),
    # -- kinds of things: "is there a panel?", "list the keynotes", "any social events?"
    _rule(rf"^(?:(?:is|are|will|was|were)\s+there\s+(?:be\s+|going to be\s+|gonna be\s+)?|"
          rf"(?:do|does|will|did|is)\s+(?:we|you|they|it|{EVENT})\s+(?:have|get|include|feature|offer|"
          rf"going to have|gonna have|having)\s+|any\s+)(?:the\s+|a\s+|an\s+|any\s+|"
          rf"some\s+)?(?P<s>.+?){QUESTION_TAIL}$", _kind,
          needs="is are will was were do does did any"),
    # "show me the talks on tuesday", "keynotes tomorrow": a kind on a day
    _rule(rf"^(?:(?:list|show|give|name)(?:\s+me)?\s+|(?:what|which|when)\s+(?:are|were)\s+)?"
          rf"(?:all\s+|every\s+)?(?:the\s+|of the\s+)?(?P<s>(?:{KIND_NOUNS}|coffee breaks?|"
          r"lunch(?: breaks?)?|social events?|receptions?))\s+(?:on|for|during|in)\s+"
          rf"(?P<scope>{SCOPES})(?:,?\s+(?:list|please|pls|list please|thanks))*$", _kind_in_scope,
          needs="on for during in"),
    _rule(rf"^(?:(?:list|show|name|give|tell)(?:\s+me)?(?:\s+all|\s+every)?(?:\s+about)?\s+|(?:what"
          rf"|which|"
          rf"when|where|who)\s+(?:are|were)\s+(?:all\s+)?|(?:all|every)\s+)(?:the\s+|of the\s+|"
          rf"any\s+|some\s+)?(?P<s>.+?){QUESTION_TAIL}$", _named_kind,
          needs="list show name give tell what which when where who all every"),
    # "next talk", "what's the next keynote", "when is the next break"
    _rule(rf"^(?:(?:{WH}|when)\s*{BE}?\s+)?(?:the\s+)?next\s+(?P<k>{KIND_NOUNS}|coffee breaks?|"
          r"lunch(?: break)?|coffee)(?:\s+(?:up|on|coming up|starting|today))?$", _next_of_kind,
          needs="next"),
    # a track, all of it: "which talks are in the streaming track?", "list the storage track"
    _rule(r"^(?:(?:list|show|give)(?:\s+me)?(?:\s+(?:a\s+)?list of)?\s+|(?:a\s+)?list of\s+|(?:whic"
          r"h|what)"
          r"\s+(?:talks?|sessions?|papers?|"
          r"items?)\s+(?:are|is)\s+|(?:what(?:'s| is)|whats)\s+(?:in|on)\s+)?(?:all\s+)?(?:the\s+)?"
          r"(?:(?:talks?|sessions?|papers?|items?)\s+(?:in|on|of|from|for)\s+)?(?:(?:in|on)\s+)?"
          r"(?:the\s+)?(?!(?:agenda|schedule|program|programme|timetable)\b)"
          r"(?P<t>[a-z][\w&/-]*(?:\s+[a-z][\w&/-]*)?)\s+track(?:\s+(?:talks?|"
          r"sessions?|papers?))?$",
          lambda m, _o: Request(Intent.AGENDA, f"all {m['t']} track"), needs="track"),
    # the question in the order of a statement: "(tell me) what ML for Systems is about"
    _rule(r"^(?:what|wat)\s+(?P<s>(?!is\b|are\b|s\b).+?)\s+(?:is|are|was)\s+(?:all\s+|really\s+)?"
          r"about$", _with_subject(Intent.ABOUT), needs="about"),
    # "what keynotes are there", "which talks are on", "what rooms are there"
    _rule(r"^(?:what|which)\s+(?P<s>.+?)\s+(?:are|is|were|will be)(?:\s+(?:there|on|on offer|"
          r"accepted|presented|available|planned|"
          rf"scheduled|on the program(?:me)?|in the program(?:me)?|(?:in|at|on) {EVENT}))?"
          rf"(?:\s+(?:(?:on|in|for|during|before|after)\s+)?(?P<scope>{SCOPES}))?$",
          _kind_or_count,
          needs="what which"),
    # "the schedule for the poster session", "timing of the panel": when that item is
    _rule(rf"^(?:(?:{WH}\s*{BE}?|give me|tell me|show me)\s+)?(?:the\s+)?(?:schedule|timing|"
          r"times?|time ?slot|slot|start time)\s+(?:for|of)\s+(?P<s>.+)$", _item_time,
          needs="schedule timing time times timeslot slot"),
    # "what's at the end of the day", "what's on at the very start"
    _rule(rf"^(?:{WH}\s*{BE}?|anything|who)\s+(?:on\s+|happening\s+|scheduled\s+)?"
          r"(?:(?:on|in)\s+the\s+(?:schedule|program(?:me)?|agenda)\s+)?(?:at|in|"
          r"towards?)\s+the\s+(?:very\s+)?(?P<edge>end|start|beginning|close)(?:\s+of\s+"
          rf"(?P<scope>{SCOPES}))?$", _edge,
          needs="end start beginning close"),
    # -- a day part: "what's on this afternoon"
    _rule(rf"^(?:{WH}\s*{BE}?|anything|is (?:there )?anything|any talks?)\s*(?:on|happening|"
          rf"scheduled|going on|planned)?\s*(?:for\s+|in\s+|during\s+)?(?:the|this)\s+"
          rf"{DAY_PART}$", _day_part,
          needs="morning afternoon evening tonight lunch lunchtime midday"),
    _rule(rf"^(?:{WH}\s*{BE}?)\s*(?:on|happening|scheduled|going on|planned)\s+{DAY_PART}$",
          _day_part,
          needs="morning afternoon evening tonight lunch lunchtime midday"),
    _rule(rf"^(?:(?:what|whats|anything|stuff|things|something|any talks?|talks?|sessions?|"
          rf"who)\b[\w' ]*?\s+)?(?:on|happening|scheduled|planned|going on|lined up|running|"
          rf"speaking|talking|presenting|up)"
          rf"\s+(?:in\s+|for\s+|during\s+)?(?:the|this)\s+{DAY_PART}$", _day_part,
          needs="morning afternoon evening tonight lunch lunchtime midday"),
    _rule(rf"^(?:the\s+|this\s+)?{DAY_PART}(?:'s)?\s+(?:program(?:me)?|schedule|agenda|"
          rf"sessions?|talks?|line-?up)$", _day_part,
          needs="morning afternoon evening tonight lunch lunchtime midday"),
    # -- at a time, in chat: "who 10:15", "anything on at 1:30", "10:15?"
    _rule(r"^(?:(?:who|what|anything|anyone|something|any talks?|is (?:there )?(?:anything|"
          r"anyone|something|a talk)|are there (?:any )?talks|is something|whos?|who's)\s+)?"
          r"(?:(?:on|happening|going on|scheduled|speaking|talking|up|presenting|running|"
          r"planned|speaks)\s+)?(?:(?P<day>today|tomorrow)\s+)?(?:at|around|@|for)?\s*"
          r"(?P<x>(?:\d{1,2}[:.h]\d{2}\s*"
          r"(?:am|pm|a\.m\.|p\.m\.)?|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)|noon|midday)"
          r"(?:\s+\S+/\S+)?)(?:\s+(?:today|tomorrow))?$", lambda m, _o: Request(
              Intent.WHO_AT, m["x"].replace("midday", "noon"), m["day"] or ""),
          needs="<num> noon midday"),
    _rule(rf"^(?:who|what|anything|anyone|whos?|who's)\s+(?:(?:is\s+)?(?:on|happening|speaking|"
          rf"talking|up|presenting)\s+|is\s+)?(?:at|around|@)?\s*{TIME_OF_DAY}$",
          lambda m, _o: Request(Intent.WHO_AT, m["x"]),
          needs="<num> noon midnight"),
    _rule(rf"\b(?:is|are)\s+(?:there\s+)?(?:anything|anyone|something|any(?:thing)?\s+\w+|a "
          rf"\w+)\s+(?:on|happening|going on|scheduled|running)?\s*(?:at|around|@)\s+"
          rf"{TIME_OF_DAY}$", lambda m, _o: Request(Intent.WHO_AT, m["x"]),
          needs="<num> noon midnight"),
    # -- what a talk or paper is about, said many ways: "abstract of CompilerGym?",
    #    "anima anandkumar talk description", "what will Vogelsang talk about"
    _rule(r"^(?:(?:can|could|may)\s+i\s+(?:get|have|see|read)\s+|give\s+me\s+|show\s+me\s+|i'?d lik"
          r"e\s+"
          r")?(?:the\s+|a\s+)?(?:short\s+|brief\s+|quick\s+)?(?:abstract|summary|description|gist|"
          r"tl;?dr|synopsis|blurb|overview|details|more info|info|topic|outline)\s+(?:of|for|on|"
          r"about)\s+(?:what\s+)?(?P<s>[^,]+?)(?:\s+(?:is about|will present|will cover|covers|is|"
          r"presents))?(?:,.*)?$", _with_subject(Intent.ABOUT),
          needs="abstract summary description gist tl dr tldr synopsis blurb overview details "
          "info topic outline"),
    _rule(r"^(?P<s>(?!what\b|when\b|who\b|where\b|how\b|which\b)[^?]+?)\s*(?:[:\u2014-]\s*)?(?:the"
          r"\s+)?"
          r"(?:abstract|summary|description|gist|tl;?dr|synopsis|blurb|details|info)(?:\s+pls|"
          r"\s+please)?$", _with_subject(Intent.ABOUT),
          needs="abstract summary description gist tl dr tldr synopsis blurb details info"),
    _rule(r"^what\s+(?:will|does|is|exactly is|'s)\s+(?P<s>.+?)(?P<poss>'s)?\s+(?P<v>talk about|"
          r"cover|covering|be covering|going to cover|going to talk about|go into|goes into|trying "
          r"to solve|be about|about)$", lambda m, o: Request(Intent.ABOUT, _subject(m, o) + (
              "'s talk" if m["poss"] and m["v"].startswith("talk") else "")),
          needs="talk cover covering solve into about"),
    _rule(r"^(?:what|which)\s+problem\s+(?:is|does|do)\s+(?P<s>.+?)\s+(?:trying to\s+)?(?:solve|"
          r"address|tackle)$", _with_subject(Intent.ABOUT), needs="problem"),
    _rule(r"^(?:(?:could|can|would)\s+(?:you|someone|somebody|anyone)\s+)?(?:please\s+)?(?:summari["
          r"sz]e|"
          r"describe|explain|outline)\s+(?:the\s+)?(?P<s>.+)$", _with_subject(Intent.ABOUT),
          needs="summarize summarise describe explain outline"),
    # -- papers by an author: "which papers list Michael Carbin as an author", "Anna Goldie
    #    paper(s)?", "milad hashemi's contributions", "what did sokolov publish"
    _rule(r"^(?:which|what)\s+(?:accepted\s+)?(?:papers?|posters?|works?)\s+(?:list|have|include|"
          r"name|feature)\s+(?P<s>.+?)\s+as\s+(?:an?\s+)?(?:co-?)?authors?$",
          _with_subject(Intent.BY), needs="list have include name feature"),
    _rule(r"^(?:which|what)\s+(?:of the\s+)?(?:accepted\s+)?(?:papers?|posters?|works?)\s+(?:is|are"
          r"|"
          r"was|were)\s+(?P<s>.+?)\s+(?:on|listed on|an author of|a co-?author on|a co-?author of|"
          r"part of|involved in)$", _with_subject(Intent.BY), needs="papers paper posters poster "
          "works work"),
    _rule(r"^(?:which|what)\s+(?:of the\s+)?(?:accepted\s+)?(?:papers?|posters?|works?)\s+(?:were|"
          r"was|are|is)\s+(?:written|authored|co-?authored|submitted)\s+by\s+(?P<s>.+)$",
          _with_subject(Intent.BY), needs="written authored coauthored submitted"),
    _rule(r"^(?:is|are)\s+there\s+(?:a|any)\s+(?:paper|poster|work)s?\s+(?:from|by|with)\s+(?P<s>"
          r".+?)"
          r"(?:\s+(?:on|in)\s+the\s+(?:poster list|list|program(?:me)?))?$",
          _with_subject(Intent.BY), needs="there"),
    _rule(r"^what\s+(?:papers?\s+)?(?:did|has|have|does)\s+(?P<s>.+?)\s+(?:publish|published|"
          r"submit|submitted|contribute|contributed|present|presented)(?:\s+(?:for|at|to)\s+.+)?$",
          _with_subject(Intent.BY), needs="publish published submit submitted contribute "
          "contributed present presented"),
    _rule(r"^(?P<s>(?!what\b|when\b|who\b|where\b|how\b|which\b|list\b|show\b|all\b|the\b|any\b|"
          r"tell\b|about\b|info\b|details\b|describe\b|explain\b|give\b|find\b|search\b)(?![^']*"
          r"\b(?:about|of|on)\b)[\w.' -]+?)(?:'s|s')?\s*(?:[:\u2014-]\s*)?(?:papers?|paper\(s\)|"
          r"publication"
          r"s?|"
          r"contributions?|submissions?|works?|(?:co-?)?author(?:ed)? on anything|et al)(?:\s+(?:at"
          r"|for|"
          r"in)"
          r"\s+.+)?$", _with_subject(Intent.BY),
          needs="paper papers publication publications contribution contributions submission "
          "submissions work works anything al s"),
    _rule(r"^(?:(?:can|could)\s+(?:someone|you)\s+(?:point me to|list|show me)\s+|list\s+|show\s+me"
          r"\s+)?"
          r"(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:papers?|work|publications?)\s+(?:that\s+)?(?P<s>.+?)"
          r"\s+"
          r"(?:is|was|are)\s+(?:listed on|on|an author of|a co-?author of)$",
          _with_subject(Intent.BY), needs="papers paper work publications"),
    _rule(r"^(?:i'?d like to see|show me|list|give me|see)\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:wor"
          r"k|"
          r"papers?|posters?|publications?)\s+(?:that\s+)?(?P<s>.+?)\s+(?:contributed|authored|wrot"
          r"e|"
          r"co-?authored|did|submitted|published|presented)(?:\s+(?:to|for|at)\s+.+)?$",
          _with_subject(Intent.BY), needs="authored wrote coauthored contributed did submitted "
          "published presented"),
    _rule(r"^(?:which|what)\s+(?:other\s+)?(?:papers?|posters?|works?)\s+(?:is|are|was)\s+"
          r"(?P<s>.+?)\s+(?:on|an author of|a co-?author of|listed on|in)$|^(?:which|what)\s+"
          r"(?:other\s+)?(?:papers?|posters?|works?)\s+(?P<s2>.+?)\s+(?:(?:is|are|was)\s+(?:on|an "
          r"author of|listed on)|authored|wrote|co-?authored|submitted|presented|published)"
          r"$", lambda m, o: Request(Intent.BY, _tidy(
              _subject(m, o) or _subject(m, o, "s2"))), needs="papers paper posters poster works "
          "work"),
    _rule(r"^(?:a\s+)?list of (?:the\s+)?(?:work|papers?|publications?|posters?)\s+(?:by|from|of)"
          r"\s+"
          r"(?P<s>.+)$", _with_subject(Intent.BY), needs="list"),
    # "lucia fernandez talk topic", "kraska talk title", "michael carbin's talk?"
    _rule(r"^(?P<s>(?!what\b|when\b|who\b|where\b|how\b|which\b|the\b|next\b|first\b|last\b)"
          r"[\w.' -]+?)(?:'s|s')?\s+(?P<k>talk|keynote|presentation|paper|poster|session|lecture)"
          r"\s+(?:topic|title|subject|about|abstract|summary)$",
          lambda m, o: Request(Intent.ABOUT, f"{_subject(m, o)}'s {m['k']}"),
          needs="topic title subject about abstract summary"),
    _rule(r"^(?P<s>(?!what\b|when\b|who\b|where\b|how\b|which\b|the\b|next\b|first\b|last\b|my\b|"
          r"your\b|our\b|this\b|that\b)[\w.'-]+(?:\s+[\w.'-]+){0,2}?)(?:'s|s')\s+(?P<k>talk|keynote"
          r"|"
          r"presentation|"
          r"poster|lecture)$", lambda m, o: Request(Intent.WHEN, f"{_subject(m, o)}'s {m['k']}"),
          needs="talk keynote presentation poster lecture"),
    _rule(r"^(?P<s>(?!what\b|when\b|who\b)[\w.' -]+?)\s+(?:presenting|talking about|speaking "
          r"about|speaking on)\s+what$|^what\s+(?P<s2>(?!is\b|are\b)[\w.' -]+?)\s+(?:is|are|will be"
          r")\s+"
          r"(?:talking|speaking|presenting)(?:\s+(?:about|on))?$",
          lambda m, o: Request(Intent.PERSON, _tidy(_subject(m, o) or _subject(m, o, "s2"))),
          needs="presenting talking speaking"),
    _rule(r"^(?:does|will|did)\s+(?P<s>.+?)\s+(?:have|present|show)\s+(?:a|any)\s+(?P<k>posters?|"
          r"papers?|talks?)$", lambda m, o: Request(
              Intent.BY if m["k"].startswith(("poster", "paper")) else Intent.WHEN,
              _tidy(_subject(m, o))), needs="poster posters paper papers talk talks"),
    _rule(r"^(?:stuff|something|work|things)\s+(?:by|from)\s+(?P<s>.+)$",
          _with_subject(Intent.BY), needs="by from"),
    # -- who a person is: "kwame asante bio", "vogelsang affiliation pls", "which company is
    #    Benoit Steiner with", "what role does Ceze have", "who exactly is X"
    _rule(r"^(?P<s>(?!what\b|when\b|who\b|where\b|how\b|which\b)[\w.' -]+?)(?:'s|s')?\s*(?:[:\u2014"
          r"-]"
          r"\s*)?(?:bio|biography|background|affiliation|institution|role|job|position)(?:\s+(?:pls"
          r"|"
          r"please|at the \w+|at this \w+|here))?$", _with_subject(Intent.PERSON),
          needs="bio biography background affiliation institution role job position"),
    _rule(r"^(?:(?:what(?:'s| is)|tell me|give me)\s+)?(?:the\s+|some\s+|a\s+)?(?:bio|biography|"
          r"background|affiliation|"
          r"role)\s+(?:of|for|on)\s+(?P<s>.+)$", _with_subject(Intent.PERSON),
          needs="bio biography background affiliation role"),
    _rule(r"^what\s+(?P<s>(?!is\b|are\b|do\b|does\b|time\b|day\b)[\w.' -]+?)\s+(?:does|is doing|do)"
          r"(?:\s+here|\s+at .+)?$", _with_subject(Intent.PERSON), needs="does doing do"),
    _rule(r"^(?:which|what)\s+(?:company|university|institution|lab|organi[sz]ation|school|org)"
          r"(?:\s+or\s+(?:company|university|institution|lab|organi[sz]ation|school))?\s+"
          r"(?:is|are|does)\s+(?P<s>.+?)\s+(?:from|with|at|in|work for|working for|work at)$",
          _with_subject(Intent.PERSON), needs="company university institution lab organization "
          "organisation school org"),
    _rule(r"^what\s+(?:role|part)\s+(?:does|do|will|is)\s+(?P<s>.+?)\s+(?:have|play|playing|take)"
          r"(?:\s+(?:at|in)\s+.+)?$", _with_subject(Intent.PERSON), needs="role part"),
    _rule(r"^who\s+(?:exactly\s+|really\s+)?(?:is|are|r)\s+(?P<s>(?!\d|speaking\b|on\b|talking\b|"
          r"presenting\b|up\b|next\b|giving\b|first\b|last\b|in\b|at\b|around\b|there\b|here\b|"
          r"live\b|running\b|doing\b|behind\b|the\b|a\b|an\b|this\b|that\b|it\b|they\b|we\b|you\b|"
          r"chairing\b|moderating\b|hosting\b|organi[sz]ing\b|after\b|before\b|from\b).+)$|^who\s+"
          r"(?P<s2>(?!is\b|are\b)[\w.' -]+?)\s+(?:is|are|was)"
          r"$", lambda m, o: Request(Intent.PERSON, _tidy(
              _subject(m, o) or _subject(m, o, "s2"))), needs="who"),
    _rule(r"^(?:(?:tell|give)\s+me\s+)?(?:a bit|a little|something|some background|more)\s+about\s+"
          r"(?P<s>.+)$", _with_subject(Intent.ABOUT), needs="bit little something background "
          "more"),
    _rule(r"^(?:is|does|will)\s+(?P<s>.+?)\s+(?:presenting|giving|doing|have|speaking|talking)\s+"
          r"(?:anything|a talk|any talks?|something)(?:\s+(?:at|in)\s+.+)?$",
          _with_subject(Intent.WHEN), needs="anything talk talks something"),
    _rule(r"^is\s+(?P<s>.+?)\s+on\s+the\s+(?P<k>panel|program(?:me)?|schedule)$",
          _with_subject(Intent.PERSON), needs="panel program programme schedule"),
    # -- a topic: "which sessions cover reinforcement learning", "storage engines talks",
    #    "i'm interested in databases, what should I see", "topic: compaction"
    _rule(r"^(?:which|what|any|are there)\s+(?:talks?|sessions?|papers?|posters?|items?)\s+(?:cover"
          r"|"
          r"covers|deal with|deals with|dealing with|touch on|touches on|touching on|discuss|"
          r"discussing|covering|address|are about|is about|are "
          r"relevant to|focus on|involve|mention)\s+(?P<s>.+)$", _with_subject(Intent.SEARCH),
          needs="cover covers deal deals touch touches discuss address about relevant focus "
          "involve mention touching dealing discussing covering"),
    _rule(r"^(?:i'?m|i am|we'?re)\s+(?:interested in|into|curious about|working on|looking for)\s+"
          r"(?P<s>[^,]+?)(?:,.*)?$|^i\s+(?:work|research)\s+on\s+(?P<s2>[^,]+?)(?:,.*)?$",
          lambda m, o: Request(Intent.SEARCH, _tidy(_subject(m, o) or _subject(m, o, "s2"))),
          needs="interested into curious working looking work research"),
    _rule(r"^(?:looking for|searching for|seeking)\s+(?:anything|something|talks?|papers?|session"
          r"s?)"
          r"?\s*(?:on|about|covering|related to)?\s+(?P<s>.+)$", _with_subject(Intent.SEARCH),
          needs="looking searching seeking"),
    _rule(r"^(?:(?:can|could)\s+(?:someone|you|anyone)\s+)?(?:recommend|suggest|point me to)\s+"
          r"(?:some\s+|any\s+)?(?:talks?|sessions?|papers?)\s+(?:on|about|for|covering)\s+(?P<s>.+)"
          r"$",
          _with_subject(Intent.SEARCH), needs="recommend suggest point"),
    _rule(r"^(?:topic|subject|theme)s?\s*:\s*(?P<s>.+)$|^(?:is\s+)?(?:anything|something|stuff|cont"
          r"ent)"
          r"\s+(?:covering|involving|touching on|for (?:a person|someone) who cares about|on|about)"
          r"\s+"
          r"(?P<s2>.+)$", lambda m, o: Request(Intent.SEARCH, _tidy(
              _subject(m, o) or _subject(m, o, "s2"))),
          needs="topic topics subject theme anything something stuff content"),
    _rule(r"^(?P<s>(?!what\b|when\b|who\b|where\b|how\b|which\b|list\b|show\b|all\b|the\b|next\b|"
          r"any\b|first\b|last\b)[\w.' +-]+?)\s+(?:stuff|talks|sessions|topics|things)(?:\s+(?:pls|"
          r"please))?$", _with_subject(Intent.SEARCH), needs="stuff talks sessions topics things"),
    _rule(r"^(?:any\s+)?(?:topics?|themes?|content|material)\s+(?:on|about|around)\s+(?P<s>.+)$",
          _with_subject(Intent.SEARCH), needs="topic topics theme themes content material"),
    _rule(r"^what(?:'s| is)\s+there\s+(?:about|on)\s+(?P<s>.+)$", _with_subject(Intent.SEARCH),
          needs="there"),
    _rule(r"^(?:i'?d like to|i want to|i would like to|i need to|help me|i'?m trying to)\s+(?:find|"
          r"see|get|know about|look for)\s+(?:the\s+|some\s+|any\s+)?(?:talks?|sessions?|papers?|"
          r"anything|something|stuff)?\s*(?:related to|about|on|covering|regarding|in)\s+(?P<s>.+)"
          r"$",
          _with_subject(Intent.SEARCH), needs="find see get know look"),
    _rule(r"^(?:date|dates|the date|the dates|which dates|what dates)$", _workshop("dates"),
          needs="date dates"),
    # -- the event: "the dates of the summit", "are the times in CET?", "is it free?"
    _rule(r"^(?:the\s+)?dates?\s+(?:of|for)\s+(?P<s>.+)$|^what\s+week\s+is\s+(?P<s2>.+)$|^(?:what|"
          r"when)\s+are\s+(?:the\s+)?(?P<s3>(?!talk|session|paper|keynote|break)[\w&' -]+?)"
          r"(?:'s)?\s+dates$",
          lambda m, o: Request(Intent.WORKSHOP, "dates|" + _tidy(
              _subject(m, o) or _subject(m, o, "s2") or _subject(m, o, "s3"))),
          needs="date dates week"),
    _rule(r"^(?:are|is)\s+(?:the\s+)?(?:times?|schedule|program(?:me)?|agenda)\s+(?:in|shown in|giv"
          r"en "
          r"in|listed in)\s+.+$", _workshop("zone"), needs="times time schedule program programme "
          "agenda"),
    _rule(r"^(?:is|will)\s+(?:it|this|the \w+)\s+(?:be\s+)?(?:a\s+)?(?:hybrid|virtual|online|in[ -]"
          r"person|"
          r"remote)(?:\s+(?:event|only|workshop|conference|summit))?$|^can\s+i\s+(?:still\s+)?(?:at"
          r"tend|"
          r"join)\b.*$",
          _workshop("link:joining"), needs="hybrid virtual online person remote attend"),
    # -- whether someone (on the program or not) is here: "will yann lecun be speaking at ML
    #    for Systems?", "karpathy here?", "ion stoica part of this workshop?", "is david
    #    patterson one of the speakers", "joe hellerstein - on the program or no?"
    _rule(rf"^(?:(?:is|will|does|are|did)\s+)?{_NOT_A_NAME}(?!is\b|are\b|will\b|does\b|did\b)"
          r"(?P<s>[\w.'’ -]+?)\s+(?:be\s+)?"
          r"(?:speaking|presenting|talking|giving (?:a )?talks?|attending|coming|there|here|around|"
          r"present(?:ing)? anything|present|part of (?:this|the)\s+\w+|one of the speakers|among "
          r"the speakers|a speaker|on the (?:program(?:me)?|schedule|line-?up|agenda)(?:\s+or\s+"
          r"(?:no|not))?)(?:\s+(?:at|in)\s+[^?]+?)?(?:\s+at all)?(?:\s+(?:this year|today|"
          r"tomorrow))?$",
          _with_subject(Intent.WHEN),
          needs="speaking presenting talking giving attending coming there here around present "
          "part one among speaker program programme schedule lineup line up agenda"),
    # "thomas neumann talk?", "ceze keynote": a person's talk, said without the 's
    _rule(rf"^{_NOT_A_NAME}(?!next\b|first\b|last\b|opening\b|closing\b|keynote\b|invited\b|"
          r"lightning\b|short\b|long\b|my\b|your\b|the\b|a\b|an\b|any\b|no\b|is\b|are\b|was\b|"
          r"were\b|will\b|does\b|did\b|do\b|has\b|have\b|had\b|can\b|could\b|should\b|whose\b|"
          r"which\b|good\b|great\b|nice\b|best\b|favorite\b|favourite\b)(?P<s>[\w.'’-]+(?:\s+"
          r"[\w.'’-]+){0,2}?)\s+(?P<k>talk|keynote|presentation|lecture)$",
          lambda m, o: Request(Intent.WHEN, f"{_subject(m, o)}'s {m['k']}"),
          needs="talk keynote presentation lecture"),
    # -- something the organizers might run: "do they organise a city tour or excursion",
    #    "will you have a hackathon", "job fair or recruiting booths anywhere?"
    _rule(r"^(?:do|does|will|did|are|is)\s+(?:they|you|the organi[sz]ers|we|the organi[sz]ation"
          r")\s+(?:going to\s+)?(?:organi[sz]e|organi[sz]ing|have|having|offer|offering|run|running"
          r"|host|hosting|hold|holding|plan|planning|do|doing|hand out|give out|arrange|arranging)"
          r"\s+(?:a\s+|an\s+|any\s+|some\s+)?(?P<s>[^?]+?)(?:\s+(?:at|in|during|after)\s+[^?]+"
          r")?$",
          lambda m, o: Request(Intent.KIND, _tidy(_subject(m, o))),
          needs="organise organize organising organizing have having offer offering run running "
          "host hosting hold holding plan planning do doing hand give arrange arranging"),
    _rule(r"^(?:any\s+)?(?P<s>(?!one\b|body\b|thing\b)[\w /&'-]+?)\s+(?:anywhere|at all|"
          r"happening at all)$",
          lambda m, o: Request(Intent.KIND, _tidy(_subject(m, o))), needs="anywhere all"),
)


FRAME_INDEX = WordIndex([frame.needs for frame in FRAMES], [frame.guard for frame in FRAMES])


def match_frame(lowered: str, original: str, words: set[str] | None = None) -> Request | None:
    """The request the first frame that fits makes, or None (the older patterns go on)."""
    for position in FRAME_INDEX.candidates(words_of(lowered) if words is None else words,
                                           lowered):
        frame = FRAMES[position]
        match = frame.pattern.search(lowered)
        if match is None:
            continue
        request = frame.build(match, original)
        if request is not None:
            return request
    return None
