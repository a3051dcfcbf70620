"""Autocomplete for names, titles and timezones (used by the platforms' command options)."""

from __future__ import annotations

from bot.timezones import complete_timezones
from tests.support import Conversation


async def test_completion_prefers_prefixes_then_topics(chat: Conversation) -> None:
    index = chat.core.catalog.current.index
    assert index.complete("kra") == ["Talk by Tim Kraska (title TBD)", "Tim Kraska"]
    assert index.complete("xla") == ["Autotuning a production ML compiler with learned cost models"]
    assert index.complete("anankumar", frozenset({"person"})) == ["Anima Anandkumar"]
    assert len(index.complete("", limit=25)) == 25
    assert index.complete("", limit=3) == [
        "Opening Remarks", "Talk by Tim Kraska (title TBD)", "Talk by Anima Anandkumar (title TBD)"]
    assert index.complete("zzzzqqq") == []


def test_timezone_completion() -> None:
    assert complete_timezones("berl")[0] == "Europe/Berlin"
    assert complete_timezones("new y") == ["America/New_York"]
    assert complete_timezones("")[0] == "America/Los_Angeles"
    assert len(complete_timezones("a", limit=25)) == 25
