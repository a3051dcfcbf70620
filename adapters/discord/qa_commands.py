"""The Q&A slash commands: ``/ask`` and the ``/qa`` group, one sub-command per "qa …".

Each one spells its options out as the words the core reads anywhere else ("ask
anonymous compilergym: does it scale?", "qa hide 12 off topic"), so the core alone
decides who may do what and answers in its own words. Answers are ephemeral: a
question's acknowledgement, a moderator's confirmation and an export concern only the
one who asked. The paper option autocompletes over the items that have Q&A and offers
their ids as values (titles may hold a colon, which "ask" reads as the end of the name).
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from adapters.discord import transport
from adapters.discord.commands import (
    MAX_CHOICE_CHARS,
    MAX_CHOICES,
    Autocomplete,
    Choices,
    CommandContext,
    Text,
)
from adapters.discord.render import clip

QUESTION_CHARS = 2000  # above the core's 1,000, so the core says why a long one is refused
Words = app_commands.Range[str, 1, QUESTION_CHARS]
Number = app_commands.Range[int, 1, 999_999_999]
Format = Literal["md", "csv", "json"]
ALL = "all"


def add_qa_commands(tree: app_commands.CommandTree[discord.Client],
                    context: CommandContext) -> None:
    """``/ask`` and ``/qa …`` on ``tree``."""

    def papers(*, offer_all: bool) -> Autocomplete:
        async def complete(interaction: discord.Interaction, current: str) -> Choices:
            offer = [app_commands.Choice(name="all (every paper and talk)", value=ALL)] if (
                offer_all and ALL.startswith(current.strip().casefold())) else []
            offer += [app_commands.Choice(name=clip(title, MAX_CHOICE_CHARS), value=slug)
                      for title, slug in context.core.complete_qa_items(current, MAX_CHOICES)]
            await transport.suggest(interaction, offer[:MAX_CHOICES])
            return []  # already answered (a failure is logged in one line, not raised)

        return complete

    async def qa(interaction: discord.Interaction, words: str, *, slow: bool = False) -> None:
        await context.answer(interaction, "qa", words, public=False, slow=slow)

    def name_of(paper: str) -> str:
        """A typed title's colon would end the paper's name early in "ask …: question"."""
        return " ".join(paper.replace(":", " ").split())

    @app_commands.command(name="ask", description="Ask a question about a paper or talk; it "
                          "goes to its Q&A thread")
    @app_commands.describe(paper="The paper or talk, e.g. CompilerGym",
                           question="Your question (up to 1,000 characters)",
                           anonymous="Post it without your name (default: with it)")
    @app_commands.autocomplete(paper=papers(offer_all=False))
    async def ask(interaction: discord.Interaction, paper: Text, question: Words,
                  anonymous: bool = False) -> None:
        words = f"{'anonymous ' if anonymous else ''}{name_of(paper)}: {question}"
        await context.answer(interaction, "ask", words, public=False)

    group = app_commands.Group(name="qa", description="Q&A: the top questions, exports, "
                               "answers; moderators approve, hide and set up threads")

    @group.command(name="top", description="A paper's open questions, most votes first")
    @app_commands.describe(paper="The paper or talk", count="How many (default 10)")
    @app_commands.autocomplete(paper=papers(offer_all=False))
    async def top(interaction: discord.Interaction, paper: Text,
                  count: app_commands.Range[int, 1, 50] | None = None) -> None:
        await qa(interaction, f"top {paper} {count or ''}".strip())

    @group.command(name="pending", description="Moderators: questions waiting for approval")
    @app_commands.describe(paper="Only this paper or talk (default: all)")
    @app_commands.autocomplete(paper=papers(offer_all=False))
    async def pending(interaction: discord.Interaction, paper: Text | None = None) -> None:
        await qa(interaction, f"pending {paper or ''}".strip())

    @group.command(name="approve", description="Moderators: show a question that waits for "
                   "approval")
    @app_commands.describe(question="The question's number, e.g. 12")
    async def approve(interaction: discord.Interaction, question: Number) -> None:
        await qa(interaction, f"approve {question}")

    @group.command(name="answered", description="Moderators: mark a question answered")
    @app_commands.describe(question="The question's number, e.g. 12",
                           answer="The answer, if it should be posted in the thread")
    async def answered(interaction: discord.Interaction, question: Number,
                       answer: Words | None = None) -> None:
        await qa(interaction, f"answered {question} {answer or ''}".strip())

    @group.command(name="answer", description="Speakers and moderators: answer a question in "
                   "its thread")
    @app_commands.describe(question="The question's number, e.g. 12", text="Your answer")
    async def answer(interaction: discord.Interaction, question: Number, text: Words) -> None:
        await qa(interaction, f"answer {question} {text}")

    @group.command(name="hide", description="Moderators: hide a question, saying why")
    @app_commands.describe(question="The question's number, e.g. 12",
                           reason="Why, e.g. off topic")
    async def hide(interaction: discord.Interaction, question: Number, reason: Text) -> None:
        await qa(interaction, f"hide {question} {reason}")

    @group.command(name="restore", description="Moderators: open a hidden or answered "
                   "question again")
    @app_commands.describe(question="The question's number, e.g. 12")
    async def restore(interaction: discord.Interaction, question: Number) -> None:
        await qa(interaction, f"restore {question}")

    @group.command(name="export", description="The questions as a file")
    @app_commands.describe(paper="A paper or talk, or 'all'", format="md (default), csv or "
                           "json")
    @app_commands.autocomplete(paper=papers(offer_all=True))
    async def export(interaction: discord.Interaction, paper: Text = ALL,
                     format: Format = "md") -> None:
        await qa(interaction, f"export {paper} {format}")

    @group.command(name="setup", description="Moderators: create the Q&A threads (once; "
                   "a deleted one again)")
    async def setup(interaction: discord.Interaction) -> None:
        await qa(interaction, "setup", slow=True)

    @group.command(name="dashboard", description="Moderators: a private link to the live "
                   "Q&A dashboard")
    @app_commands.describe(paper="Only this paper's or talk's queue (default: all)")
    @app_commands.autocomplete(paper=papers(offer_all=False))
    async def dashboard(interaction: discord.Interaction, paper: Text | None = None) -> None:
        await qa(interaction, f"dashboard {paper or ''}".strip())

    @group.command(name="screen", description="Moderators: the room screen's link (for the "
                   "projector)")
    @app_commands.describe(room="The room (needed when the program has several)")
    async def screen(interaction: discord.Interaction, room: Text | None = None) -> None:
        await qa(interaction, f"screen {room or ''}".strip())

    tree.add_command(ask)
    tree.add_command(group)
