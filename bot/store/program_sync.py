"""Writing a validated program into the database, and reading the snapshot back.

Loading is idempotent: the same file twice changes nothing, and an edited file updates
rows in place, keeping their ids (later features hang reminders and questions off them).
An item removed from the file is marked inactive rather than deleted, so its history
(questions, sent reminders) survives. Everything happens in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import program as model
from bot.program_file import ProgramSpec
from bot.store import changes
from bot.store.database import Database
from bot.store.tables import Item, Person, ProgramChange, Role, Workshop
from bot.store.types import table_of
from bot.timezones import parse_timezone


@dataclass(frozen=True, slots=True)
class SessionChange:
    """A scheduled session that moved, disappeared or appeared: subscribers hear of it."""

    slug: str
    title: str
    change: str  # moved, removed or added
    item_id: int | None = None
    old_start: datetime | None = None
    old_end: datetime | None = None
    new_start: datetime | None = None
    new_end: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"slug": self.slug, "title": self.title, "change": self.change,
                               "item_id": self.item_id}
        for name in ("old_start", "old_end", "new_start", "new_end"):
            value = getattr(self, name)
            out[name] = value.isoformat() if value else None
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionChange:
        times = {name: datetime.fromisoformat(data[name]) if data.get(name) else None
                 for name in ("old_start", "old_end", "new_start", "new_end")}
        return cls(slug=data["slug"], title=data["title"], change=data["change"],
                   item_id=data.get("item_id"), **times)


@dataclass(slots=True)
class SyncReport:
    """What loading a program changed, for a one-line log and for change notices."""

    workshop: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    other_changes: int = 0
    sessions: list[SessionChange] = field(default_factory=list)
    revision: int = 0
    timezone: str = "UTC"
    kept: datetime | None = None  # set: the file was older than the database's, not saved

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired or self.other_changes)

    def summary(self) -> str:
        if not self.changed:
            return "unchanged"
        parts = [
            f"{len(self.created)} added" if self.created else "",
            f"{len(self.updated)} updated" if self.updated else "",
            f"{len(self.retired)} removed" if self.retired else "",
            f"{self.other_changes} other changes" if self.other_changes else "",
        ]
        return ", ".join(p for p in parts if p)


def _apply(row: Any, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``row``; True if anything differed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


async def save_program(db: Database, spec: ProgramSpec, now: datetime,
                       saved_at: datetime | None = None,
                       written_at: datetime | None = None) -> SyncReport:
    """Make the database hold exactly ``spec`` for its workshop.

    Any change bumps the workshop's revision (running bots poll it to reload); moved,
    removed and added sessions of an existing workshop are recorded as a
    :class:`ProgramChange` so that subscribers and channels can be told, once.
    ``saved_at`` (real time; ``now`` may be a rehearsal's) is recorded with a change, so a
    process starting later with an older file can tell: given the time the file was
    ``written_at``, a program that differs from the database's but was written before
    the database's was saved changes nothing, and the report says so (``kept``).
    """
    for attempt in range(3):
        try:
            return await _save(db, spec, now, saved_at, written_at)
        except IntegrityError:
            # Another process loaded the same program at the same moment and won the
            # insert; its rows are there now, so a second pass only compares them.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def _save(db: Database, spec: ProgramSpec, now: datetime, saved_at: datetime | None,
                written_at: datetime | None) -> SyncReport:
    async with db.session() as session:
        before = (await session.exec(
            select(Workshop.revised_at).where(Workshop.slug == spec.workshop.id))).first()
        report = await _sync(session, spec)
        workshop = (await session.exec(select(Workshop).where(Workshop.slug == spec.workshop.id))
                    ).one()
        if report.changed and before is not None and written_at is not None and \
                written_at < before:
            revision = workshop.revision  # (read before the rollback expires the row)
            await session.rollback()  # an older file: the database's program stays
            return SyncReport(workshop=spec.workshop.id, timezone=spec.workshop.timezone,
                              revision=revision, kept=before)
        if report.changed:
            workshop.revision += 1
            workshop.revised_at = saved_at
            if report.sessions:
                session.add(ProgramChange(
                    workshop_id=_id(workshop), revision=workshop.revision, created_at=now,
                    changes_json=json.dumps([c.to_json() for c in report.sessions]),
                ))
        report.revision = workshop.revision
        if report.changed:  # running processes reload now, not at their next poll
            await changes.announce(db, session, changes.PROGRAM, workshop=spec.workshop.id,
                                   revision=workshop.revision)
        await session.commit()
    return report


async def _sync(session: AsyncSession, spec: ProgramSpec) -> SyncReport:
    ws = spec.workshop
    report = SyncReport(workshop=ws.id, timezone=ws.timezone)
    channels = json.dumps(spec.channels.model_dump(exclude_none=True), sort_keys=True)
    reminders = json.dumps(spec.reminders.model_dump(), sort_keys=True)
    qa = json.dumps({"moderators": spec.moderators.model_dump(), **spec.qa.model_dump()},
                    sort_keys=True)
    values = {
        "name": ws.name, "venue": ws.venue, "start_date": ws.date,
        "end_date": ws.end_date or ws.date, "timezone": ws.timezone, "url": ws.url,
        "summary": ws.summary, "channels_json": channels, "reminders_json": reminders,
        "qa_json": qa,
    }
    workshop = (await session.exec(select(Workshop).where(Workshop.slug == ws.id))).first()
    existed = workshop is not None
    if workshop is None:
        workshop = Workshop(slug=ws.id, **values)
        session.add(workshop)
        report.other_changes += 1
    elif _apply(workshop, values):
        report.other_changes += 1
    await session.flush()
    wid = workshop.id
    assert wid is not None

    people = await _sync_people(session, wid, spec, report)
    items = await _sync_items(session, wid, spec, report)
    if not existed:
        report.sessions.clear()  # a first load is not news to anyone
    await _sync_roles(session, wid, spec, people, items, report)
    await _drop_orphans(session, wid, people, report)
    return report


async def _sync_people(
    session: AsyncSession, wid: int, spec: ProgramSpec, report: SyncReport
) -> dict[str, int]:
    """Every person the program names, by case-folded name: their row's id."""
    details = {p.name.casefold(): p for p in spec.people}
    names: dict[str, str] = {}
    for name in [
        *spec.workshop.organizers,
        *(n for s in spec.schedule for n in s.speakers),
        *(n for p in spec.papers for n in p.authors),
        *(p.name for p in spec.people),
    ]:
        names.setdefault(name.casefold(), name)
    existing = {
        p.key: p for p in (await session.exec(select(Person).where(Person.workshop_id == wid)))
    }
    out: dict[str, int] = {}
    new: list[dict[str, Any]] = []
    for key, name in names.items():
        extra = details.get(key)
        values = {
            "name": extra.name if extra else name,
            "affiliation": extra.affiliation if extra else None,
            "discord_id": extra.discord_id if extra else None,
            "slack_id": extra.slack_id if extra else None,
        }
        row = existing.get(key)
        if row is None:
            new.append({"workshop_id": wid, "key": key, **values})
            report.other_changes += 1
        else:
            if _apply(row, values):
                report.other_changes += 1
            out[key] = _id(row)
    await session.flush()
    out.update(await _insert_many(session, Person, new, "key"))
    return out


async def _insert_many(session: AsyncSession, table: type[SQLModel], rows: list[dict[str, Any]],
                       key: str) -> dict[str, int]:
    """Insert ``rows`` in one statement; their new ids by ``key``. A first load of a big
    program adds thousands of rows, which one ORM insert each would take seconds for."""
    if not rows:
        return {}
    core_table = table_of(table)
    columns = core_table.c
    connection = await session.connection()
    result = await connection.execute(
        insert(core_table).returning(columns.id, columns[key], sort_by_parameter_order=True),
        rows)
    return {str(row[1]): int(row[0]) for row in result}


async def _sync_items(
    session: AsyncSession, wid: int, spec: ProgramSpec, report: SyncReport
) -> dict[str, int]:
    """Every item, by slug: its row's id (kept across edits)."""
    wanted: list[tuple[str, dict[str, Any]]] = []
    for s in spec.schedule:
        wanted.append((s.id, {
            "kind": s.kind, "title": s.title, "summary": s.summary,
            "keywords": "\n".join(s.keywords), "start": s.start, "end": s.end,
            "room": s.room, "track": s.track, "day": s.day, "url": s.url, "session_slug": None,
        }))
    for p in spec.papers:
        wanted.append((p.id, {
            "kind": "paper", "title": p.title, "summary": p.summary,
            "keywords": "\n".join(p.keywords), "start": None, "end": None, "room": None,
            "track": None, "day": None, "url": p.url, "session_slug": p.session,
        }))
    existing = {
        i.slug: i for i in (await session.exec(select(Item).where(Item.workshop_id == wid)))
    }
    out: dict[str, int] = {}
    new: list[dict[str, Any]] = []
    for position, (slug, values) in enumerate(wanted):
        row = existing.pop(slug, None)
        if row is None:
            new.append({"workshop_id": wid, "slug": slug, "position": position, "active": True,
                        **values})
            report.created.append(slug)
            _note_session(report, slug, None, values)
            continue
        row.position = position  # order alone is not a change worth announcing
        before = row.model_dump()
        if not row.active:
            row.active = True
            _apply(row, values)
            report.created.append(slug)
            _note_session(report, slug, None, values)
        elif _apply(row, values):
            report.updated.append(slug)
            _note_session(report, slug, before, values)
        out[slug] = _id(row)
    for slug, row in existing.items():
        if row.active:
            row.active = False
            report.retired.append(slug)
            _note_session(report, slug, row.model_dump(), None)
    await session.flush()
    out.update(await _insert_many(session, Item, new, "slug"))
    return out


def _note_session(
    report: SyncReport, slug: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> None:
    """Record a scheduled session's move, removal or appearance (papers have no times)."""
    old_start = before.get("start") if before else None
    new_start = after.get("start") if after else None
    title = (after or before or {}).get("title", slug)
    item_id = before.get("id") if before else None
    if before is None and new_start is not None:
        report.sessions.append(SessionChange(slug, title, "added", new_start=new_start,
                                             new_end=after["end"] if after else None))
    elif after is None and old_start is not None:
        report.sessions.append(SessionChange(slug, title, "removed", item_id=item_id,
                                             old_start=old_start,
                                             old_end=before["end"] if before else None))
    elif before is not None and after is not None and (
        old_start != new_start or before.get("end") != after.get("end")
    ):
        report.sessions.append(SessionChange(
            slug, title, "moved" if new_start is not None else "removed", item_id=item_id,
            old_start=old_start, old_end=before.get("end"),
            new_start=new_start, new_end=after.get("end"),
        ))


async def _sync_roles(
    session: AsyncSession,
    wid: int,
    spec: ProgramSpec,
    people: dict[str, int],
    items: dict[str, int],
    report: SyncReport,
) -> None:
    wanted: set[tuple[int, int | None, str, int]] = set()
    for pos, name in enumerate(spec.workshop.organizers):
        wanted.add((people[name.casefold()], None, "organizer", pos))
    for s in spec.schedule:
        for pos, name in enumerate(s.speakers):
            wanted.add((people[name.casefold()], items[s.id], "speaker", pos))
    for p in spec.papers:
        for pos, name in enumerate(p.authors):
            wanted.add((people[name.casefold()], items[p.id], "author", pos))
    rows = (await session.exec(select(Role).where(Role.workshop_id == wid))).all()
    have = {(r.person_id, r.item_id, r.kind, r.position): r for r in rows}
    slugs = {item_id: slug for slug, item_id in items.items()}
    told = {*report.created, *report.updated}  # items already reported as changed

    def changed(item_id: int | None) -> None:
        """A role of ``item_id`` changed: the item is updated (organizers: the workshop)."""
        if item_id is None:
            report.other_changes += 1
            return
        slug = slugs.get(item_id)
        if slug is not None and slug not in told:
            told.add(slug)
            report.updated.append(slug)

    for key, row in have.items():
        if key not in wanted:
            await session.delete(row)
            changed(key[1])
    new = []
    for key in sorted(wanted - have.keys(), key=lambda k: (k[1] or 0, k[2], k[3])):
        person_id, item_id, kind, position = key
        new.append({"workshop_id": wid, "person_id": person_id, "item_id": item_id,
                    "kind": kind, "position": position})
        changed(item_id)
    await session.flush()
    if new:
        connection = await session.connection()
        await connection.execute(insert(table_of(Role)), new)


async def _drop_orphans(
    session: AsyncSession, wid: int, people: dict[str, int], report: SyncReport
) -> None:
    """People no longer in the file and with no remaining roles are removed."""
    keep = set(people.values())
    rows = (await session.exec(select(Person).where(Person.workshop_id == wid))).all()
    for row in rows:
        if row.id not in keep:
            await session.delete(row)
            report.other_changes += 1


def _id(row: Person | Item | Workshop) -> int:
    assert row.id is not None
    return row.id


async def load_program(db: Database, workshop_slug: str) -> model.Program:
    """Build the in-memory snapshot of one workshop from the database."""
    async with db.session() as session:
        ws = (await session.exec(select(Workshop).where(Workshop.slug == workshop_slug))).first()
        if ws is None:
            raise LookupError(f"no workshop {workshop_slug!r} in the database")
        people_rows = (await session.exec(select(Person).where(Person.workshop_id == ws.id)))
        item_rows = (await session.exec(
            select(Item).where(Item.workshop_id == ws.id, col(Item.active).is_(True))
            .order_by(col(Item.position))
        )).all()
        role_rows = (await session.exec(
            select(Role).where(Role.workshop_id == ws.id).order_by(col(Role.position))
        )).all()
        people = {
            p.id: model.Person(id=_id(p), name=p.name, affiliation=p.affiliation,
                               discord_id=p.discord_id, slack_id=p.slack_id)
            for p in people_rows
        }
    by_item: dict[int, list[model.Person]] = {}
    organizers: list[model.Person] = []
    for role in role_rows:
        if role.item_id is None:
            organizers.append(people[role.person_id])
        else:
            by_item.setdefault(role.item_id, []).append(people[role.person_id])
    sessions = {i.slug: i for i in item_rows if i.kind != "paper"}
    items = []
    for row in item_rows:
        start, end = row.start, row.end
        host = sessions.get(row.session_slug or "")
        if row.kind == "paper" and host is not None:
            start, end = host.start, host.end
        items.append(model.Item(
            id=_id(row), slug=row.slug, kind=row.kind, title=row.title, summary=row.summary,
            keywords=tuple(k for k in row.keywords.split("\n") if k), start=start, end=end,
            room=row.room if row.kind != "paper" else (host.room if host else None),
            people=tuple(by_item.get(_id(row), ())), url=row.url,
            session_slug=row.session_slug, track=row.track if row.kind != "paper" else (
                host.track if host else None),
            day=row.day if row.kind != "paper" else (host.day if host else None),
        ))
    workshop = model.Workshop(
        slug=ws.slug, name=ws.name, venue=ws.venue, start_date=ws.start_date,
        end_date=ws.end_date, timezone=parse_timezone(ws.timezone), url=ws.url,
        summary=ws.summary, channels=json.loads(ws.channels_json or "{}"),
        reminders=_reminders(ws.reminders_json), revision=ws.revision,
        qa=_qa(ws.qa_json),
    )
    return model.Program(workshop, items, people.values(), organizers)


def _reminders(text: str | None) -> model.ReminderOffsets:
    data = json.loads(text or "{}")
    defaults = model.ReminderOffsets()
    return model.ReminderOffsets(
        announce=tuple(data.get("announce", defaults.announce)),
        speakers=tuple(data.get("speakers", defaults.speakers)),
        subscriber_default=int(data.get("subscriber_default", defaults.subscriber_default)),
    )


def _qa(text: str | None) -> model.QaSettings:
    data = json.loads(text or "{}")
    mods = data.get("moderators", {})
    return model.QaSettings(
        premoderation=bool(data.get("premoderation", False)),
        discord_roles=tuple(mods.get("discord_roles", ())),
        discord_manage_messages=bool(mods.get("discord_manage_messages", True)),
        slack_users=tuple(mods.get("slack_users", ())),
        slack_usergroups=tuple(mods.get("slack_usergroups", ())),
    )


async def current_revision(db: Database, workshop_slug: str) -> int:
    """The workshop's revision, which every program change bumps (cheap to poll)."""
    async with db.session() as session:
        row = (await session.exec(
            select(Workshop.revision).where(Workshop.slug == workshop_slug))).first()
    return int(row or 0)


async def changes_since(db: Database, workshop_slug: str, revision: int) -> list[
    tuple[int, list[SessionChange], datetime]
]:
    """Session changes recorded after ``revision``, oldest first, with when they were made."""
    async with db.session() as session:
        rows = (await session.exec(
            select(ProgramChange).join(Workshop, col(Workshop.id) == col(ProgramChange.workshop_id))
            .where(Workshop.slug == workshop_slug, col(ProgramChange.revision) > revision)
            .order_by(col(ProgramChange.revision))
        )).all()
    return [(r.revision, [SessionChange.from_json(c) for c in json.loads(r.changes_json)],
             r.created_at) for r in rows]
