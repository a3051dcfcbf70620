"""Q&A exports in Markdown, CSV and JSON: deterministic (the same queue gives the same
bytes), ordered by program order then question number, with votes, status, platform,
time (UTC) and, for moderators, the author even of anonymous questions.

Every text in them may be an attendee's, and exports are opened by organisers in
spreadsheets and Markdown viewers, so what the text could do there is taken away:

* CSV, as OWASP's "CSV Injection" page recommends: a text cell that a spreadsheet would
  read as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return; OWASP ASVS adds NUL) gets a single quote in front, and every field is quoted,
  so a separator or quote inside a text cannot start a new cell.
* Markdown: the characters that make links, images, HTML, emphasis, code, headings and
  tables are backslash-escaped, and line breaks become spaces, so a text stays on its
  own list line as plain words.
* JSON holds the texts as they are: it is data, and a JSON reader runs none of it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC

from bot.program import Item
from bot.store.tables import Question

FORMATS = {"md": "text/markdown", "csv": "text/csv", "json": "application/json"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#|~!])")
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


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


def spreadsheet_text(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def markdown_text(value: object) -> str:
    """Text that Markdown shows as the words typed, on one line."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", LINE_BREAKS.sub(" ", str(value)))


def render(rows: Sequence[Row], fmt: str, *, moderator: bool, title: str) -> bytes:
    records = [_record(row, moderator) for row in rows]
    if fmt == "json":
        return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "csv":
        out = io.StringIO()
        fields = ["id", "item", "title", "question", "votes", "status", "platform",
                  "asked_at", "answer"] + (["author", "reason"] if moderator else [])
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n",
                                quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows({name: spreadsheet_text(value) for name, value in record.items()}
                         for record in records)
        return out.getvalue().encode()
    md = markdown_text
    lines = [f"# Questions: {md(title)}", ""]
    current = None
    for row, record in zip(rows, records, strict=True):
        if row.item.slug != current:
            current = row.item.slug
            lines += [f"## {md(row.item.display_title)}", ""]
        author = f" — {md(record['author'])}" if moderator else ""
        lines.append(f"- **#{record['id']}** ({record['votes']} votes, {record['status']}, "
                     f"{record['platform']}, {record['asked_at']}){author}: "
                     f"{md(record['question'])}")
        if record["answer"]:
            lines.append(f"  - Answer: {md(record['answer'])}")
    if not rows:
        lines.append("No questions yet.")
    return ("\n".join(lines) + "\n").encode()
