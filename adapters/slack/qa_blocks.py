"""How Q&A looks on Slack: the Upvote button, a posted question in each status, and the
presser's answer to the button.

The core words questions, answers and acknowledgements as :class:`~bot.messages.Reply`
objects, and those go through :mod:`adapters.slack.blocks` like any answer. Two things
have no core wording yet, so they are kept here, short and in one place: a question
message after a status change (``question_changed`` hands over a
:class:`~bot.messages.QuestionView`, not a Reply), and the answer to an Upvote press (the
core has no "upvote" command). Everything a user typed is escaped like any other text.
"""

from __future__ import annotations

from adapters.slack.blocks import SlackMessage, actions, context, escape, section
from bot.messages import Button, QuestionView, Quote
from bot.qa.service import ANSWERED, HIDDEN, MAX_CHARS
from bot.render_text import quote_text

UPVOTE = "upvote"  # the command of the Upvote button: action_id workshop:upvote:0

# What the presser of an Upvote button reads, for each outcome of QaService.vote.
VOTE_OUTCOMES = {
    "added": "👍 Counted: your vote for question #{n}.",
    "unchanged": "You have already voted for question #{n}.",
    "removed": "Your vote for question #{n} is withdrawn.",
    "own": "Question #{n} is yours: you cannot vote for your own question.",
    "closed": "Question #{n} takes no more votes: it has been answered or hidden.",
    "unknown": "There is no question #{n}.",
}


def upvote_button(question_id: int) -> Button:
    return Button("👍 Upvote", UPVOTE, str(question_id))


def _asked(question: QuestionView) -> str:
    quoted = quote_text(Quote(question.text, limit=MAX_CHARS))
    return f"#{question.id} from {question.asked_by}: {quoted}"


def question_message(question: QuestionView) -> SlackMessage:
    """A question the bot posted, as it should read now: open (with its Upvote button),
    answered (✅ and the answer, no button: it takes no more votes) or hidden (only the
    moderator's reason; the question's text is what was hidden)."""
    if question.status == HIDDEN:
        text = f"🚫 #{question.id} hidden by a moderator: {question.reason or 'no reason given'}"
        return SlackMessage(escape(text), [section(escape(text))])
    if question.status == ANSWERED:
        head = f"✅ {_asked(question)}"
        by = f" from {question.answered_by}" if question.answered_by else ""
        answer = f"Answer{by}: {question.answer}" if question.answer else "Answered."
        return SlackMessage(escape(f"{head}\n{answer}"),
                            [section(escape(head)), context(escape(answer))])
    head = f"❓ {_asked(question)}"
    return SlackMessage(escape(head), [section(escape(head)),
                                       actions([upvote_button(question.id)])])


def vote_outcome(question_id: int | str, outcome: str) -> SlackMessage:
    """The presser's ephemeral answer to an Upvote press."""
    text = VOTE_OUTCOMES.get(outcome, VOTE_OUTCOMES["unknown"]).format(n=question_id)
    return SlackMessage(escape(text), [section(escape(text))])
