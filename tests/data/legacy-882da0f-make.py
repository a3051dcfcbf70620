"""Make a database the way the last release before migrations (commit 882da0f) made it.

tests/test_migrations.py upgrades copies of what this wrote; it is kept only to show how
the fixtures came about and to make them again. Run it with that release's code first on
the path, from the project folder::

    git worktree add /tmp/old882 882da0f
    rm -f tests/data/legacy-882da0f.sqlite3
    PYTHONPATH=/tmp/old882 .venv/bin/python tests/data/legacy-882da0f-make.py \\
        sqlite:///tests/data/legacy-882da0f.sqlite3
    createdb -h 127.0.0.1 -U postgres legacy882
    PYTHONPATH=/tmp/old882 .venv/bin/python tests/data/legacy-882da0f-make.py \\
        postgresql://postgres@127.0.0.1:5432/legacy882
    pg_dump -h 127.0.0.1 -U postgres --inserts --no-owner --no-privileges legacy882 \\
        | grep -v '^\\\\' > tests/data/legacy-882da0f.postgresql.sql

(``grep`` drops psql's meta-commands, such as ``\\restrict``, so the dump is plain SQL.)
Every table holds rows: the bundled program loaded and then reloaded with a talk moved
(a change notice), timezones, subscriptions, reminder ledger entries in every status, a
remembered DM channel, Q&A threads, questions in every status, and votes.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from sqlmodel import select

import bot
from bot.program_file import parse_program
from bot.store import ledger, preferences, qa, subscriptions
from bot.store.database import Database
from bot.store.program_sync import save_program
from bot.store.tables import Item, Question

OLD = Path(bot.__file__).resolve().parent.parent
NOW = datetime(2021, 12, 13, 16, 0, tzinfo=UTC)


async def fill(url: str) -> None:
    db = Database(url)
    await db.create_schema()
    raw = yaml.safe_load((OLD / "config" / "program.yaml").read_text())
    await save_program(db, parse_program(yaml.safe_dump(raw)), NOW)
    moved = next(entry for entry in raw["schedule"] if entry["id"] == "carbin-talk")
    moved["start"] = moved["start"] + timedelta(minutes=15)
    moved["end"] = moved["end"] + timedelta(minutes=15)
    await save_program(db, parse_program(yaml.safe_dump(raw)), NOW + timedelta(minutes=1))

    async with db.session() as session:
        items = list((await session.exec(select(Item).order_by(Item.id))).all())
    talk, paper = items[1], next(i for i in items if i.kind == "paper")
    assert talk.id is not None and paper.id is not None

    await preferences.set_timezone(db, "discord", "111", "Europe/Berlin", NOW)
    await preferences.set_timezone(db, "slack", "U0ALICE", "Asia/Tokyo", NOW)
    await preferences.set_timezone(db, "slack", "U0BOB", None, NOW)
    for user, offset in (("111", 10), ("111", 0), ("U0ALICE", 5)):
        platform = "discord" if user.isdigit() else "slack"
        await subscriptions.subscribe(db, talk.id, platform, user, offset, NOW)
    await subscriptions.remember_direct_channel(db, "slack", "U0ALICE", "D0ALICE")

    def entry(n: int, kind: str = "subscription") -> ledger.Entry:
        return ledger.Entry(key=f"{kind}|{talk.id}|discord|111|{n}", kind=kind,
                            item_id=talk.id, platform="discord", target="111",
                            due_at=NOW + timedelta(minutes=n), offset_minutes=n)

    await ledger.claim(db, [entry(1), entry(2), entry(3)], "old-host:1:abc", NOW)
    await ledger.finish_many(db, [(entry(1).key, True, "1234567890", None),
                                  (entry(2).key, False, None, "403 Forbidden")], NOW)
    await ledger.drop(db, [entry(4, "announce")], NOW)

    await qa.save_thread(db, talk.id, "discord", "900", "901", "902",
                         "https://discord.com/channels/1/901", NOW)
    await qa.save_thread(db, paper.id, "slack", "C0QA", "1639411200.000100", None,
                         "https://example.slack.com/archives/C0QA/p1639411200000100", NOW)
    asked = [
        ("discord", "111", "Alice", False, "How does it scale to 10⁶ nodes? “quotes” 'too'",
         "open", "m1"),
        ("slack", "U0ALICE", None, True, "Anonymous: what about =SUM(A1)?", "pending", "m2"),
        ("discord", "222", "Bob", False, "Hidden one", "hidden", "m3"),
        ("slack", "U0BOB", "Bob", False, "Answered one\nwith two lines", "answered", None),
    ]
    ids = []
    for platform, author, name, anonymous, text, status, ref in asked:
        question, _ = await qa.add_question(db, Question(
            item_id=talk.id, platform=platform, author_id=author, author_name=name,
            anonymous=anonymous, text=text, status=status, message_ref=ref,
            created_at=NOW, updated_at=NOW))
        assert question.id is not None
        ids.append(question.id)
    await qa.update_question(db, ids[2], NOW, reason="off topic")
    await qa.update_question(db, ids[3], NOW, answer="It does.", answered_by="Speaker")
    await qa.add_vote(db, ids[0], "slack", "U0BOB", NOW, "command")
    await qa.add_vote(db, ids[0], "discord", "333", NOW, "reaction")
    await qa.add_vote(db, ids[3], "discord", "111", NOW, "command")
    await db.dispose()


def compact(path: str) -> None:
    """A small file in the usual journal mode: the bot turns WAL on when it opens it."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA page_size=1024")
    conn.execute("VACUUM")
    conn.close()


def main(url: str) -> None:
    if (OLD / "bot" / "store" / "migrations").exists():
        raise SystemExit("run this with the old release first on PYTHONPATH (see above)")
    asyncio.run(fill(url))
    if url.startswith("sqlite:///"):
        compact(url.removeprefix("sqlite:///"))


if __name__ == "__main__":
    main(sys.argv[1])
