"""Who may moderate questions, and who may answer them.

The platform says what it knows about the asker (their Discord roles and permissions,
their Slack user groups, through :class:`~bot.messages.IncomingMessage`); the program
file says which of those make a moderator. The console is the operator's own terminal
and always moderates, as does the web dashboard (only a moderator gets its link). A
speaker may answer the questions of their own sessions.
"""

from __future__ import annotations

from bot.messages import IncomingMessage
from bot.program import Item, Program

CONSOLE = "console"
# The web dashboard's actions come from a session that a moderator's signed login link
# opened (bot.web.keys): the link is given only to a moderator, so its holder moderates.
WEB = "web"


def is_moderator(program: Program, message: IncomingMessage) -> bool:
    rules = program.workshop.qa
    platform = message.platform
    if platform in (CONSOLE, "cli", WEB):
        return True
    if platform == "discord":
        roles = {r.casefold() for r in message.roles}
        if any(r.casefold() in roles for r in rules.discord_roles):
            return True
        return rules.discord_manage_messages and "manage_messages" in message.permissions
    if platform == "slack":
        return (message.user.id in rules.slack_users
                or any(group in message.roles for group in rules.slack_usergroups))
    return False


def is_speaker_of(item: Item, message: IncomingMessage) -> bool:
    return any(person.account(message.platform) == message.user.id for person in item.people)
