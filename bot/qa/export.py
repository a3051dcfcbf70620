"""Q&A exports in Markdown, CSV and JSON: deterministic (the same queue gives the same
bytes), ordered by program order then question number, with votes, status, platform,
time (UTC) and, for moderators, the author even of anonymous questions."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC

from bot.program import Item
from bot.store.tables import Question

FORMATS = {"md": "text/markdown", "csv": "text/csv", "json": "application/json"}


@dataclass(frozen=True, slots=True)
class Row:
    item: Item
    question: Question
    votes: int


def _author(row: Row, moderator: bool) -> str:
    question = row.question
    if question.anonymous and not moderator:
        return "anonymous"
    name = question.author_name or question.author_id
    return f"{name} (anonymous)" if question.anonymous else name


def _record(row: Row, moderator: bool) -> dict[str, object]:
    q = row.question
    record: dict[str, object] = {
        "id": q.id, "item": row.item.slug, "title": row.item.display_title,
        "question": q.text, "votes": row.votes, "status": q.status, "platform": q.platform,
        "asked_at": q.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "answer": q.answer or "",
    }
    if moderator:
        record["author"] = _author(row, moderator)
        record["reason"] = q.reason or ""
    return record


def render(rows: Sequence[Row], fmt: str, *, moderator: bool, title: str) -> bytes:
    records = [_record(row, moderator) for row in rows]
    if fmt == "json":
        return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "csv":
        out = io.StringIO()
        fields = ["id", "item", "title", "question", "votes", "status", "platform",
                  "asked_at", "answer"] + (["author", "reason"] if moderator else [])
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return out.getvalue().encode()
    lines = [f"# Questions: {title}", ""]
    current = None
    for row, record in zip(rows, records, strict=True):
        if row.item.slug != current:
            current = row.item.slug
            lines += [f"## {row.item.display_title}", ""]
        author = f" — {record['author']}" if moderator else ""
        lines.append(f"- **#{record['id']}** ({record['votes']} votes, {record['status']}, "
                     f"{record['platform']}, {record['asked_at']}){author}: {record['question']}")
        if record["answer"]:
            lines.append(f"  - Answer: {record['answer']}")
    if not rows:
        lines.append("No questions yet.")
    return ("\n".join(lines) + "\n").encode()
