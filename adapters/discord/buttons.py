"""Buttons under the bot's messages ("Remind me"), answered by the core.

A button's custom id carries its command and value (``workshop:remind:kraska-talk``).
It is a discord.py ``DynamicItem``: registered once at start-up, it answers presses on
messages sent long before, even by an earlier run of the bot. A press becomes the
client's ``on_workshop_button`` event, which hands it to the core.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.messages import Button

PREFIX = "workshop"
BUTTON_EVENT = "workshop_button"  # the client's on_workshop_button answers a press
DEFAULT_LABEL = "Remind me"


class CoreButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{PREFIX}:(?P<command>[a-z]+):(?P<value>[a-z0-9][a-z0-9-]{{0,62}})",
):
    def __init__(self, command: str, value: str, label: str = DEFAULT_LABEL) -> None:
        super().__init__(discord.ui.Button(
            label=label[:80], style=discord.ButtonStyle.primary,
            custom_id=f"{PREFIX}:{command}:{value}",
        ))
        self.command = command
        self.value = value

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
        match: re.Match[str], /,
    ) -> CoreButton:
        """The pressed button again, from its custom id (discord.py hands over any item;
        one matching the template is a button, whose label is kept)."""
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match["command"], match["value"], label or DEFAULT_LABEL)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Handed to the client as its own event, ``on_workshop_button`` (discord.py's
        ``Client.dispatch``): this module never calls back into the client."""
        interaction.client.dispatch(BUTTON_EVENT, interaction, self.command, self.value)


def view_of(buttons: Sequence[Button]) -> discord.ui.View | None:
    """A view holding the core's buttons (25 at most, Discord's limit), or None for none."""
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons[:25]:
        view.add_item(CoreButton(button.command, button.value, button.label))
    return view
