"""The Slack adapter in HTTP mode, end to end: signed requests to the running adapter,
the real slack-bolt and slack-sdk, and the Web API calls the loopback Slack received.

The clock stands at 10:15 in Los Angeles on the workshop day: "what's next?" is Michael
Carbin's talk at 10:45 AM PST (18:45 UTC), Tim Kraska spoke 9:30-10:05 AM PST.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import UTC, datetime

import pytest

from adapters.slack.service import SlackStartupError
from bot.messages import APOLOGY
from tests.fakes.slack_server import ApiCall, FakeSlack, SignedPoster
from tests.slack.conftest import RunningBot, StartBot

CARBIN_START = int(datetime(2021, 12, 13, 18, 45, tzinfo=UTC).timestamp())
WITHIN = 5.0  # seconds any one request to the bot may take before the test fails
RETRY_WITHIN = 10.0  # seconds for an answer that slack-sdk retries


def mention(fake: FakeSlack, text: str, **options: str) -> dict:
    return fake.app_mention(f"<@{fake.bot_user_id}> {text}", **options)


def whole(call: ApiCall) -> str:
    """Everything the bot sent in a call (text and blocks), to search in."""
    return json.dumps(call.args, ensure_ascii=False)


async def one_post(fake: FakeSlack) -> ApiCall:
    """The bot's one chat.postMessage: waits for it, then checks no second one follows."""
    post = await fake.wait_for_call("chat.postMessage")
    await fake.assert_no_call("chat.postMessage", since=fake.after(post))
    return post


# ------------------------------------------------------------------------------ answers


async def test_a_mention_gets_the_next_talk_in_the_channel(fake: FakeSlack, bot: RunningBot):
    response = await bot.poster.event(mention(fake, "what's next?"))
    assert (response.status, response.text) == (200, "")  # acked before the answer

    post = await one_post(fake)
    assert post.args["channel"] == "C0GENERAL"
    assert "thread_ts" not in post.args  # a top-level question is answered in the channel
    assert post.headers["Authorization"] == "Bearer xoxb-test-bot-token"
    assert post.args["text"].startswith("Next up:\n• Talk by Michael Carbin (title TBD)\n"
                                        "  10:45 AM – 11:20 AM PST (in 30 min)")
    card = post.args["blocks"][1]["text"]["text"]
    assert card.startswith("*Talk by Michael Carbin (title TBD)*\n"
                           f"<!date^{CARBIN_START}^{{date_short_pretty}} {{time}}|10:45 AM PST>")
    assert len(fake.posted("C0GENERAL")) == 1


async def test_a_mention_in_a_thread_is_answered_in_that_thread(
    fake: FakeSlack, bot: RunningBot
):
    parent = fake.add_message("C0TALKS", {"user": "U0BOB", "text": "Schedule questions here"})
    await bot.poster.event(mention(fake, "when is kraska", channel="C0TALKS",
                                   thread_ts=parent["ts"]))
    post = await one_post(fake)
    assert (post.args["channel"], post.args["thread_ts"]) == ("C0TALKS", parent["ts"])
    assert "9:30 AM – 10:05 AM PST (ended 10 min ago)" in post.args["text"]


async def test_a_direct_message_is_answered_in_the_dm(fake: FakeSlack, bot: RunningBot):
    await bot.poster.event(fake.message_event("what's next?", channel="D0ALICE"))
    post = await one_post(fake)
    assert post.args["channel"] == "D0ALICE"
    assert "thread_ts" not in post.args
    assert "Michael Carbin" in post.args["text"]


async def test_a_direct_message_in_a_thread_is_answered_in_the_thread(
    fake: FakeSlack, bot: RunningBot
):
    await bot.poster.event(fake.message_event("when is kraska", channel="D0ALICE",
                                              thread_ts="1639416000.000100"))
    post = await one_post(fake)
    assert (post.args["channel"], post.args["thread_ts"]) == ("D0ALICE", "1639416000.000100")


async def test_slack_markup_is_read_as_the_words_typed(fake: FakeSlack, bot: RunningBot):
    # Slack links what looks like a domain and encodes & < >; the core gets plain words
    await bot.poster.event(mention(fake, "tell me about <http://compilergym.ai|CompilerGym>"))
    post = await one_post(fake)
    assert "CompilerGym: compiler optimization tasks" in post.args["text"]


async def test_half_a_utf16_pair_in_the_json_is_answered_not_dropped(
        fake: FakeSlack, bot: RunningBot) -> None:
    # JSON may carry "\ud83d" alone (half an emoji); no UTF-8 encoder takes it, and the
    # reply quoting it could not be posted (the listener failed: no answer, no apology).
    await bot.poster.event(mention(fake, "tell me about compilergym \ud83d"))
    post = await one_post(fake)
    assert "CompilerGym" in post.args["text"]
    await bot.poster.event(mention(fake, "search \ud83d\ud83d"))  # quoted in the answer
    post = await fake.wait_for_call("chat.postMessage", count=2)
    assert APOLOGY not in post.args["text"] and "\ufffd" in whole(post), post.args


# ------------------------------------------------------------------------------ slash command


async def test_the_slash_command_is_acked_at_once_and_answered_ephemerally(
    fake: FakeSlack, bot: RunningBot
):
    release = fake.hold_response_urls()  # the answer cannot be delivered yet...
    mark = fake.mark()
    form = fake.slash_command("/workshop", "what's next?", response_url=fake.response_url("c1"))
    response = await asyncio.wait_for(bot.poster.command(form), WITHIN)
    assert (response.status, response.text) == (200, "")  # ...and the ack did not wait for it
    answer = await fake.wait_for_response_post()
    release.set()
    assert answer.key == "c1"
    assert answer.body["response_type"] == "ephemeral"
    assert "Michael Carbin" in answer.body["text"]
    assert answer.body["blocks"][0]["text"]["text"] == "Next up:"
    # respond() goes to the response_url only
    await fake.assert_no_call("chat.postMessage", since=mark)


@pytest.mark.parametrize("text", ["public what's next?", "what's next? PUBLIC"])
async def test_the_slash_command_with_public_answers_in_the_channel(
    fake: FakeSlack, bot: RunningBot, text: str
):
    await bot.poster.command(fake.slash_command("/workshop", text))
    answer = await fake.wait_for_response_post()
    assert answer.body["response_type"] == "in_channel"
    assert "Michael Carbin" in answer.body["text"]


async def test_the_command_name_comes_from_the_settings(fake: FakeSlack, start_bot: StartBot):
    bot = await start_bot(slack_command="/ws")
    await bot.poster.command(fake.slash_command("/ws", "when is kraska"))
    answer = await fake.wait_for_response_post()
    assert "Tim Kraska" in answer.body["text"]


async def test_a_saved_timezone_is_the_fallback_of_later_answers(
    fake: FakeSlack, bot: RunningBot
):
    await bot.poster.command(fake.slash_command("/workshop", "tz Europe/Berlin"))
    saved = await fake.wait_for_response_post()
    assert saved.body["text"] == (
        "Saved: times are now shown in Europe/Berlin, where it is 19:15 CET."
    )

    await bot.poster.event(mention(fake, "what's next?"))  # the same user, now by mention
    post = await one_post(fake)
    assert "19:45 – 20:20 CET (in 30 min)" in post.args["text"]
    card = post.args["blocks"][1]["text"]["text"]
    assert f"<!date^{CARBIN_START}^{{date_short_pretty}} {{time}}|19:45 CET>" in card


async def test_a_command_mentioning_payload_is_answered(fake: FakeSlack, bot: RunningBot):
    # slack-bolt alone would take this form body for interactivity and answer 404
    response = await bot.poster.command(fake.slash_command("/workshop", "search payload"))
    assert response.status == 200
    answer = await fake.wait_for_response_post()
    assert "“payload”" in answer.body["text"]


async def test_a_failed_response_url_is_logged_and_the_apology_tried(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    fake.fail_response_url("gone", 404, "expired_url")
    await bot.poster.command(fake.slash_command("/workshop", "what's next?",
                                                response_url=fake.response_url("gone")))
    apology = await fake.wait_for_response_post(count=2)
    assert apology.body == {"text": APOLOGY, "response_type": "ephemeral",
                            "blocks": [{"type": "section",
                                        "text": {"type": "mrkdwn", "text": APOLOGY,
                                                 "verbatim": True}}]}
    assert "Slack respond() failed: HTTP 404 expired_url" in caplog.messages


# ------------------------------------------------------------------------------ safety


def _forge(kind: str) -> dict:
    if kind == "forged":
        return {"signature": "v0=" + "0" * 64}
    if kind == "stale":
        return {"timestamp": int(time.time()) - 360}  # Slack's window is 5 minutes
    if kind == "future":
        return {"timestamp": int(time.time()) + 360}
    if kind == "missing":
        return {"sign": False}
    return {"tamper": lambda body: body.replace("U0ALICE", "U0MALLORY")}


@pytest.mark.parametrize("kind", ["forged", "stale", "future", "missing", "tampered"])
@pytest.mark.parametrize("request_type", ["event", "command"])
async def test_unverified_requests_get_401_and_reach_nothing(
    fake: FakeSlack, bot: RunningBot, kind: str, request_type: str
):
    before = len(fake.calls)  # auth.test at start-up
    if request_type == "event":
        response = await bot.poster.event(mention(fake, "what's next?"), **_forge(kind))
    else:
        response = await bot.poster.command(
            fake.slash_command("/workshop", "what's next?"), **_forge(kind))
    assert response.status == 401
    await fake.assert_no_call(since=before)
    assert len(fake.calls) == before
    assert fake.response_posts == []


async def test_a_request_signed_with_another_secret_gets_401(fake: FakeSlack, bot: RunningBot):
    other = SignedPoster(bot.poster.session, bot.poster.url, "not-the-secret")
    mark = fake.mark()
    response = await other.event(mention(fake, "what's next?"))
    assert response.status == 401
    await fake.assert_no_call("chat.postMessage", since=mark)


async def test_mentions_and_markup_typed_by_users_are_escaped(fake: FakeSlack, bot: RunningBot):
    await bot.poster.event(mention(fake, "search <!channel> <@U123> <#C999|general> <!here>"))
    post = await one_post(fake)
    sent = whole(post)
    assert "&lt;!channel&gt; &lt;@U123&gt; &lt;#C999|general&gt; &lt;!here&gt;" in sent
    for raw in ("<!channel>", "<@U123>", "<#C999", "<!here>"):
        assert raw not in sent


async def test_plain_at_channel_does_not_become_a_mention(fake: FakeSlack, bot: RunningBot):
    await bot.poster.event(mention(fake, "search @channel @here"))
    post = await one_post(fake)
    assert "@\u2060channel @\u2060here" in post.args["text"]
    assert "@channel" not in whole(post)


async def test_the_bots_own_messages_get_no_answer(fake: FakeSlack, bot: RunningBot):
    own_dm = fake.bot_message_event("Next up: …", channel="D0ALICE")
    own_mention = mention(fake, "what's next?", user=fake.bot_user_id)
    mark = fake.mark()
    for body in (own_dm, own_mention):
        response = await bot.poster.event(body)
        assert response.status == 200
    await fake.assert_no_call("chat.postMessage", since=mark)


async def test_other_bots_get_no_answer(fake: FakeSlack, bot: RunningBot):
    other_dm = fake.bot_message_event("what's next?", bot_user_id="U0OTHER", bot_id="B0OTHER")
    classic = fake.message_event("what's next?", user=None, subtype="bot_message",
                                 bot_id="B0OTHER")
    other_mention = mention(fake, "what's next?", user="U0OTHER", bot_id="B0OTHER")
    mark = fake.mark()
    for body in (other_dm, classic, other_mention):
        response = await bot.poster.event(body)
        assert response.status == 200
    await fake.assert_no_call("chat.postMessage", since=mark)


async def test_edits_joins_and_channel_messages_are_acked_and_ignored(
    fake: FakeSlack, bot: RunningBot
):
    edited = fake.message_event("", user=None, subtype="message_changed",
                                message={"user": "U0ALICE", "text": "what's next?"})
    joined = fake.message_event("<@U0BOB> has joined", user="U0BOB", subtype="channel_join",
                                channel="C0GENERAL", channel_type="channel")
    in_channel = fake.message_event("what's next?", channel="C0GENERAL",
                                    channel_type="channel")
    mark = fake.mark()
    for body in (edited, joined, in_channel):
        response = await bot.poster.event(body)
        assert response.status == 200  # handled: Slack must not redeliver them
    await fake.assert_no_call("chat.postMessage", since=mark)


async def test_slacks_redelivery_of_an_event_is_answered_once(fake: FakeSlack, bot: RunningBot):
    body = mention(fake, "what's next?")
    await bot.poster.event(body)
    await bot.poster.event(body, retry_num=1)
    await one_post(fake)
    assert len(fake.posted("C0GENERAL")) == 1


# ------------------------------------------------------------------------------ faults


@pytest.mark.parametrize("times", [1, 2])
async def test_a_rate_limited_answer_is_retried_and_delivered_once(
    fake: FakeSlack, bot: RunningBot, times: int
):
    fake.rate_limit("chat.postMessage", times=times, retry_after=0)
    await bot.poster.event(mention(fake, "what's next?"))
    # each retry waits Retry-After (0 here) plus a random fraction of a second
    delivered = await fake.wait_for_call("chat.postMessage", ok_only=True, within=RETRY_WITHIN)
    await fake.assert_no_call("chat.postMessage", since=fake.after(delivered))
    assert [c.status for c in fake.calls_for("chat.postMessage")] == [429] * times + [200]
    assert len(fake.posted("C0GENERAL")) == 1


async def test_a_dropped_connection_is_retried_and_delivered_once(
    fake: FakeSlack, bot: RunningBot
):
    fake.drop("chat.postMessage")
    await bot.poster.event(mention(fake, "what's next?"))
    delivered = await fake.wait_for_call("chat.postMessage", ok_only=True, within=RETRY_WITHIN)
    await fake.assert_no_call("chat.postMessage", since=fake.after(delivered))
    assert [c.status for c in fake.calls_for("chat.postMessage")] == [0, 200]
    assert len(fake.posted("C0GENERAL")) == 1


async def test_an_api_error_is_logged_and_the_asker_gets_an_apology(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    fake.fail("chat.postMessage", "msg_too_long")
    await bot.poster.event(mention(fake, "what's next?", channel="C0LONG"))
    apology = await fake.wait_for_call("chat.postMessage", ok_only=True)
    assert (apology.args["channel"], apology.args["text"]) == ("C0LONG", APOLOGY)
    assert "Slack chat.postMessage failed: msg_too_long (channel C0LONG)" in caplog.messages
    await fake.assert_no_call("chat.postMessage", since=fake.after(apology))
    assert [m["text"] for m in fake.posted("C0LONG")] == [APOLOGY]


async def test_when_the_channel_is_gone_the_apology_goes_to_a_dm(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    fake.fail("chat.postMessage", "channel_not_found", times=2)  # the answer and the apology
    await bot.poster.event(mention(fake, "what's next?", channel="C0GONE"))
    apology = await fake.wait_for_call("chat.postMessage", ok_only=True)
    assert (apology.args["channel"], apology.args["text"]) == ("U0ALICE", APOLOGY)
    errors = [m for m in caplog.messages if m.startswith("Slack chat.postMessage failed")]
    assert errors == ["Slack chat.postMessage failed: channel_not_found (channel C0GONE)"] * 2
    await fake.assert_no_call("chat.postMessage", since=fake.after(apology))


async def test_rate_limits_beyond_the_retries_are_logged_without_an_apology(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    fake.rate_limit("chat.postMessage", times=100, retry_after=0)
    await bot.poster.event(mention(fake, "what's next?"))
    last = await fake.wait_for_call("chat.postMessage", count=6, within=3 * RETRY_WITHIN)  # 1+5
    await fake.assert_no_call("chat.postMessage", since=fake.after(last))  # no 7th, no apology
    assert "Slack chat.postMessage failed: ratelimited (channel C0GENERAL)" in caplog.messages


# ------------------------------------------------------------------------------ lifecycle


async def test_a_wrong_bot_token_fails_at_start_in_one_line(
    fake: FakeSlack, start_bot: StartBot
):
    fake.fail("auth.test", "invalid_auth")
    with pytest.raises(SlackStartupError) as failure:
        await start_bot()
    assert str(failure.value) == "auth.test failed: invalid_auth (check SLACK_BOT_TOKEN)"


async def test_shutdown_closes_the_server(
    fake: FakeSlack, start_bot: StartBot, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="adapters.slack.service")
    bot = await start_bot()
    assert f"Slack adapter ready: HTTP mode on {bot.adapter.url}, bot @workshop-bot in " \
           "Fake Workspace" in caplog.messages
    await bot.stop()
    assert bot.task.cancelled()
    with pytest.raises(OSError):
        await bot.poster.event(mention(fake, "what's next?"))
