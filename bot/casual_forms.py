"""Chat spelling turned into the words the question grammar knows: "wots on atm" reads
as "what's on at the moment", "who r u" as "who are you", "whos up nxt" as "who's up
next". Only whole words are rewritten, and only forms that mean one thing in a question
about a program; names and titles are left alone (they go to the fuzzy index).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

_DAY_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}

# One word (as typed, lowercase) -> what it stands for.
WORDS: dict[str, str] = {
    "wots": "what's", "wot's": "what's", "wats": "what's", "wat's": "what's",
    "wuts": "what's", "wut's": "what's", "whats": "what's", "whts": "what's",
    "wassup": "what's up", "sup": "what's up", "whatsup": "what's up",
    "wot": "what", "wat": "what", "wut": "what", "wht": "what", "wha": "what",
    "whos": "who's", "hoo": "who", "wen": "when", "whens": "when's", "wn": "when",
    "wheres": "where's", "whr": "where", "wher": "where", "hows": "how's",
    "whose": "who's", "hw": "how", "hwo": "how", "howlong": "how long",
    "keynoting": "giving the keynote", "lng": "long", "lnch": "lunch", "brk": "break",
    "pnl": "panel", "th": "the", "n": "and", "smmt": "summit",
    "wer": "where", "wher's": "where's", "ther": "there", "thr": "there",
    "opener": "first item", "closer": "last item", "sesh": "session", "seshs": "sessions",
    "coauthors": "authors", "coauthor": "author", "wht's": "what's",
    "d1": "day 1", "d2": "day 2", "d3": "day 3", "d4": "day 4", "d5": "day 5",
    "atm": "at the moment", "rn": "right now", "rite": "right", "nao": "now",
    "nw": "now", "rnow": "right now",
    "u": "you", "ya": "you", "yu": "you", "ur": "your", "ure": "you're",
    "2day": "today", "tday": "today", "tdy": "today", "2nite": "tonight",
    "tonite": "tonight", "2moro": "tomorrow", "2morrow": "tomorrow", "tmrw": "tomorrow",
    "tmr": "tomorrow", "tmrow": "tomorrow", "tomoz": "tomorrow", "tomorow": "tomorrow",
    "b4": "before", "bfore": "before", "befor": "before", "aftr": "after",
    "l8r": "later", "nxt": "next", "nex": "next", "neext": "next",
    "sched": "schedule", "skedule": "schedule", "shedule": "schedule",
    "progam": "program", "agneda": "agenda", "agend": "agenda",
    "pls": "", "plz": "", "plox": "", "pleas": "", "please": "",
    "lol": "", "lmao": "", "haha": "", "hehe": "", "thx": "thanks", "ty": "thanks",
    "abt": "about", "bout": "about", "w/": "with", "ppl": "people", "spkr": "speaker",
    "mins": "minutes", "hrs": "hours", "hr": "hour", "min": "minutes",
    "gonna": "going to", "wanna": "want to", "gotta": "got to",
    "dis": "this", "dat": "that", "da": "the", "teh": "the", "hte": "the",
    "whn": "when", "wich": "which", "wich's": "which's", "whch": "which",
    "iz": "is", "izzit": "is it", "isit": "is it", "s'": "is",
    "anythin": "anything", "nething": "anything", "ne1": "anyone",
    "doin": "doing", "eatin": "eating", "talkin": "talking", "presentin": "presenting",
    "paprs": "papers", "papes": "papers", "pappers": "papers", "keynots": "keynotes",
    "tlk": "talk", "tlks": "talks", "preso": "talk", "prez": "talk",
}

# Several words that stand for one question part.
# Several words that stand for one question part, with the words that must be there
# for the pattern to match (so most questions skip most patterns).
PHRASES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str], frozenset[str]],
              ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement, frozenset(needs.split()))
    for pattern, replacement, needs in (
        (r"\bat (?:da|the) mo(?:ment|mo)?\b", "at the moment", "mo momo"),
        # every other way of saying "now" reads as the one the grammar knows
        (r"\b(?:at (?:this|the) (?:very )?(?:moment|minute|instant)|at this (?:point|time)|"
         r"at present|presently|as (?:we|i) speak|as of now|in progress|this (?:very )?"
         r"(?:moment|minute|instant))\b", "at the moment",
         "moment minute instant point present presently speak progress"),
        # "r" is "are" before what a question puts after it ("r there posters", "who r
        # u"), and left alone elsewhere (a talk about R)
        (r"\br (?=(?:u|you|there|they|the|we|any|all|these|those)\b)", "are ", "r"),
        (r"\b(?:rite|right) (?:now|nao|nw)\b", "right now", "rite nao nw"),
        (r"\bwhat(?:'s| is) (?:going on|goin on|goin' on|happenin'?)\b", "what's happening",
         "going goin happenin"),
        (r"\bday (?:one|two|three|four|five)\b",
         lambda m: "day " + str(_DAY_NUMBERS[m.group(0).split()[1].casefold()]),
         "one two three four five"),
        (r"\bgoin'?\b", "going", "goin goin'"),
        (r"\bhappenin'?\b", "happening", "happenin happenin'"),
        (r"\bcomin'?\b", "coming", "comin comin'"),
        (r"\bspeakin'?\b", "speaking", "speakin speakin'"),
        (r"\btalkin'?\b", "talking", "talkin talkin'"),
        (r"\bwhat\s+s\b", "what's", "s"),  # "what s on" after an apostrophe was lost
        (r"\bwho\s+s\b", "who's", "s"),
        (r"\bhow (long|much time)'s\b", r"how \1 is", "long's time's"),
        # "I'd love a list of just the talks": a list; "I'd like to know when …": the question
        (r"^(?:i'?d (?:love|like)|i would (?:love|like)|i want|i need|can i (?:get|have|see)|"
         r"could i (?:get|have|see)|give me|show me|send me|(?:do )?(?:you|u) (?:got|have))\s+"
         r"(?:a |the )?(?:full |complete |"
         r"quick )?list of\s+(?:just |only |all )?", "list ", "list"),
        (r"^(?:i'?d (?:love|like)|i would (?:love|like)|i want|i need)\s+to\s+(?:know|find out|"
         r"check|see)\s+(?=(?:when|what|who|where|how|if|which|whether)\b)", "",
         "know find check see"),
        # "tomorrow's lunch" is the lunch tomorrow: the day goes last, where scopes are read
        (r"^(?P<a>.*?)\b(?P<d>tomorrow|today|tonight|monday|tuesday|wednesday|thursday|friday|"
         r"saturday|sunday)'s\s+(?P<b>.+)$", r"\g<a>\g<b> \g<d>",
         "tomorrow's today's tonight's monday's tuesday's wednesday's thursday's friday's "
         "saturday's sunday's"),
        (r"\bco-authors?\b", lambda m: m.group(0)[3:], "co"),  # co-authors are authors
        (r"\btl;?\s?dr\b", "summary", "tl tldr"),  # "tl;dr of the SQLancer++ poster"
        (r"^who dis\b", "who is", "dis"),  # "who dis 10:45"
        # "(tell me) whether there will be a panel": the yes-or-no question itself
        (r"^(?:whether|if)\s+there\s+(?:is|are|will be|'s)\s+", "is there ", "whether if"),
        (r"^(?:do|does|will)\s+they\s+(?:serve|have|offer|provide)\s+", "is there ",
         "serve have offer provide"),
        (r"(?<=\s)s(?=\s)", "is", "s"),  # "hw lng s th lnch brk" (not "paper(s)")
        # "the monday lunch break", "tomorrow keynote": the day goes last here too
        (r"^(?P<a>.*?)\b(?P<d>tomorrow|today|tonight|monday|tuesday|wednesday|thursday|friday|"
         r"saturday|sunday)\s+(?P<b>(?:lunch|keynotes?|talks?|sessions?|panels?|posters?|"
         r"poster sessions?|coffee|breaks?|schedule|agenda|program|programme|reception|dinner|"
         r"social|party|tutorials?|workshops?|opening|closing)\b.*)$", r"\g<a>\g<b> \g<d>",
         "tomorrow today tonight monday tuesday wednesday thursday friday saturday sunday"),
        # clock times as people write them: "13h", "13h30", "at 1500", "half 3" (British)
        # (two-digit hours only, or with minutes: "remind me 1h" is a length)
        (r"\b(?:(?P<h>1\d|2[0-3])h(?P<m>[0-5]\d)?|(?P<h1>\d)h(?P<m1>[0-5]\d))\b",
         lambda m: f"{m['h'] or m['h1']}:{m['m'] or m['m1'] or '00'}", "<h>"),
        (r"\b(?P<p>at|from|to|until|till|around|by|after|before)\s+(?P<h>[01]\d|2[0-3])"
         r"(?P<m>[0-5]\d)\b", lambda m: f"{m['p']} {int(m['h'])}:{m['m']}",
         "at from to until till around by after before"),
        (r"\bhalf (?P<h>[1-9]|1[0-2])\b(?! (?:an? )?hours?)", lambda m: f"{m['h']}:30", "half"),
        # "at which hour", "what hour": what time
        (r"\b(?:at )?(?:which|what) hour\b", "what time", "hour"),
        # "could you remind me", "can u tell me": the request is what follows
        (r"^(?:could|can|would|will) (?:you|u|ya) (?:please |pls |plz )?(?=(?:remind|tell|show|"
         r"list|give|find|search|send|let|ping|set)\b)", "", "could can would will"),
        # "u know when …", "do you know who …": the question is what follows
        (r"^(?:(?:do |d'|does anyone |anyone )?(?:you |u |ya )?know|(?:(?:can|could|would|will) "
         r"(?:you|u|ya|someone|somebody|anyone|anybody) )?(?:please |pls |plz )?tell (?:me|us)|"
         r"any idea|i (?:was )?wonder(?:ing)?|i'?m wondering|i'd like to know)\s+(?=(?:"
         r"when|what|who|where|how|if|which|whether|at what|from what|until when|the|about)\b)",
         "",
         "know tell idea wonder wondering"),
    ))

HOURS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_HOUR = r"(?P<h>\d{1,2}|" + "|".join(HOURS) + r")"
SPOKEN_TIMES: tuple[tuple[re.Pattern[str], str, frozenset[str]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), template, frozenset(needs.split()))
    for pattern, template, needs in (
        (rf"\bhalf (?:past|after) {_HOUR}\b", "{h}:30", "half"),
        (rf"\b(?:a )?quarter (?:past|after) {_HOUR}\b", "{h}:15", "quarter"),
        (rf"\b(?:a )?quarter (?:to|before|til) {_HOUR}\b", "{h-1}:45", "quarter"),
        (rf"\b{_HOUR} o'?clock\b", "{h}:00", "o'clock oclock"),
        (rf"\b{_HOUR} thirty\b", "{h}:30", "thirty"),
        (rf"\b{_HOUR} fifteen\b", "{h}:15", "fifteen"),
        (rf"\b{_HOUR} forty[- ]five\b", "{h}:45", "forty forty-five"),
        (r"\b(?P<h>" + "|".join(HOURS) + r")\s*(?P<ap>am|pm)\b", "{h}{ap}",
         " ".join(f"{w}am {w}pm am pm" for w in HOURS)),
    ))


def _spoken_time(pattern: re.Pattern[str], template: str, text: str) -> str:
    """ "half past ten" -> "10:30", "quarter to 11" -> "10:45", "three pm" -> "3pm"."""
    def clock(match: re.Match[str]) -> str:
        word = match["h"].casefold()
        hour = HOURS.get(word) or int(word)
        if "{h-1}" in template:
            return f"{(hour - 2) % 12 + 1}:45"
        ap = match.groupdict().get("ap") or ""
        return template.replace("{h}", str(hour)).replace("{ap}", ap)
    return pattern.sub(clock, text)


_WORD = re.compile(r"[\w/']+")
# A chat word standing on its own, as a word of the sentence: not a piece of "%n", "\\n",
# "$u" or "a+b", which are echoed back as typed ("Nothing matches “%n”", not "%and").
_SPOKEN_WORD = re.compile(r"(?<![^\s(\"',])[\w/']+(?![^\s?!.,;:)\"'])")
_HOURS_H = re.compile(r"\d[hH]\b|\d[hH]\d")  # "13h", "13h30": the trigger of a rewrite


# Every word that starts a rewrite: a question with none of them is left as it is.
TRIGGERS = frozenset().union(*(needs for _, _, needs in PHRASES + SPOKEN_TIMES), WORDS, {"<h>"})


def _by_word(rules: tuple[tuple[object, object, frozenset[str]], ...]
             ) -> dict[str, tuple[int, ...]]:
    """Which rules (by position) each trigger word starts."""
    found: dict[str, list[int]] = {}
    for position, (_, _, needs) in enumerate(rules):
        for word in needs:
            found.setdefault(word, []).append(position)
    return {word: tuple(positions) for word, positions in found.items()}


PHRASES_BY_WORD = _by_word(PHRASES)
SPOKEN_BY_WORD = _by_word(SPOKEN_TIMES)


def _started(by_word: dict[str, tuple[int, ...]], words: set[str]) -> list[int]:
    """The rules ``words`` start, in their order (most messages start none or one)."""
    found: set[int] = set()
    for word in words:
        found.update(by_word.get(word, ()))
    return sorted(found)


@functools.lru_cache(maxsize=16384)
def plain_chat(text: str) -> str:
    """``text`` (single-spaced) with chat spellings expanded; other words keep their case,
    so a name typed "Ceze" stays "Ceze"."""
    words = set(_WORD.findall(text.casefold()))
    if _HOURS_H.search(text):
        words.add("<h>")
    if words.isdisjoint(TRIGGERS):
        return text
    words.intersection_update(TRIGGERS)
    for position in _started(PHRASES_BY_WORD, words):
        pattern, replacement, _ = PHRASES[position]
        if pattern.search(text):
            text = pattern.sub(replacement, text)
    for position in _started(SPOKEN_BY_WORD, words):
        pattern, template, _ = SPOKEN_TIMES[position]
        if pattern.search(text):
            text = _spoken_time(pattern, template, text)
    if words.isdisjoint(WORDS):
        return text

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        return WORDS.get(token.casefold(), token)

    return " ".join(_SPOKEN_WORD.sub(word, text).split())
