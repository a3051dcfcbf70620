"""What a message asks, as a value: an intent and its argument. Made by
:mod:`bot.intents` (commands and the older sentence patterns) and :mod:`bot.frames` (the
question grammar), refined with the program and the asker's last subject by
:mod:`bot.subjects`, and answered by the handlers the router picks by intent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    NOW = "now"
    NEXT = "next"
    AGENDA = "agenda"
    AGENDA_ICS = "agenda_ics"
    PAPERS = "papers"
    WHEN = "when"
    WHO_AT = "who_at"
    ABOUT = "about"
    PERSON = "person"
    BY = "by"
    SEARCH = "search"
    TIMEZONE = "tz"
    REMIND = "remind"
    REMIND_LIST = "remind_list"
    REMIND_CANCEL = "remind_cancel"
    QA_ASK = "qa_ask"
    QA = "qa"
    HELP = "help"
    GREETING = "greeting"
    WORKSHOP = "workshop"
    AFTER = "after"
    BEFORE = "before"
    FIRST = "first"
    LAST = "last"
    DURATION = "duration"
    RANGE = "range"
    KIND = "kind"
    COUNT = "count"
    WHERE = "where"
    THANKS = "thanks"
    UNKNOWN = "unknown"


# NOW's argument for a bare "who's speaking?": the speakers of the asker's last subject
# when they just asked about one item (bot.followups), else what is on now.
SPEAKERS_OF_LAST = "<speakers of the last subject>"


@dataclass(frozen=True, slots=True)
class Request:
    """``scope`` narrows the answer to a day or part of one ("tomorrow", "afternoon",
    "tuesday", "day 2") when the question ended with it: "is there a keynote tomorrow?"."""

    intent: Intent
    arg: str = ""
    scope: str = ""
    zone: str = ""  # a place the asker named for the answer's times: "… in Tokyo"
