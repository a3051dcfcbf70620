"""Understanding what a message asks: commands ("/when kraska") and plain sentences
("when does kraska speak?") both become a :class:`Request` with an intent and its
argument. Patterns are tried in a fixed order, most specific first; anything left over
is kept whole so the router can still try it as the name of a talk or a person.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable

from bot.casual_forms import plain_chat
from bot.cheap_patterns import Ending, start_guard
from bot.dates_said import DATE_WORDS, MONTHS, find_date, said_as
from bot.frames import POSSESSIVE_TALK, TIME_OF_DAY, WordIndex, match_frame, words_of
from bot.kind_words import kind_named
from bot.request import Intent, Request
from bot.timezones import place_zone

__all__ = ["Intent", "Request", "clean_subject", "from_command", "normalize_text", "parse"]


# Command words, as typed after "/" or alone ("next", "/when kraska").
COMMANDS: dict[str, Intent] = {
    "now": Intent.NOW,
    "next": Intent.NEXT,
    "agenda": Intent.AGENDA,
    "agenda-ics": Intent.AGENDA_ICS,
    "ics": Intent.AGENDA_ICS,
    "schedule": Intent.AGENDA,
    "program": Intent.AGENDA,
    "programme": Intent.AGENDA,
    "timetable": Intent.AGENDA,
    "papers": Intent.PAPERS,
    "when": Intent.WHEN,
    "who": Intent.WHO_AT,
    "whoat": Intent.WHO_AT,
    "at": Intent.WHO_AT,
    "about": Intent.ABOUT,
    "info": Intent.ABOUT,
    "person": Intent.PERSON,
    "whois": Intent.PERSON,
    "by": Intent.BY,
    "author": Intent.BY,
    "search": Intent.SEARCH,
    "find": Intent.SEARCH,
    "ask": Intent.QA_ASK,
    "qa": Intent.QA,
    "upvote": Intent.QA,  # the Upvote button: "upvote 12"
    "unvote": Intent.QA,
    "remind": Intent.REMIND,
    "reminders": Intent.REMIND_LIST,
    "tz": Intent.TIMEZONE,
    "timezone": Intent.TIMEZONE,
    "help": Intent.HELP,
    "commands": Intent.HELP,
    "start": Intent.HELP,
}

TIME = TIME_OF_DAY
WHO_AT_TAIL = re.compile(rf"^(?:at|around|@)?\s*{TIME}$")

# (intent, pattern): the first pattern that matches decides. ``x`` is the argument.
PATTERNS: list[tuple[Intent, re.Pattern[str]]] = [
    (Intent.HELP, re.compile(r"^(?:help|\?+|commands|usage|what can you do|how does this work"
                             r"|what do you do|how do i use (?:you|this)|menu)\b")),
    (Intent.THANKS,
     re.compile(r"^(?:thanks|thank you|thx|ty|cheers|great|cool|ok|okay)\b.{0,20}$")),
    (Intent.GREETING, re.compile(r"^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)"
                                 r"|howdy|greetings)\b.{0,20}$")),
    (Intent.TIMEZONE, re.compile(
        r"^(?:set (?:my )?|change (?:my )?|use )?(?:tz|timezone|time ?zone)"
        r"(?:\s+(?:to|is|=|:))?(?:\s+(?P<x>.+))?$")),
    (Intent.TIMEZONE, re.compile(r"^my (?:tz|timezone|time ?zone) is\s+(?P<x>.+)$")),
    (Intent.TIMEZONE, re.compile(r"^(?:i'?m|i am) in\s+(?P<x>[\w/+-]+(?:[ _][\w/+-]+)?)$")),
    (Intent.TIMEZONE, re.compile(r"^(?:what(?:'s| is)|show) my (?:tz|timezone|time ?zone)$")),
    (Intent.QA_ASK, re.compile(
        r"^(?:ask|question (?:for|about|on))\s+(?P<x>.+)$")),
    (Intent.QA, re.compile(r"^qa(?:\s+(?P<x>.+))?$")),
    (Intent.REMIND_LIST, re.compile(
        r"^(?:remind(?:ers?)? list|list (?:my )?reminders|(?:show |what are )?my reminders"
        r"|reminders)$")),
    (Intent.REMIND_CANCEL, re.compile(
        r"^(?:remind(?:ers?)? cancel|cancel (?:all )?(?:my )?reminders?"
        r"(?: (?:for|about|of|to))?|unremind|stop reminding me(?: (?:about|of|for))?"
        r"|don'?t remind me(?: (?:about|of))?)(?:\s+(?P<x>.+))?$")),
    (Intent.REMIND, re.compile(
        r"^(?:remind(?: me)?|set (?:a |me a )?reminder|ping me|notify me|alert me|"
        r"give me a (?:shout|ping|heads up)|let me know)(?: (?:about|of|for|before|when|"
        r"to go to|to see))?(?:\s+(?P<x>.+))?$")),
    # "agenda feed", "my calendar feed", "reset my feed": the whole text is read by
    # calendar_scope (a feed, or a new one); before the frames, which would take "what is
    # my calendar feed" for a question about a session.
    (Intent.AGENDA_ICS, re.compile(
        r"^(?P<x>(?:(?:give|send|show|get)(?: me)? |what(?:'s| is) |where(?:'s| is) "
        r"|(?:can|could) i (?:have|get) |i want |i need )?(?:a new |my new |new |my |the |a )?"
        r"(?:own |personal |private )?(?:(?:agenda|calendar|ics|ical|icalendar|reminders?"
        r"|schedule) )?(?:ics |ical )?feeds?(?: (?:link|url|address))?(?: reset| renew)?"
        r"|(?:reset|renew|regenerate|revoke|rotate|replace|kill) (?:my |the )?(?:(?:agenda"
        r"|calendar|ics|ical|personal|private) )*feeds?(?: (?:link|url|address))?"
        r"|subscribe(?: me)? to (?:my |the )?(?:(?:whole|full) )?(?:agenda|calendar|reminders"
        r"|sessions|schedule|program(?:me)?)(?: in my calendar(?: app)?)?"
        r"|(?:my |the )?(?:agenda |calendar )?subscription(?: (?:link|url|address))?)$")),
    # -- the question frames (bot.frames) are tried here, before the patterns below
    (Intent.WHO_AT, re.compile(
        r"^(?:who(?:'s| is| will be)?|what(?:'s| is| will be)?|whats)\b.*?\b(?:at|around)\s+"
        + TIME + "$")),
    (Intent.AGENDA, re.compile(  # "what's on in Saal 1", "what's on the security track"
        r"^(?:what(?:'s| is)|whats)\s+(?:on|happening|going on|scheduled)\s+(?:(?:in|at)\s+"
        r"(?!\d|the moment\b|now\b)|(?:(?:in|on|at)\s+)?the\s+\S.*\b(?:track|room|stage|hall)"
        r"\b)")),
    (Intent.NOW, re.compile(
        r"^(?:what(?:'s| is)|whats|who(?:'s| is))\s+(?:on|happening|going on|running|live|"
        r"speaking|talking|presenting|up)(?:\s+(?:right\s+)?now)?$")),
    (Intent.NOW, re.compile(r"\b(?:right now|on now|happening now|currently|at the moment)\b")),
    (Intent.NOW, re.compile(r"^(?:current|now)(?:\s+(?:talk|session|speaker))?$|^what(?:'s| is) "
                            r"now$|^now,? (?:what(?:'s| is)|who(?:'s| is)) (?:on|happening|"
                            r"going on|speaking)$")),
    (Intent.NEXT, re.compile(r"\b(?:next|up next|coming up)\b")),
    (Intent.BY, re.compile(
        r"^(?:(?:show |list |all |any |are there any |me )*(?:the )?(?:papers?|posters?|work|"
        r"contributions?|submissions?|"
        r"publications?)\s+(?:by|from|of|with|written by|authored by)|anything (?:by|from)|by|"
        r"authored by)\s+(?P<x>.+)$")),
    (Intent.BY,
     re.compile(r"^what (?:papers? )?(?:did|has|have|does) (?P<x>.+?) (?:write|written|publish|"
                r"published|author|authored)$")),
    (Intent.SEARCH, re.compile(r"^(?:search|find|look ?up|lookup|grep)(?:\s+for)?\s+(?P<x>.+)$")),
    (Intent.SEARCH, re.compile(
        r"^(?:is|are|does|do|will)\s+(?:anyone|anybody|someone|somebody|people|any(?:one)? of "
        r"the speakers)\s+(?:be\s+)?(?:talking|speaking|presenting|talk|speak|present|"
        r"working)\s+(?:about|on|regarding)\s+(?P<x>.+)$")),
    (Intent.SEARCH, re.compile(
        r"^(?:(?:are there|is there|any|anything|show me|list|(?:do )?(?:you|u) (?:got|have)|"
        r"got)\s+)?(?:the\s+|any\s+)?"
        r"(?:papers?|talks?|sessions?|posters?|anything|something|work)\s+"
        r"(?:about|on|regarding|related to|mentioning|with)\s+(?P<x>.+)$")),
    (Intent.AGENDA_ICS, re.compile(
        r"^(?:(?:give me |send me |export |download )?(?:my |the )?(?:agenda|schedule|program"
        r"|programme|reminders|calendar)\s+(?:as\s+)?(?:an?\s+)?(?:ics|ical|icalendar"
        r"|calendar(?: file)?)|ics|ical|calendar file|export (?:my )?(?:agenda|reminders"
        r"|calendar))(?:\s+(?P<x>all|everything|full|whole(?: program)?))?$")),
    (Intent.PAPERS, re.compile(r"^(?:(?:list|show|give|send)(?: me| us)?(?: all| every)?"
                               r"(?: the)?(?: (?:full |whole |complete )?list of)?(?: all)?"
                               r"(?: the)? )?(?:all )?(?:accepted )?(?:papers|posters)$")),
    (Intent.AGENDA, re.compile(
        r"\b(?:agenda|schedule|program(?:me)?|timetable|line-?up|"
        r"what(?:'s| is) (?:on|happening) (?:today|tonight|tomorrow))\b")),
    (Intent.PERSON, re.compile(r"^(?:who(?:'s| is)|whois)\s+(?P<x>.+)$")),
    (Intent.PERSON, re.compile(  # "priya wat is she doing": the name first
        r"^(?P<x>(?!what\b|who\b|when\b|where\b)[\w.' -]+?),? what(?:'s| is| are) (?:she|he|they) "
        r"(?:doing|presenting|up to|giving|talking about|speaking about|speaking on|"
        r"involved in)$")),
    (Intent.BY, re.compile(
        r"^(?:which|what) papers? (?:has|have|does|did|do) (?P<x>.+?) (?:got|get|have|written|"
        r"write|authored|author|published|publish|presented|present)$")),
    (Intent.PERSON, re.compile(
        r"^what(?:'s| is| does| will| has) (?P<x>.+?) (?:doing|do|presenting|present|up to|"
        r"involved in|involved with|part of|working on|"
        r"got|speaking (?:on|about)|talking (?:on|about)|giving|on about|talking|speaking)"
        r"(?: at the workshop| at this event| at the event| here| today| tomorrow)?$")),
    (Intent.PERSON, re.compile(r"^(?:everything|all)\s+(?:about|by|from|of|for)\s+(?P<x>.+)$")),
    (Intent.WHEN, re.compile(
        r"^(?:when|what time|at what time|what (?:day|date)(?: and time)?|which day)"
        r"(?:\s+(?:is|are|does|do|will|was|did|'s|s|'re|can i see)|'s|'re)?\s+(?P<x>.+)$")),
    (Intent.ABOUT, re.compile(
        r"^(?:tell me (?:more )?about|more about|about|info(?:rmation)?(?: on| about)?|"
        r"details (?:on|of|for|about)|describe|explain|summary of|summari[sz]e|"
        r"what(?:'s| is| are)|whats|show(?: me)?)\s+(?P<x>.+)$")),
]

# Where the question frames are tried: after commands, Q&A and reminders, before the rest.
FRAMES_AT = next(i for i, (intent, _) in enumerate(PATTERNS) if intent is Intent.WHO_AT)
# The words without which each pattern cannot match (one is enough; see bot.frames.Frame).
PATTERN_NEEDS = [frozenset(words.split()) for words in (
    "help commands usage what how menu",
    "thanks thank thx ty cheers great cool ok okay",
    "hi hello hey hiya yo good howdy greetings",
    "tz timezone time",
    "my",
    "i im",
    "my",
    "ask question",
    "qa",
    "remind reminder reminders",
    "remind reminder reminders cancel unremind stop don",
    "remind set ping notify alert give let",
    "feed feeds subscribe subscription",
    "at around",
    "what whats",
    "what whats who",
    "right on happening currently moment",
    "current now",
    "next coming",
    "by from of with written authored anything",
    "what",
    "search find look lookup grep",
    "anyone anybody someone somebody people speakers",
    "about on regarding related mentioning with",
    "ics ical icalendar calendar export",
    "papers posters",
    "agenda schedule program programme timetable lineup line what",
    "who whois",
    "she he they",
    "papers paper",
    "what",
    "everything all",
    "when what at",
    "tell more about info information details describe explain summary summarise summarize "
    "what whats show",
)]
assert len(PATTERN_NEEDS) == len(PATTERNS)
PATTERN_INDEX = WordIndex(PATTERN_NEEDS, [start_guard(pattern) for _, pattern in PATTERNS])

KEEP_PUNCTUATION = frozenset({Intent.QA_ASK, Intent.QA})
# "… in Saal 2", "… on the security track": a room or track a "now" or "next" names.
PLACE = re.compile(r"\b(?:in|at|on)\s+(?!the moment\b|at the moment\b|now\b|right now\b|\d)"
                   r"(?P<x>\S.*?)"
                   r"(?:\s+(?:right\s+)?now)?$", re.IGNORECASE)

# Words that end a WHEN argument without naming anything: "when does kraska *speak*".
WHEN_TAIL_WORDS = (
    "talk", "talking", "speak", "speaking", "present", "presenting", "presentation", "give",
    "giving", "on", "up", "start", "starting", "starts", "begin", "beginning", "begins",
    "happen", "happening", "scheduled", "session", "slot", "paper", "be", "today", "tomorrow",
    "again", "presented", "held", "is", "are", "one", "thing", "about", "shown", "given",
    "taking place", "take place", "planned", "over", "done", "end", "ends", "finish",
    "finishes", "wrap up", "wraps up", "wrap", "close", "closes", "go on", "goes on", "go", "goes",
    "come on", "comes on", "on stage")
WHEN_TAIL = Ending(r"(?:\s+|^)(?:" + "|".join(WHEN_TAIL_WORDS) + r")$", WHEN_TAIL_WORDS)
ORDINALS = ("first", "second", "third", "last", "final", "opening", "closing", "1st", "2nd",
            "3rd", "earliest", "latest", "next")
ORDINAL_END = Ending(r"\b(?:" + "|".join(ORDINALS) + r")$", ORDINALS, flags=re.IGNORECASE)
# "the talk about GPG usability": the topic names it
TOPIC_OF = re.compile(r"^(?:the\s+)?(?:talk|paper|session|presentation|one|poster|keynote|"
                      r"lecture)\s+(?:about|on|regarding|concerning|titled|called)\s+(?=\S)",
                      re.IGNORECASE)
# Words that name nothing on their own: a subject of only these kept its noun.
SUBJECT_FILLER = frozenset({"the", "a", "an", "that", "this", "in", "at", "on", "of", "for",
                            "to", "from", "with", "by", "is", "are"})
# "… in the paper list", "… on the program": where it is looked for, not part of its name
_WHERE_LISTED = re.compile(r"\s+(?:in|on|from)\s+(?:the|this|your)\s+(?:paper list|list|"
                           r"program(?:me)?|schedule|agenda|proceedings|lineup|line-up)$",
                           re.IGNORECASE)
LEADING_ARTICLE = re.compile(r"^(?:the|a|an|that|this)\s+")
POSSESSIVE = re.compile(r"(?:'s|’s|')$")


@functools.lru_cache(maxsize=16384)
def normalize_text(text: str) -> str:
    """Straight quotes, single spaces, no trailing punctuation or leading bot names."""
    if not text.isascii():
        text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = " ".join(text.split())
    if text.endswith((")", "(", "D", "P", "p", "3")):
        text = _EMOTICON_END.sub("", text)  # "thanks :)", "when is lunch :D"
    text = _LEADING_WORDS.sub("", text)
    if _MAY_HAVE_TITLE.search(text):
        text = _TITLES.sub("", text)  # "Prof. Anandkumar": the name, and no sentence break
    text = text.strip().rstrip("?!.,;: ").strip()
    # "… in my time": every answer is in the reader's zone anyway
    return READER_TIME.sub("", text).strip() if READER_TIME.search(text) else text


_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\u2190-\u21FF]+")
_EMOTICON_END = re.compile(r"(?:\s*(?:[:;=8]-?[()dDpP3]|<3|\^\^|xD|XD))+$")
_MAY_HAVE_TITLE = re.compile(r"(?i)prof|dr|mrs?\.|ms\.")
_TITLES = re.compile(r"\b(?:prof(?:essor)?|dr|mrs?|ms)\.\s*(?=\w)|\b(?:prof|professor)\s+"
                     r"(?=[a-z])|\bdr\s+(?-i:(?=[A-Z]))", re.IGNORECASE)  # not "tl;dr of"


TRAILING_ASIDE = re.compile(
    r"(?:\s*[,?.!;]\s*(?:and|with|plus)?|\s+(?:and|with|plus))\s*(?:their|the|its)?\s*(?:times?|"
    r"where|when|rooms?|"
    r"locations?|times? and (?:rooms?|places?)|where (?:and|n|&) when|when (?:and|n|&) where|"
    r"times in my "
    r"(?:zone|time ?zone|time)|in my (?:zone|time ?zone))(?:\s+(?:please|pls|thanks))?$|"
    r"\s+or (?:is it|is that|are we|will it be|is there) (?:free|open|a break|a gap|nothing|"
    r"empty)(?: time)?$|\s+or not$|,?\s+(?:in (?:one|a) (?:sentence|line|word|nutshell)|in short|"
    r"in brief|briefly|(?:from )?start to (?:finish|end)|from beginning to end|all in all|"
    r"first (?:slot|talk|session|item) to last)$|,?\s+(?:thx|thanks|thank you|ty|tia|cheers|"
    r"please|pls|plz)$"
    # why they ask, after a comma: "…, need to plan dinner lol", "…, my advisor sent me the
    # link and i have no idea", "…, trying to book a train"
    r"|,\s+(?:i|i'm|im|i've|my|we|we're|need|needs|trying|just|lol|so|because|cause|cuz|"
    r"since|as|gotta|have to|want to|wanna|asking|planning|booking|for my)\b[^?]*$",
    re.IGNORECASE)


_LEADING_WORDS = re.compile(r"^(?:(?:@?workshop[ -]?bot|bot)[,:]?\s+)?"
                            r"(?:(?:please|pls|plz|hey|hi|hello|hiya|yo|ok|okay|so|um|uh|hmm|"
                            r"well|right|quick (?:one|question|q)|question|q)[,!.:]*\s+(?=\w))*",
                            re.IGNORECASE)
# The place the asker is in, at the end: "… for me in London", "… here in Chicago",
# "… I'm in Sydney" (bot.timezones.place_zone says whether it is a place).
READER_PLACE = re.compile(
    r"(?:,\s*|\s+)(?:(?:for|to)\s+(?:me|us)\s+)?(?:(?:here|over here|out here)\s+)?"
    r"(?:in|for)\s+"
    r"(?P<city>[a-z][a-z.'-]*(?:\s+[a-z][a-z.'-]*){0,2}?)(?:\s+time)?$|"
    r"(?:,\s*|\s+)(?P<named>[a-z][a-z.'-]*(?:\s+[a-z][a-z.'-]*){0,2}?)\s+time$|"
    r"[?.!,]?\s+(?:(?:as\s+)?(?:i'm|i am|im|we're|we are)\s+(?:based\s+)?(?:in|at|from))\s+"
    r"(?P<there>[a-z][a-z.'-]*(?:\s+[a-z][a-z.'-]*){0,2}?)$|"
    r"\s*\((?:i'?m in |in |for me in )?(?P<paren>[a-z][a-z.' -]*?)(?: time)?\)$", re.IGNORECASE)
READER_TIME = Ending(r"(?:(?<=\d)|(?<=[ap]m))\s+(?:my|local|our)\s+time$|"
                     r"\s+(?:in|for)\s+(?:my|our)\s+(?:time|time ?zone|tz)\s+again$|"
                         r"\s+(?:in|for|at)\s+(?:my|local|our)\s+(?:local\s+)?(?:time ?zone|"
                         r"time|tz)$|\s+for me$|\s+(?:in|at) local time$|"
                         r",\s*(?:my|local|our) time$",
                     ("time", "zone", "tz", "for me", "again"), flags=re.IGNORECASE)


def clean_subject(arg: str) -> str:
    """ "Tim Kraska's talk" -> "Tim Kraska"; "the XLA autotuner talk" -> "XLA autotuner"."""
    previous = None
    text = _WHERE_LISTED.sub("", arg.strip().strip("\"'")) or arg.strip()
    while text != previous:
        if (mine := POSSESSIVE_TALK.match(text)) is not None:
            # "Nakamura's talk" keeps "talk": of his talk and his panel, the talk is meant
            return f"{LEADING_ARTICLE.sub('', mine['who'])}'s {mine['k'].casefold()}"
        previous = text
        stripped = WHEN_TAIL.sub("", text).strip()
        # "the third talk" keeps its noun: "the third" names nothing
        text = text if ORDINAL_END.search(stripped) else stripped
        text = TOPIC_OF.sub("", text).strip()
        text = POSSESSIVE.sub("", text).strip()
        text = LEADING_ARTICLE.sub("", text).strip()
    if text.casefold() in ("", "the", "a", "an", "that", "this") or not any(
            w not in SUBJECT_FILLER for w in text.casefold().split()):
        # nothing but the noun was asked about ("when is the keynote?"): keep the noun
        return LEADING_ARTICLE.sub("", arg.strip().strip("\"'")).strip() or arg.strip()
    return text


def from_command(command: str, arg: str = "") -> Request:
    """A command the platform already parsed (a Discord or console slash command)."""
    name = command.strip().lstrip("/!").casefold()
    intent = COMMANDS.get(name, Intent.UNKNOWN)
    if name in ("upvote", "unvote"):
        return Request(Intent.QA, f"{name} {arg.strip()}")
    if intent in KEEP_PUNCTUATION:
        return Request(intent, " ".join(arg.split()))  # a question keeps its question mark
    arg = normalize_text(arg)
    if intent is Intent.WHO_AT:
        match = WHO_AT_TAIL.match(arg.casefold())
        if match is None:
            return Request(Intent.PERSON, clean_subject(arg)) if arg else Request(Intent.NOW)
        return Request(Intent.WHO_AT, match.group("x"))
    if intent is Intent.UNKNOWN:
        return parse(f"{command.strip().lstrip('/!')} {arg}".strip())
    if intent is Intent.REMIND:
        first, _, rest = arg.partition(" ")
        if first.casefold() == "list" or not arg:
            return Request(Intent.REMIND_LIST)
        if first.casefold() == "cancel":
            return Request(Intent.REMIND_CANCEL, rest.strip())
    if intent is Intent.AGENDA:
        first_word = arg.casefold().split(" ", 1)[0]
        if first_word in ("ics", "ical", "calendar"):
            return Request(Intent.AGENDA_ICS, calendar_scope(arg.partition(" ")[2]))
        if first_word in ("feed", "subscribe", "subscription"):  # "/agenda feed reset"
            return Request(Intent.AGENDA_ICS, calendar_scope(arg))
        arg = agenda_scope(arg)
    elif intent is Intent.AGENDA_ICS:
        arg = calendar_scope(arg)
    elif intent in (Intent.WHEN, Intent.ABOUT, Intent.PERSON, Intent.BY):
        arg = clean_subject(arg) if arg else ""
    return Request(intent, arg)


# A day, or a part of one, that ends a question: "is there a keynote tomorrow?".
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                 "sunday")
TRAILING_SCOPE = Ending(
    r"\s+(?:(?:on|for|during|in)\s+)?(?P<scope>today|tomorrow|tonight|(?:this|the)\s+"
    r"(?:morning|afternoon|evening)|(?:in the\s+)?(?:morning|afternoon|evening)|"
    r"(?:on\s+)?(?:the\s+)?(?:first|second|third|last|final) day|day\s*\d{1,2}|"
    r"(?:before|after)\s+(?:the\s+)?(?:lunch(?: break)?|break)|"
    r"(?:(?:tomorrow|today|" + "|".join(WEEKDAY_NAMES)
    + r")(?:\s+(?:morning|afternoon|evening|night))?)|(?:across|over|on)\s+(?:both|all|"
    r"the two|all the) days|" + DATE_WORDS + r")$",
    ("today", "tomorrow", "tonight", "morning", "afternoon", "evening", "night", "day", "days",
     "lunch", "break", *WEEKDAY_NAMES, "st", "nd", "rd", "th", ".", *MONTHS, "sept", "june",
     "july", "march", "april", "august", "october", "november", "december", "january",
     "february", "september"), flags=re.IGNORECASE, digit=True)
# The intents whose answers narrow to such a scope; the others read the words themselves.
SCOPED = frozenset({Intent.KIND, Intent.WHEN, Intent.WHO_AT, Intent.AFTER, Intent.BEFORE,
                    Intent.DURATION, Intent.WHERE, Intent.ABOUT, Intent.PERSON, Intent.COUNT,
                    Intent.RANGE, Intent.UNKNOWN})


@functools.lru_cache(maxsize=8192)
def parse(text: str) -> Request:
    """Free text (a DM, a mention, a console line) into a request (memoised: people ask
    the same few questions all day, and a request is an immutable value). A day or part
    of one at the end ("… tomorrow") becomes the request's scope where the answer narrows
    to it."""
    return _read(text, 0)


# How many times a message is read again in parts (its sentences, the words before a
# place, the question inside chatter): enough for real messages, and bounded, so that
# "what what what …" or "… in london in london …" costs a few readings, not one a word.
MAX_REREADS = 3


def _read(text: str, depth: int) -> Request:
    """:func:`parse` of ``text`` when it is itself a part of a message read ``depth``
    times already: past MAX_REREADS its parts are not read again."""
    if depth >= MAX_REREADS:
        return _parse(text)

    def parse(part: str) -> Request:  # the parts of this message, one reading deeper
        return _read(part, depth + 1)

    cleaned = normalize_text(text)
    if _ASKS_QA.match(cleaned):
        return _parse(text)  # a question for a speaker is theirs, word for word
    if (told := _TELL_AGAIN.match(cleaned)) is not None:
        text = cleaned = cleaned[told.end():]  # "could you remind me when it begins?"
    if "," in cleaned and (said := _SUBJECT_FIRST.match(cleaned)) is not None and (
            pronoun := _PRONOUN.search(said["q"])) is not None:
        # "closing remarks, how long do they go": they are the closing remarks
        question = said["q"]
        found = parse(question[: pronoun.start()] + said["np"] + question[pronoun.end():])
        if found.intent is not Intent.UNKNOWN:
            return found
    if not cleaned.isascii() and _EMOJI.search(cleaned):  # "coffee when ☕", "drinks? 🍻"
        text = cleaned = normalize_text(_EMOJI.sub(" ", cleaned)) or cleaned
    if "," in cleaned or "?" in cleaned or " and " in cleaned or " with " in cleaned or \
            ". " in cleaned or " or " in cleaned or cleaned.endswith(_THANKS_END):
        # "what keynotes are there, and where?": the answer says where and when anyway
        text = cleaned = TRAILING_ASIDE.sub("", cleaned).strip() or cleaned
    place = READER_PLACE.search(cleaned) if " in " in cleaned or " im " in cleaned or \
        cleaned.endswith(")") or \
        "'m " in cleaned or " am " in cleaned or " for " in cleaned or " time" in cleaned \
        else None
    if place is not None and place.start() > 0:
        found = _place_in(cleaned, place)
        if found is not None:
            zone, cut = found
            inner = parse(cleaned[:cut])
            if inner.intent is not Intent.UNKNOWN:
                return dataclasses.replace(inner, zone=zone)  # "… for me in London"
    request = _parse(text)
    if request.intent in _NAMING and _CLAUSE_SUBJECT.match(request.arg):
        request = Request(Intent.UNKNOWN, cleaned)  # "… when i arrive": no subject, a clause
    if " and " in request.arg and (second := _SECOND_QUESTION.search(cleaned)) is not None and (
            first := parse(cleaned[: second.start()])).intent is not Intent.UNKNOWN:
        # "how long does Carbin speak for, and what time does he finish?": the first (its
        # answer has the times), unless the two are the workshop's start and end
        return _start_and_end(first, parse(cleaned[second.start():].strip(" ,")
                                           .removeprefix("and ")))
    if (request.intent is Intent.UNKNOWN or ("?" in cleaned and _QUESTION_INSIDE.search(cleaned))
            or (_may_break(request.arg) and _SENTENCE_BREAK.search(request.arg))) and (
            pieces := _sentences(cleaned)):
        # "what time does it end? trying to plan dinner", "hi! when is the summit - dates?"
        said_zone: Request | None = None
        for piece in pieces:
            found = parse(piece)
            if found.intent is Intent.TIMEZONE and found.arg and said_zone is None:
                said_zone = found  # "… finishing? I am in India": the answer's zone, if asked
                continue
            if found.intent not in (Intent.UNKNOWN, Intent.GREETING, Intent.THANKS, Intent.HELP):
                zone = place_zone(said_zone.arg) if said_zone is not None else None
                return dataclasses.replace(found, zone=zone) if zone and not found.zone else found
        if said_zone is not None:
            return said_zone
    if request.intent is Intent.UNKNOWN and (event := _AT_THE_EVENT.search(cleaned)) and (
            without := parse(cleaned[: event.start()])).intent not in _ANSWERED:
        return without  # "who speaks last on day 1 at the data systems summit"
    if request.intent is Intent.UNKNOWN and depth <= 1 and (
            inside := _question_inside(cleaned, parse)) is not None:
        return inside  # "sorry if dumb question but who is speaking after Anandkumar?"
    if request.intent is Intent.UNKNOWN and (bare := _bare_kind(plain_chat(cleaned))):
        return bare  # "keynotes?", "lunch?", "talks tomorrow?", "hackathon?"
    if (request.intent in SCOPED or request.intent is Intent.WORKSHOP) and not request.scope:
        cleaned = plain_chat(normalize_text(text))  # "tomorrow's lunch" -> "lunch tomorrow"
        found = TRAILING_SCOPE.search(cleaned)
        if found is not None and found.start() > 0:
            narrowed = _parse(cleaned[: found.start()])
            if (narrowed.intent in SCOPED and narrowed.intent is not Intent.UNKNOWN
                    and narrowed.arg.casefold() not in _FILLER_ARGS) or (
                    narrowed.intent is Intent.WORKSHOP  # "when does it start tomorrow"
                    and narrowed.arg.partition("|")[0] in ("start", "end")):
                scope = " ".join(found["scope"].casefold().split())
                scope = re.sub(r"^(?:this|the|in the)\s+", "", scope)
                if not scope.startswith(("before", "after")) or narrowed.intent in (
                        Intent.KIND, Intent.COUNT):  # "what's before lunch" is no scope
                    return Request(narrowed.intent, narrowed.arg, scope)
    return request


# "Could you remind me when …" asks to be told again, not for a reminder.
_TELL_AGAIN = re.compile(r"^(?:(?:could|can|would|will)\s+(?:you|u|someone|anyone|somebody)\s+"
                         r"(?:please\s+|pls\s+)?remind\s+me|remind\s+me\s+again)\s+"
                         r"(?=(?:when|what|where|who|which|how)\b)", re.IGNORECASE)
# A subject said first, then asked about with a pronoun: "closing remarks, how long do they go".
_SUBJECT_FIRST = re.compile(
    r"^(?P<np>(?!(?:what|when|where|who|which|how|is|are|do|does|can|could|will|hi|hey|hello|"
    r"ok|okay|so|and|but|also|thanks|thx|sorry|please|pls|yes|no|wait|btw|hmm|um|oh)\b)"
    r"[^,?!.]{3,60}?),\s*(?P<q>(?:how|when|where|what|who|which|is|are|do|does|will|did)\b"
    r"[^,]*)$", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:they|it|them|those|these)\b", re.IGNORECASE)
# A subject that is a clause ("when I arrive", "when we get there"), not a name.
_CLAUSE_SUBJECT = re.compile(r"^(?:i|we|you|u|they|i'm|we're)\s", re.IGNORECASE)
_NAMING = frozenset({Intent.WHEN, Intent.ABOUT, Intent.PERSON, Intent.DURATION, Intent.WHERE})
# A second question joined to the first: the first is answered (its answer has the times).
_SECOND_QUESTION = re.compile(r",?\s+and\s+(?:what|when|where|who|how|which|is|does|do|will)\b")
_FILLER_ARGS = frozenset({"is", "are", "was", "'s", "s", "it", "the", "be"})  # "when is" + day
_THANKS_END = (" thx", " thanks", " thank you", " ty", " tia", " cheers", " Thanks", " THX",
               " please", " pls", " plz")
_ASKS_QA = re.compile(r"^[/!]?(?:ask|qa|question|upvote|unvote)\b", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"(?<=[?!.])\s+|\s+[-–—]\s+|\s*;\s*")


def _start_and_end(first: Request, then: Request) -> Request:
    """ "when does it kick off and when does it finish?": the workshop's hours, when the
    two questions ask its start and its end; else the first."""
    if first.intent is not Intent.WORKSHOP or then.intent is not Intent.WORKSHOP:
        return first
    aspect, _, named = first.arg.partition("|")
    if aspect != "start" or then.arg.partition("|")[0] != "end":
        return first
    return Request(Intent.WORKSHOP, f"hours|{named}" if named else "hours", first.scope)


def _may_break(text: str) -> bool:
    """Whether ``text`` has a character a sentence break needs (cheaper than the search)."""
    return not _BREAKS.isdisjoint(text)


_BREAKS = frozenset("?!.;-–—")


def _place_in(text: str, place: re.Match[str]) -> tuple[str, int] | None:
    """The zone of the place ``place`` found at the end of ``text``, and where the
    question before it ends; the place may be only the last words of what the pattern
    took ("… kick off east coast time": "east coast")."""
    group = next(g for g in ("city", "there", "named", "paren") if place[g])
    words = place[group].split()
    for size in range(len(words), 0, -1):
        zone = place_zone(" ".join(words[-size:]))
        if zone is not None:
            if size == len(words):
                return zone, place.start()
            end = place.start(group) + len(" ".join(words[:-size]))
            before = re.sub(r"(?:\s+(?:in|for|at|here|me|to))+\s*$", "", text[:end])
            return zone, len(before.rstrip(" ,"))
    return None


def _bare_kind(text: str) -> Request | None:
    """A message that is only a kind of thing, maybe with a day: "keynotes?", "breaks
    today", "any hackathon"."""
    found = TRAILING_SCOPE.search(text)
    words = text[: found.start()] if found is not None and found.start() > 0 else text
    words = re.sub(r"^(?:any|the|a|an|some|all)\s+", "", words.strip(), flags=re.IGNORECASE)
    words = re.sub(r"\s+(?:list|pls|please|plz|thanks|info)$", "", words, flags=re.IGNORECASE)
    if len(words.split()) > 3 or kind_named(words) is None:
        return None
    scope = " ".join(found["scope"].casefold().split()) if found is not None and \
        found.start() > 0 else ""
    return Request(Intent.KIND, words, re.sub(r"^(?:this|the|in the)\s+", "", scope))


_QUESTION_INSIDE = re.compile(r"\?\s+\S")  # "… end? trying to plan dinner"


def _sentences(text: str) -> list[str]:
    """The sentences of a message of several, questions first; [] for one sentence."""
    if not _may_break(text):
        return []
    pieces = [p for p in _SENTENCE_BREAK.split(text) if len(p.split()) >= 2]
    if len(pieces) < 2:
        return []
    ordered = [p for p in pieces if p.rstrip().endswith("?")] + \
        [p for p in pieces if not p.rstrip().endswith("?")]
    return [p.strip(" ?!.,") for p in ordered]


# The event named at the end of a question the rest of which asks it all.
_AT_THE_EVENT = re.compile(r"\s+(?:at|of|in|for|during)\s+(?:the\s+|this\s+)?(?:[\w&'-]+\s+){0,4}?"
                           r"(?:workshop|summit|conference|event|symposium|meeting|congress)$",
                           re.IGNORECASE)
# Where a question can start inside chatter ("… but who is speaking after X").
_QUESTION_START = re.compile(
    r"(?:^|(?<=\s))(?:when|what|what's|whats|who|who's|whos|where|where's|which|how|is there|"
    r"are there|will there|is the|are the|any)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"\s*(?:[,:;()]|\s(?:but|so|and|lol|pls|please|thanks|thx)\s|"
                           r"[:;]-?[()dp]\B)\s*", re.IGNORECASE)
_ANSWERED = frozenset({Intent.UNKNOWN, Intent.GREETING, Intent.THANKS, Intent.HELP,
                       Intent.TIMEZONE})
MAX_TRIES = 8  # a long ramble is read a few ways, not every way


def _question_inside(text: str, parse: Callable[[str], Request]) -> Request | None:
    """The question inside a message that is not one as a whole: its clauses, and in
    each the words from a question word on ("hi all, first time here :) could someone
    tell me when the workshop starts? thanks", "sorry if dumb question but who is
    speaking after X"); None when no part of it asks anything."""
    tries = 0
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c and len(c.split()) >= 2]
    for clause in sorted(clauses, key=lambda c: not c.rstrip().endswith("?")):
        for start in _QUESTION_START.finditer(clause):
            piece = clause[start.start():].strip(" ?!.,")
            if piece == text or len(piece.split()) < 2:
                continue
            tries += 1
            found = parse(piece)
            if found.intent not in _ANSWERED:
                return found
            if tries >= MAX_TRIES:
                return None
    return None


def _parse(text: str) -> Request:
    cleaned = normalize_text(text)
    if not cleaned:
        return Request(Intent.HELP)
    first, _, rest = cleaned.partition(" ")
    if first.startswith(("/", "!")) and first.lstrip("/!").casefold() in COMMANDS:
        return from_command(first, rest)
    cleaned = cleaned.lstrip("/!").strip() or cleaned
    lowered = cleaned.casefold()
    if lowered in COMMANDS and lowered not in ("who", "at", "by", "start"):
        return Request(COMMANDS[lowered])
    if not lowered.startswith(("ask ", "qa ", "question ")):  # a question keeps its words
        cleaned = plain_chat(cleaned) or cleaned
        lowered = cleaned.casefold()
        if lowered in COMMANDS and lowered not in ("who", "at", "by", "start"):
            return Request(COMMANDS[lowered])
    words = words_of(lowered)
    framed: Request | None = None
    tried_frames = False
    for position in [*PATTERN_INDEX.candidates(words, lowered), len(PATTERNS)]:
        if position >= FRAMES_AT and not tried_frames:
            tried_frames = True
            if (framed := match_frame(lowered, cleaned, words)) is not None:
                return framed
        if position == len(PATTERNS):
            break
        intent, pattern = PATTERNS[position]
        match = pattern.search(lowered)
        if match is None:
            continue
        arg = ""
        if "x" in pattern.groupindex and match.group("x") is not None:
            start, end = match.span("x")
            arg = cleaned[start:end].strip()  # keep the user's capitalisation
        if intent is Intent.AGENDA:
            arg = agenda_scope(lowered)
        elif intent is Intent.AGENDA_ICS:
            arg = calendar_scope(arg)
        elif intent in (Intent.NOW, Intent.NEXT) and (place := PLACE.search(cleaned)):
            arg = place["x"]  # "what's on now in Saal 2": the handler narrows to it
        elif intent in (Intent.WHEN, Intent.ABOUT, Intent.PERSON, Intent.BY):
            arg = clean_subject(arg)
        elif intent in KEEP_PUNCTUATION:
            raw = " ".join(text.split())
            arg += raw[len(raw.rstrip("?!.,;: ")):]  # a question keeps its question mark
        return Request(intent, arg)
    return Request(Intent.UNKNOWN, cleaned)


SCOPE_ALL = re.compile(r"\b(?:all|full|whole|entire|complete|every|everything|all days)\b")
DAY_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3,
             "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "1st": 1, "2nd": 2, "3rd": 3}
DAY_NUMBER = re.compile(
    r"\bday\s*(?P<n>\d{1,2}|" + "|".join(DAY_WORDS) + r")\b|\b(?P<w>"
    + "|".join(w for w in DAY_WORDS if not w.isdigit()) + r"|last|final)\s+day\b")
WEEKDAYS = WEEKDAY_NAMES
WEEKDAY = re.compile(r"\b(?P<d>" + "|".join(WEEKDAYS) + r")(?:'?s)?\b")
AGENDA_FILLER = re.compile(
    r"(?:'s|’s)\b|\b(?:agenda|schedule|program(?:me)?|timetable|line-?up|what(?:'s| is)|"
    r"whats|what|show|me|give|tell|list|the|for|of|in|at|on|please|pls|is|are|there|"
    r"today|tonight|tomorrow|this|that|my|our|conference|workshop|event|happening|going|"
    r"everything|all|full|whole|entire|complete|every|days?|sessions?|talks?|only|just|"
    r"with|from|about)\b")


def agenda_scope(text: str) -> str:
    """What an agenda is asked for, as "<days>[ <room or track>]": the days are "today",
    "tomorrow", "all", "day 2", "last day" or a weekday; what is left once the days and the
    filler words are taken out names a room or track ("agenda saal 1", "the security
    track tomorrow" -> "tomorrow security track")."""
    lowered = text.casefold()
    scope = "today"
    if (named := find_date(lowered)) is not None:  # "the 13th", "June 17"
        scope = said_as(named[0], named[1])
        lowered = lowered[: named[2].start()] + " " + lowered[named[2].end():]
    elif (number := DAY_NUMBER.search(lowered)) is not None:
        word = number["n"] or number["w"]
        scope = "last day" if word in ("last", "final") else \
            f"day {int(word) if word.isdigit() else DAY_WORDS[word]}"
        lowered = lowered[: number.start()] + " " + lowered[number.end():]
    elif (weekday := WEEKDAY.search(lowered)) is not None:
        scope = weekday["d"]
        lowered = lowered[: weekday.start()] + " " + lowered[weekday.end():]
    elif SCOPE_ALL.search(lowered):
        scope = "all"
    elif "tomorrow" in lowered:
        scope = "tomorrow"
    where = " ".join(AGENDA_FILLER.sub(" ", lowered).split()).strip(" ,.-:")
    return f"{scope} {where}".strip()


FEED_WORDS = re.compile(r"\b(?:feeds?|subscribe|subscription|webcal)\b")
FEED_RESET = re.compile(r"\b(?:reset|renew|regenerate|revoke|rotate|replace|kill|new)\b")


def calendar_scope(text: str) -> str:
    """ "agenda ics all" asks for the whole program; plain "agenda ics" for one's own;
    "agenda feed" for the address of a feed of one's own, and "feed reset" (or "a new
    feed") for a new address, the old one dead (bot.answers.calendar)."""
    lowered = text.casefold()
    if FEED_WORDS.search(lowered):
        return "feed reset" if FEED_RESET.search(lowered) else "feed"
    return "all" if SCOPE_ALL.search(lowered) else ""
