"""The few words of Q&A the core does not hand over yet, in one place.

The core words every answer, with two gaps this adapter has to fill: the QaPublisher
protocol's ``question_changed`` passes the question but no text for its new look, and
there is no command behind an "Upvote" button, so a press gets the core's vote outcome
("added", "own", ...) and no sentence. These builders stay as close as they can to the
core's own words (``❓ #12 from Ada: “…”`` is what the core posts with "ask") and return
a core :class:`Reply`, so user text in them is escaped like every other Quote. When the
core grows a text for both, this module goes away.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.messages import Line, QuestionView, Quote, Reply
from bot.qa.service import ANSWERED, HIDDEN, MAX_CHARS

UPVOTE_LABEL = "👍 Upvote"

VOTE_OUTCOMES = {
    "added": "👍 Your vote for question #{id} is counted.",
    "unchanged": "You have already voted for question #{id}.",
    "removed": "Your vote for question #{id} is withdrawn.",
    "own": "You asked question #{id}: you cannot vote for your own question.",
    "closed": "Question #{id} is answered or hidden: it takes no more votes.",
    "unknown": "There is no question #{id}.",
}


def vote_outcome(outcome: str, question_id: int) -> str:
    return VOTE_OUTCOMES.get(outcome, VOTE_OUTCOMES["unknown"]).format(id=question_id)


def question_message(question: QuestionView, zone: ZoneInfo, now: datetime) -> Reply:
    """A question the bot posted, as it should look with its current status: open (or
    restored) as the core first posted it, answered with ✅ and the answer, hidden with
    the moderator's reason only."""
    text = Quote(question.text, limit=MAX_CHARS)
    lines: list[Line]
    if question.status == HIDDEN:
        reason: Line = (": ", Quote(question.reason, limit=MAX_CHARS)) if question.reason else ()
        lines = [(f"🚫 #{question.id} hidden by a moderator", *reason)]
    elif question.status == ANSWERED:
        lines = [(f"✅ #{question.id} from {question.asked_by}: ", text)]
        if question.answer:
            by = f" from {question.answered_by}" if question.answered_by else ""
            lines.append((f"Answer{by}: ", Quote(question.answer, limit=MAX_CHARS)))
    else:
        lines = [(f"❓ #{question.id} from {question.asked_by}: ", text)]
    return Reply(tuple(lines), zone=zone, now=now)
