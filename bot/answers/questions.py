"""Q&A in conversation: "ask <paper> <question>", a message in a paper's thread, and the
"qa …" commands for moderators and speakers (top, pending, approve, answered, answer,
hide, restore, export, setup)."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.answers.context import Ask
from bot.matching import normalize
from bot.messages import Attachment, IncomingMessage, Line, Quote, Reply
from bot.program import Item
from bot.qa import roles
from bot.qa.blank import is_blank
from bot.qa.export import FORMATS
from bot.qa.service import (
    ANSWERED,
    HIDDEN,
    MAX_CHARS,
    MAX_REASON,
    OPEN,
    PENDING,
    QaService,
    question_line,
    shown_to,
)
from bot.web.keys import Moderator
from bot.web.links import WebLinks

ANON_WORDS = frozenset({"anonymous", "anonymously", "anon"})
QUESTION_ID = re.compile(r"^#?(\d{1,9})$")
HELP: tuple[Line, ...] = (
    ("Q&A commands:",),
    ("• ask <paper>: <question> (add “anonymous” first to hide your name)",),
    ("• qa top <paper> [n]: the open questions, most votes first",),
    ("• qa export <paper|all> [md|csv|json]: a file of the questions",),
    ("• qa upvote <id> / qa unvote <id>: vote for a question (or 👍 it in its thread)",),
    ("• qa answer <id> <text>: answer a question (speakers and moderators)",),
    ("• moderators: qa pending [paper], qa approve <id>, qa answered <id> [answer], "
     "qa hide <id> <reason>, qa restore <id>, qa setup",),
    ("• moderators: qa dashboard [paper]: a private link to the live dashboard; "
     "qa screen [room]: the room screen's link",),
)


def _qa_item(ask: Ask, query: str) -> Item | Reply:
    """The paper or talk ``query`` names, for Q&A."""
    found = ask.program.by_slug.get(query.strip().casefold())
    if found is not None and found.has_qa:
        return found
    entry = ask.one(query, frozenset({"item"}))
    if isinstance(entry, Reply):
        return entry
    assert entry.item is not None
    if not entry.item.has_qa:
        return ask.reply((f"“{entry.item.display_title}” has no Q&A.",), kind="error")
    return entry.item


def split_question(ask: Ask, text: str) -> tuple[Item, str] | Reply:
    """ "compilergym: how does it scale?" or "compilergym how does it scale?"."""
    for separator in (":", " | "):
        head, found, rest = text.partition(separator)
        if found and head.strip():
            item = _qa_item(ask, head)
            return item if isinstance(item, Reply) else (item, rest.strip())
    words = text.split()
    for size in range(1, min(6, len(words) - 1) + 1):
        resolution = ask.index.resolve(" ".join(words[:size]), frozenset({"item"}))
        entry = resolution.unique
        if entry is None or entry.item is None or not entry.item.has_qa:
            continue
        if resolution.matches[0].score < 90:
            break
        # The shortest prefix that names the item, plus the words that are part of its
        # name ("lns madam"): "machines can they think?" asks "can they think?".
        names = name_words(entry.item)
        while size < len(words) - 1 and normalize(words[size]) in names:
            size += 1
        return entry.item, " ".join(words[size:])
    return ask.reply(("Which paper or talk is your question for? Write it like "
                      "“ask compilergym: how does it scale?”.",), kind="help")


def name_words(item: Item) -> set[str]:
    """The words that name an item: its title (before any subtitle), id and keywords."""
    words = set(normalize(item.title.split(":", 1)[0]).split())
    words |= set(item.slug.split("-")) | {item.slug.replace("-", "")}
    for keyword in item.keywords:
        words |= set(normalize(keyword).split())
    return words


async def ask_question(ask: Ask, arg: str, message: IncomingMessage, qa: QaService) -> Reply:
    first, _, rest = arg.partition(" ")
    anonymous = first.casefold() in ANON_WORDS
    text = rest if anonymous else arg
    if not text.strip():
        return ask.reply(("Ask what? For example: “ask compilergym: how does it scale?”.",),
                         kind="help")
    found = split_question(ask, text)
    if isinstance(found, Reply):
        return found
    item, question = found
    asked = await qa.ask(item, message.user, question, anonymous=anonymous)
    if asked.question is None:
        return ask.reply((f"Sorry, {asked.error}.",), kind="error")
    await qa.publish(asked.question, item, ask)
    return _acknowledge(ask, asked.question.id or 0, asked.question.status, item, anonymous)


def _acknowledge(ask: Ask, number: int, status: str, item: Item, anonymous: bool, *,
                 in_thread: bool = False) -> Reply:
    lines: list[Line] = [(f"Thanks! Your question is #{number} for “{item.display_title}”"
                          + (", asked anonymously." if anonymous else "."),)]
    if status == PENDING and in_thread:
        lines.append(("A moderator will review it before it joins the speakers' list.",))
    elif status == PENDING:
        lines.append(("A moderator will approve it before it is shown.",))
    return ask.reply(*lines)


async def from_thread(
    ask: Ask, message: IncomingMessage, message_ref: str, item: Item, qa: QaService
) -> Reply | None:
    """A top-level message in ``item``'s Q&A thread is a question (None: recorded before)."""
    asked = await qa.ask(item, message.user, message.text, message_ref=message_ref)
    if asked.question is None:
        return ask.reply((f"Sorry, {asked.error}; it was not recorded as a question.",),
                         kind="error")
    if not asked.created:
        return None  # seen before (a redelivered event): acknowledged already
    return _acknowledge(ask, asked.question.id or 0, asked.question.status, item, False,
                        in_thread=True)


async def qa_command(ask: Ask, arg: str, message: IncomingMessage, qa: QaService,
                     links: WebLinks | None = None) -> Reply:
    sub, _, rest = arg.strip().partition(" ")
    sub = sub.casefold()
    rest = rest.strip()
    moderator = roles.is_moderator(ask.program, message)
    if sub == "top":
        return await _top(ask, rest, qa)
    if sub == "export":
        return await _export(ask, rest, qa, moderator)
    if sub == "answer":
        return await _answer(ask, rest, message, qa, moderator)
    if sub in ("upvote", "unvote"):
        return await _vote(ask, sub, rest, message, qa, moderator)
    if sub in ("pending", "approve", "answered", "hide", "restore", "setup", "dashboard",
               "screen"):
        if not moderator:
            return ask.reply((f"Only moderators can use “qa {sub}”; nothing was changed.",),
                             kind="error")
        if sub == "pending":
            return await _pending(ask, rest, qa)
        if sub == "setup":
            return await _setup(ask, qa)
        if sub == "dashboard":
            return _dashboard(ask, rest, message, links)
        if sub == "screen":
            return _screen(ask, rest, links)
        return await _moderate(ask, sub, rest, message, qa)
    return ask.reply(*HELP, kind="help")


async def _top(ask: Ask, rest: str, qa: QaService) -> Reply:
    words = rest.split()
    limit = 10
    if words and words[-1].isdigit():
        limit = max(1, min(50, int(words.pop())))
    if not words:
        return ask.reply(("Which paper? For example: “qa top compilergym”.",), kind="help")
    item = _qa_item(ask, " ".join(words))
    if isinstance(item, Reply):
        return item
    top = await qa.top(item, limit)
    if not top:
        return ask.reply((f"No open questions for “{item.display_title}” yet.",))
    return ask.reply((f"Top questions for “{item.display_title}”:",),
                     *(question_line(q) for q in top))


VOTE_WORDS = {
    "added": "👍 Counted: you upvoted #{n} (now {votes}).",
    "removed": "Your vote for #{n} is withdrawn (now {votes}).",
    "unchanged": "You had already voted that way on #{n} ({votes}).",
    "own": "You cannot upvote your own question (#{n}).",
    "closed": "Question #{n} is no longer open for votes.",
    "pending": "Question #{n} is waiting for approval; votes count once it is approved.",
    "unknown": "There is no question #{n}.",
}
NO_VOTE_COUNT = frozenset({"pending", "unknown"})  # replies that must not show a count


async def _vote(ask: Ask, sub: str, rest: str, message: IncomingMessage, qa: QaService,
                moderator: bool) -> Reply:
    """The Upvote button, and "qa upvote 12" typed anywhere. A question the voter may not
    know of gets the very reply a number nobody has gets (see ``QaService.vote``)."""
    match = QUESTION_ID.match(rest.split(" ", 1)[0] if rest else "")
    if match is None:
        return ask.reply((f"Which question? For example: “qa {sub} 12”.",), kind="help")
    number = int(match[1])
    outcome = await qa.vote(number, message.user, add=sub == "upvote", moderator=moderator)
    votes = await qa.votes(number) if outcome not in NO_VOTE_COUNT else 0
    return ask.reply((VOTE_WORDS[outcome].format(n=number, votes=votes),),
                     kind="answer" if outcome in ("added", "removed", "unchanged") else "error")


async def _pending(ask: Ask, rest: str, qa: QaService) -> Reply:
    item = None
    if rest:
        found = _qa_item(ask, rest)
        if isinstance(found, Reply):
            return found
        item = found
    waiting = await qa.pending(item)
    if not waiting:
        return ask.reply(("No questions are waiting for approval.",))
    lines = [(f"#{q.id} · {q.item_title} · ", Quote(q.text, limit=200)) for q in waiting[:30]]
    return ask.reply(("Waiting for approval (“qa approve <id>”, “qa hide <id> <reason>”):",),
                     *lines)


async def _moderate(ask: Ask, sub: str, rest: str, message: IncomingMessage, qa: QaService
                    ) -> Reply:
    target, _, detail = rest.partition(" ")
    match = QUESTION_ID.match(target)
    if match is None:
        return ask.reply((f"Which question? For example: “qa {sub} 12”.",), kind="help")
    number = int(match[1])
    found = await qa.get(number)
    if found is None:
        return ask.reply((f"There is no question #{number}.",), kind="not_found")
    question, item = found
    by = message.user.name or message.user.id
    if sub == "hide":
        if is_blank(detail):
            return ask.reply(("Say why: “qa hide 12 off topic”.",), kind="help")
        if len(detail.strip()) > MAX_REASON:
            return ask.reply((f"Sorry, the reason has {len(detail.strip())} characters; the "
                              f"limit is {MAX_REASON}; nothing was changed.",), kind="error")
        await qa.set_status(number, HIDDEN, ask, reason=detail.strip())
        return ask.reply((f"Question #{number} is hidden (",
                          Quote(detail.strip(), limit=200, marks=False), ")."))
    if sub == "restore":
        if question.status not in (HIDDEN, ANSWERED):
            return ask.reply((f"Question #{number} is not hidden or answered (it is "
                              f"{question.status}); nothing was changed.",), kind="error")
        await qa.set_status(number, OPEN, ask)
        if question.message_ref is None:  # hidden before anyone saw it: shown now
            refreshed = await qa.get(number)
            if refreshed is not None and refreshed[0].message_ref is None:
                await qa.publish(refreshed[0], item, ask)
        return ask.reply((f"Question #{number} is open again.",))
    if sub == "approve":
        if question.status != PENDING:
            return ask.reply((f"Question #{number} is not waiting for approval "
                              f"(it is {question.status}).",), kind="error")
        await qa.set_status(number, OPEN, ask)
        refreshed = await qa.get(number)
        if refreshed is not None and refreshed[0].message_ref is None:
            await qa.publish(refreshed[0], item, ask)
        return ask.reply((f"Question #{number} is approved and shown.",))
    if question.status == ANSWERED and (detail.strip() or None) in (None, question.answer):
        # pressed twice, or typed again: the answer is not posted a second time
        return ask.reply((f"Question #{number} is already marked answered.",), kind="error")
    shown = await qa.set_status(number, ANSWERED, ask, answer=detail.strip() or None, by=by)
    if shown is not None and detail.strip():
        await qa.post_answer(shown, item, _answer_text(ask, shown.id, by, detail.strip()))
    return ask.reply((f"Question #{number} is marked answered.",))


def _answer_text(ask: Ask, number: int, by: str, text: str) -> Reply:
    return ask.reply((f"✅ Answer to #{number} from ", Quote(by, marks=False), ": ",
                      Quote(text, limit=MAX_CHARS)))


async def _answer(ask: Ask, rest: str, message: IncomingMessage, qa: QaService,
                  moderator: bool) -> Reply:
    target, _, text = rest.partition(" ")
    match = QUESTION_ID.match(target)
    if match is None or is_blank(text):
        return ask.reply(("Write “qa answer <id> <your answer>”, e.g. “qa answer 12 Yes, "
                          "it runs on GPUs too.”",), kind="help")
    number = int(match[1])
    found = await qa.get(number)
    # A question waiting for approval is not on the speakers' list yet: for anyone but a
    # moderator (or its asker) it is not there at all, so its number and paper stay unsaid.
    if found is None or not shown_to(found[0], message.user, moderator=moderator):
        return ask.reply((f"There is no question #{number}.",), kind="not_found")
    _question, item = found
    if not (moderator or roles.is_speaker_of(item, message)):
        return ask.reply((f"Only the speakers of “{item.display_title}” and moderators can "
                          "answer its questions; nothing was changed.",), kind="error")
    by = message.user.name or message.user.id
    shown = await qa.set_status(number, ANSWERED, ask, answer=text.strip(), by=by)
    if shown is not None:
        await qa.post_answer(shown, item, _answer_text(ask, number, by, text.strip()))
    return ask.reply((f"Your answer to #{number} is posted and the question is marked "
                      "answered.",))


async def _export(ask: Ask, rest: str, qa: QaService, moderator: bool) -> Reply:
    words = rest.split()
    fmt = "md"
    if words and words[-1].casefold() in FORMATS:
        fmt = words.pop().casefold()
    target = " ".join(words)
    item = None
    if target and target.casefold() != "all":
        found = _qa_item(ask, target)
        if isinstance(found, Reply):
            return found
        item = found
    name, data = await qa.export(item, fmt, moderator=moderator)
    what = f"“{item.display_title}”" if item else "every paper and talk"
    # A moderator's export names the authors of anonymous questions: only they see it.
    return ask.reply((f"Questions for {what}, as {fmt.upper()}: {name}",),
                     attachment=Attachment(name, data, FORMATS[fmt]),
                     private=True if moderator else None)


NO_PAGES = ("The web pages are not served by this bot (BOT_WEB is off, or this is not "
            "`workshop-bot run` / `workshop-bot web`); nothing to link to.",)


def _dashboard(ask: Ask, rest: str, message: IncomingMessage, links: WebLinks | None
               ) -> Reply:
    """A moderator's login link, signed with their identity, in a private reply (in a
    DM, or visible only to them): whoever holds it moderates until it expires."""
    if links is None:
        return ask.reply(NO_PAGES, kind="error", private=True)
    then = "/mod"
    if rest:
        item = _qa_item(ask, rest)
        if isinstance(item, Reply):
            return replace(item, private=True)
        then = f"/mod/{item.slug}"
    user = message.user
    moderator = Moderator(user.platform, user.id, user.name or user.id)
    hours = links.keys.lifetime.total_seconds() / 3600
    return replace(ask.reply(
        ("🔑 Your moderator dashboard (keep this link to yourself; it works for "
         f"{hours:g} hours): ", links.login(moderator, then)),
        ("Ask “qa dashboard” again for a new one.",), private=True), secret=True)


def _screen(ask: Ask, rest: str, links: WebLinks | None) -> Reply:
    """The read-only link for a room's screen (the projector by the stage)."""
    if links is None:
        return ask.reply(NO_PAGES, kind="error", private=True)
    rooms = ask.program.rooms
    if len(rooms) <= 1:
        room = ""
    else:
        room = next((r for r in rooms if r.casefold() == rest.strip().casefold()), "")
        if not room:
            return ask.reply((f"Which room? “qa screen <room>”, one of: {', '.join(rooms)}.",),
                             kind="help", private=True)
    where = f" for {room}" if room else ""
    return replace(ask.reply((f"📺 The room screen{where} (read-only; open it on the "
                              "projector): ", links.screen(room)), private=True), secret=True)


async def _setup(ask: Ask, qa: QaService) -> Reply:
    report = await qa.setup(ask)
    if not report.platforms:
        return ask.reply(("No Q&A channel is configured for a connected platform: name one "
                          "under channels.<platform>.qa in the program file.",), kind="error")
    return ask.reply((f"Q&A threads on {', '.join(report.platforms)}: {report.created} "
                      f"created, {report.reused} already there, {report.recreated} recreated"
                      + (f", {report.failed} failed (see the log)." if report.failed else "."),))
