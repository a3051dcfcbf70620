"""Slack payloads -> the core's typed events (``adapters/slack/inbound.py``): pure
functions over the JSON Slack sends, no network. What the events mean is tested in
``tests/test_core_events.py``; the text itself (mentions, links, entities, ``public``)
in ``test_formatting.py``."""

from __future__ import annotations

from adapters.slack import inbound, render
from bot.events import THUMBS_UP, ButtonPress, Command, Message, Place, Reaction
from bot.messages import UserRef

ALICE = UserRef("slack", "U0ALICE")


def test_a_mention_is_addressed_and_answered_in_its_thread() -> None:
    event = {"type": "app_mention", "user": "U0ALICE", "channel": "C1", "ts": "2.000001",
             "thread_ts": "1.000001", "text": "<@U0BOT> when is kraska"}
    posted = inbound.from_mention(event, "U0BOT")
    assert posted is not None
    assert (posted.channel, posted.thread_ts) == ("C1", "1.000001")
    assert posted.event == Message(ALICE, "when is kraska", Place("C1", "1.000001", False),
                                   addressed=True, ref="2.000001")


def test_a_mention_that_starts_a_thread_is_a_channel_message() -> None:
    """A thread's parent (``ts == thread_ts``) is in the channel, not in the thread; the
    answer still goes under it."""
    event = {"type": "app_mention", "user": "U0ALICE", "channel": "C1", "ts": "1.000001",
             "thread_ts": "1.000001", "text": "<@U0BOT> hi"}
    posted = inbound.from_mention(event, "U0BOT")
    assert posted is not None and posted.event.place == Place("C1", None, False)
    assert posted.thread_ts == "1.000001"


def test_only_a_persons_new_dm_is_an_event() -> None:
    dm = {"type": "message", "channel_type": "im", "user": "U0ALICE", "channel": "D1",
          "ts": "1.1", "text": "agenda"}
    posted = inbound.from_direct_message(dm, "U0BOT")
    assert posted is not None
    assert posted.event == Message(ALICE, "agenda", Place("D1", None, True), addressed=True,
                                   ref="1.1")
    for changed in ({"channel_type": "channel"}, {"subtype": "message_changed"},
                    {"bot_id": "B0OTHER"}, {"subtype": "bot_message"}, {"user": None}):
        assert inbound.from_direct_message({**dm, **changed}, "U0BOT") is None


def test_a_reply_in_a_channel_thread_is_an_unaddressed_event() -> None:
    reply = {"type": "message", "channel_type": "channel", "user": "U0ALICE",
             "channel": "C0QA", "ts": "2.5", "thread_ts": "1.5", "text": "How fast?"}
    posted = inbound.from_channel_message(reply, "U0BOT")
    assert posted is not None and (posted.channel, posted.thread_ts) == ("C0QA", "1.5")
    assert posted.event == Message(ALICE, "How fast?", Place("C0QA", "1.5", False),
                                   addressed=False, ref="2.5")
    broadcast = inbound.from_channel_message({**reply, "subtype": "thread_broadcast"}, "U0BOT")
    assert broadcast is not None
    for changed in ({"thread_ts": None}, {"thread_ts": "2.5"}, {"subtype": "message_changed"},
                    {"bot_id": "B0"}, {"channel_type": "im"}):
        assert inbound.from_channel_message({**reply, **changed}, "U0BOT") is None


def test_a_slash_command_is_a_command_whose_text_says_it_all() -> None:
    command = inbound.from_command({
        "user_id": "U0ALICE", "user_name": "alice", "channel_id": "D0ALICE",
        "text": "tz Europe/Berlin public"})
    assert command == Command(UserRef("slack", "U0ALICE", "alice"), "", "tz Europe/Berlin",
                              Place("D0ALICE", None, True), public=True)
    in_channel = inbound.from_command({"user_id": "U0ALICE", "channel_id": "C1",
                                       "text": "when is kraska"})
    assert (in_channel.place.is_direct, in_channel.public) == (False, False)


def test_a_button_press_carries_its_command_and_value() -> None:
    body = {"user": {"id": "U0ALICE"}, "channel": {"id": "C1"}}
    press = inbound.from_action(body, {"action_id": "workshop:remind:0", "value": "keynote"})
    assert press == ButtonPress(ALICE, "remind", "keynote", Place("C1", None, False))
    assert inbound.from_action(body, {"action_id": "other"}) is None
    assert inbound.from_action({}, {"action_id": "workshop:remind:0"}) is None


def test_reactions_spell_thumbs_up_as_the_core_does() -> None:
    def reaction(name: str, kind: str = "reaction_added") -> Reaction | None:
        return inbound.from_reaction({"type": kind, "user": "U0ALICE", "reaction": name,
                                      "item": {"type": "message", "channel": "C0QA",
                                               "ts": "2.5"}})

    for name in ("+1", "thumbsup", "+1::skin-tone-4"):
        assert reaction(name) == Reaction(ALICE, THUMBS_UP, "2.5", Place("C0QA", None, False),
                                          added=True)
    assert reaction("tada") == Reaction(ALICE, ":tada:", "2.5", Place("C0QA", None, False),
                                        added=True)
    removed = reaction("+1", "reaction_removed")
    assert removed is not None and removed.added is False
    on_a_file = inbound.from_reaction({"type": "reaction_added", "user": "U0ALICE",
                                       "reaction": "+1", "item": {"type": "file"}})
    assert on_a_file is None


def test_a_cut_never_ends_in_a_special_mention_escape_left_inside_a_word() -> None:
    """Found by the hostile-text property test: "@channela" is no mention and is left as
    typed, but cut to "@channel…" it would be one."""
    for text in ("mail me@channels.org now", "+ ```:`@channela and more"):
        escaped = render.escape(text)
        for limit in range(len(escaped) + 1):
            shortened = render.cut(escaped, limit)
            assert not shortened.removesuffix("…").casefold().endswith(
                ("@channel", "@here", "@everyone")), (text, limit, shortened)
