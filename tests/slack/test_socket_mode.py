"""The Slack adapter in Socket Mode, end to end: the loopback Slack hands out a websocket
URL, says hello, sends envelopes, and records the acks and the Web API calls."""

from __future__ import annotations

import pytest

from adapters.slack.service import SlackStartupError
from tests.fakes.slack_server import FakeSlack
from tests.slack.conftest import APP_TOKEN, StartBot
from tests.slack.test_http_mode import mention, one_post


async def test_hello_an_event_the_ack_and_the_answer(fake: FakeSlack, start_bot: StartBot):
    await start_bot(socket_mode=True)
    opened = await fake.wait_for_call("apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    assert fake.socket_connects == 1  # the fake said hello on it

    body = mention(fake, "what's next?", channel="C0SOCK")
    envelope = await fake.send_envelope("events_api", body)
    ack = await fake.wait_for_ack(envelope)
    assert ack.raw == {"envelope_id": envelope}
    post = await one_post(fake)
    assert post.args["channel"] == "C0SOCK"
    assert "Michael Carbin" in post.args["text"]
    assert post.at >= ack.at  # acked first, answered after

    # Slack's redelivery of the same event is acked but not answered again
    mark = fake.mark()
    again = await fake.send_envelope("events_api", body, retry_attempt=1)
    await fake.wait_for_ack(again)
    await fake.assert_no_call("chat.postMessage", since=mark)


async def test_direct_messages_and_the_slash_command(fake: FakeSlack, start_bot: StartBot):
    await start_bot(socket_mode=True)
    envelope = await fake.send_envelope(
        "events_api", fake.message_event("when is kraska", channel="D0ALICE"))
    await fake.wait_for_ack(envelope)
    post = await one_post(fake)
    assert post.args["channel"] == "D0ALICE" and "Tim Kraska" in post.args["text"]

    envelope = await fake.send_envelope(
        "slash_commands", fake.slash_command("/workshop", "search payload"))
    ack = await fake.wait_for_ack(envelope)
    assert ack.payload is None  # an empty ack; the answer goes to the response_url
    answer = await fake.wait_for_response_post()
    assert answer.body["response_type"] == "ephemeral"
    assert "“payload”" in answer.body["text"]


async def test_own_messages_and_edits_are_acked_and_ignored(
    fake: FakeSlack, start_bot: StartBot
):
    await start_bot(socket_mode=True)
    own = fake.bot_message_event("Next up: …", channel="D0ALICE")
    edited = fake.message_event("", user=None, subtype="message_changed",
                                message={"user": "U0ALICE", "text": "what's next?"})
    mark = fake.mark()
    for body in (own, edited):
        # an unacked envelope would be redelivered by Slack again and again
        await fake.wait_for_ack(await fake.send_envelope("events_api", body))
    await fake.assert_no_call("chat.postMessage", since=mark)


async def test_a_disconnect_request_reconnects(fake: FakeSlack, start_bot: StartBot):
    await start_bot(socket_mode=True)
    await fake.wait_for_socket()
    await fake.send_disconnect()
    await fake.wait_for_call("apps.connections.open", count=2)
    await fake.wait_until(lambda: fake.socket_connects == 2, what="the second connection")
    envelope = await fake.send_envelope("events_api", mention(fake, "what's next?"))
    await fake.wait_for_ack(envelope)
    await one_post(fake)


async def test_shutdown_closes_the_socket(fake: FakeSlack, start_bot: StartBot):
    bot = await start_bot(socket_mode=True)
    await fake.wait_for_socket()
    await bot.stop()
    assert bot.task.cancelled()
    await fake.wait_until(lambda: fake.socket_count == 0, what="the socket to close")
    # (the autouse leak check fails the test if the client's HTTP session stayed open)


async def test_a_wrong_app_token_fails_at_start_in_one_line(
    fake: FakeSlack, start_bot: StartBot
):
    fake.fail("apps.connections.open", "invalid_auth")
    with pytest.raises(SlackStartupError) as failure:
        await start_bot(socket_mode=True)
    assert str(failure.value) == (
        "apps.connections.open failed: invalid_auth (check SLACK_APP_TOKEN)"
    )
    assert fake.socket_connects == 0
