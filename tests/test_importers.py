"""Reading real published programs: 31C3 (frab XML), rC3 and DemoCon (pretalx JSON), Camp
2019 (frab JSON), ICLR 2020 (iCalendar); and excerpts of our own for what those lack
(Sessionize, Pentabarf without a zone, the flat "schedule 2" JSON, a papers CSV, a
recurring calendar). Every instant is checked against the file's own text, read here
with nothing but regular expressions and json, not with the importers' code."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.importers.draft import stable_slug
from bot.program_file import ProgramError, counts
from bot.program_loader import LoadedProgram, load_program_file

DATA = Path(__file__).parent / "data" / "schedules"
BERLIN = ZoneInfo("Europe/Berlin")


def load(name: str, zone: str | None = None) -> LoadedProgram:
    return load_program_file(DATA / name, ZoneInfo(zone) if zone else None)


def duration(text: str) -> timedelta:
    hours, minutes = (int(p) for p in text.split(":")[:2])
    return timedelta(hours=hours, minutes=minutes)


def stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)


def every_nth(pairs: list[tuple[str, datetime, datetime]], n: int = 12
              ) -> list[tuple[str, datetime, datetime]]:
    step = max(1, len(pairs) // n)
    return pairs[::step][:n]


def assert_instants(spec: object, expected: list[tuple[str, datetime, datetime]]) -> None:
    by_id = {s.id: s for s in spec.schedule}  # type: ignore[attr-defined]
    assert len(expected) >= 12
    for key, start, end in expected:
        session = by_id[stable_slug(key)]
        assert (session.start, session.end) == (start, end), key
        assert session.start.utcoffset() is not None


# -- the real files ---------------------------------------------------------------------


def test_31c3_frab_xml() -> None:
    loaded = load("frab-31c3-2014.xml")
    spec = loaded.spec
    assert loaded.format == "frab / Pentabarf schedule XML"
    assert spec.workshop.name == "31. Chaos Communication Congress"
    assert counts(spec) == {"events": 138, "rooms": 4, "days": 4, "people": 197, "papers": 0}
    assert {s.room for s in spec.schedule} == {"Saal 1", "Saal 2", "Saal G", "Saal 6"}
    text = (DATA / "frab-31c3-2014.xml").read_text()
    found = re.findall(r"<event guid='([^']+)' id='\d+'>\s*<date>([^<]+)</date>\s*"
                       r"<start>[^<]*</start>\s*<duration>([^<]+)</duration>", text)
    assert len(found) == 138
    pairs = [(g, datetime.fromisoformat(d), datetime.fromisoformat(d) + duration(t))
             for g, d, t in found]
    assert_instants(spec, every_nth(pairs))
    opening = next(s for s in spec.schedule if s.title == "31C3 Opening Event")
    assert opening.speakers == ["erdgeist", "Geraldine de Bastion"]
    assert opening.track == "CCC" and opening.kind == "remarks"
    assert spec.workshop.timezone == "UTC"  # the file names no zone and none was given
    assert loaded.warnings == ()


def test_31c3_with_a_zone_keeps_late_night_sessions_on_their_day() -> None:
    spec = load("frab-31c3-2014.xml", "Europe/Berlin").spec
    assert spec.workshop.timezone == "Europe/Berlin"
    late = [s for s in spec.schedule if s.start.astimezone(BERLIN).hour < 4]
    assert late, "31C3 runs past midnight"
    for session in late:  # 00:15 on the 29th belongs to the 28th, as in the file
        assert session.day == session.start.astimezone(BERLIN).date() - timedelta(days=1)


@pytest.mark.parametrize(("name", "events", "rooms"), [
    ("pretalx-rc3-2020.json", 48, 5), ("pretalx-democon.json", 36, 2),
    ("frab-camp2019.json", 79, 2),
])
def test_pretalx_and_frab_json(name: str, events: int, rooms: int) -> None:
    loaded = load(name)
    spec = loaded.spec
    assert loaded.format == "pretalx / frab schedule JSON"
    assert counts(spec)["events"] == events and counts(spec)["rooms"] == rooms
    data = json.loads((DATA / name).read_text())
    pairs = []
    for day in data["schedule"]["conference"]["days"]:
        for events_in_room in day["rooms"].values():
            for event in events_in_room:
                start = datetime.fromisoformat(event["date"])
                pairs.append((event["guid"], start, start + duration(event["duration"])))
    assert_instants(spec, every_nth(pairs))
    days = data["schedule"]["conference"]["days"]
    people = {(p.get("public_name") or p.get("name")).strip() for day in days
              for evs in day["rooms"].values() for e in evs for p in e["persons"]}
    assert {n for s in spec.schedule for n in s.speakers} == people


def test_democon_offsets_win_over_its_utc_zone_name_with_one_warning() -> None:
    loaded = load("pretalx-democon.json")
    first = next(s for s in loaded.spec.schedule if s.title == "Focused 5thgeneration hardware")
    assert first.start == datetime(2020, 12, 14, 8, 0, tzinfo=UTC)  # 09:00+01:00, not 09:00Z
    assert len(loaded.warnings) == 1
    assert "says its times are in UTC" in loaded.warnings[0]
    assert "+01:00" in loaded.warnings[0]


def test_camp_2019_is_in_berlin() -> None:
    spec = load("frab-camp2019.json").spec
    assert spec.workshop.timezone == "Europe/Berlin"
    assert spec.workshop.name == "Chaos Communication Camp 2019"


def test_iclr_icalendar() -> None:
    loaded = load("iclr2020-sample.ics")
    spec = loaded.spec
    assert loaded.format == "iCalendar"
    assert spec.workshop.name == "ICLR 2020" and spec.workshop.timezone == "America/New_York"
    assert counts(spec)["events"] == 56
    text = (DATA / "iclr2020-sample.ics").read_text().replace("\r\n", "\n")
    pairs = []
    for block in re.findall(r"BEGIN:VEVENT\n(.*?)END:VEVENT", text, re.S):
        body = re.sub(r"BEGIN:VALARM.*?END:VALARM\n", "", block, flags=re.S)
        uid = re.search(r"^UID:(.+)$", body, re.M)[1]  # type: ignore[index]
        start, end = (stamp(re.search(rf"^{k}:(\d{{8}}T\d{{6}})Z$", body, re.M)[1])  # type: ignore[index]
                      for k in ("DTSTART", "DTEND"))
        pairs.append((uid, start, end))
    assert len(pairs) == 56
    assert_instants(spec, every_nth(pairs))
    titles = {s.title for s in spec.schedule}
    assert "Research with 🤗 Transformers" in titles  # emoji survive
    poster = next(s for s in spec.schedule if s.title == "Poster Day 1 Session 3 (P1S3)")
    assert poster.kind == "poster" and poster.room is None  # a web address is no room
    assert poster.url == "https://iclr.cc/virtual/papers.html?session=Mon+Session+3&filter=keywords"


# -- excerpts: what the shared files do not show ---------------------------------------

SESSIONIZE = {
    "sessions": [
        {"id": "176149", "title": "Kubernetes <b>for</b> beginners",
         "description": "<p>Pods&nbsp;and\u00a0services.</p>", "startsAt": "2020-03-28T09:00:00",
         "endsAt": "2020-03-28T09:45:00", "isServiceSession": False, "isPlenumSession": False,
         "speakers": ["b1f7a8bd-b237-4375-9e04-bd3189932ad1", "c2"], "categoryItems": [30937],
         "questionAnswers": [], "roomId": 12259},
        {"id": "7b3d6b07-9f2e-4d8c-a0f1-0d8f0c7e1a11", "title": "Lunch", "description": None,
         "startsAt": "2020-03-28T12:00:00", "endsAt": "2020-03-28T13:00:00",
         "isServiceSession": True, "isPlenumSession": True, "speakers": [],
         "categoryItems": [], "questionAnswers": [], "roomId": 12260},
        {"id": "176150", "title": "Not scheduled yet", "startsAt": None, "endsAt": None,
         "speakers": [], "categoryItems": [], "roomId": None},
    ],
    "speakers": [
        {"id": "b1f7a8bd-b237-4375-9e04-bd3189932ad1", "firstName": "Ada", "lastName": "Lovelace",
         "fullName": "Ada Lovelace", "sessions": [176149]},
        {"id": "c2", "firstName": "Alan", "lastName": "Turing", "fullName": "", "sessions": []},
    ],
    "categories": [{"id": 1, "title": "Track", "items": [{"id": 30937, "name": "Cloud"}]}],
    "rooms": [{"id": 12259, "name": "Room A", "sort": 0}, {"id": 12260, "name": "Hall", "sort": 1}],
}


def test_sessionize_needs_the_zone_and_then_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "All.json"
    path.write_text(json.dumps(SESSIONIZE))
    with pytest.raises(ProgramError) as refused:
        load_program_file(path)
    assert refused.value.lines == [
        f"{path}: the times in this Sessionize (view/All) JSON file carry no UTC offset and "
        "it names no time zone; name the zone with --program-timezone ZONE (or "
        "BOT_PROGRAM_TIMEZONE), e.g. --program-timezone Europe/Berlin"]
    loaded = load_program_file(path, ZoneInfo("America/New_York"))
    talk, lunch = loaded.spec.schedule
    assert talk.start == datetime(2020, 3, 28, 13, 0, tzinfo=UTC)  # 09:00 EDT
    assert talk.title == "Kubernetes <b>for</b> beginners"  # a title is text, kept as written
    assert talk.summary == "Pods and services."  # HTML stripped, U+00A0 a plain space
    assert talk.speakers == ["Ada Lovelace", "Alan Turing"]
    assert (talk.room, talk.track, talk.id) == ("Room A", "Cloud", "176149")
    assert lunch.kind == "break" and lunch.room == "Hall"
    assert any("1 sessions have no time slot" in w for w in loaded.warnings)
    assert loaded.spec.workshop.timezone == "America/New_York"


PENTABARF = """<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <conference><title>FOSDEM 2018</title><venue>ULB (Université Libre de Bruxelles)</venue>
    <start>2018-02-03</start><end>2018-02-04</end><days>2</days>
    <day_change>09:00:00</day_change><timeslot_duration>00:05:00</timeslot_duration>
  </conference>
  <day index="1" date="2018-02-03">
    <room name="Janson">
      <event id="6245"><start>10:00</start><duration>00:50</duration><room>Janson</room>
        <slug>osi</slug><title>Closing the gap</title><subtitle/><track>Keynotes</track>
        <type>keynote</type><abstract>&lt;p&gt;Open source &amp;amp; you&lt;/p&gt;</abstract>
        <persons><person id="228">Simon Phipps</person></persons></event>
      <event id="6246"><start>01:30</start><duration>00:30</duration><room>Janson</room>
        <title>Night owls</title><type>other</type><persons/></event>
    </room>
  </day>
</schedule>
"""


def test_pentabarf_without_a_zone_is_refused_then_read_in_the_given_zone(tmp_path: Path) -> None:
    path = tmp_path / "fosdem.xml"
    path.write_text(PENTABARF)
    with pytest.raises(ProgramError) as refused:
        load_program_file(path)
    assert len(refused.value.lines) == 1
    assert "carry no UTC offset and it names no time zone; name the zone with " \
           "--program-timezone" in refused.value.lines[0]
    spec = load_program_file(path, ZoneInfo("Europe/Brussels")).spec
    keynote, night = spec.schedule
    assert keynote.start == datetime(2018, 2, 3, 9, 0, tzinfo=UTC)  # 10:00 CET
    assert keynote.kind == "keynote" and keynote.summary == "Open source & you"
    assert keynote.id == "6245" and spec.workshop.venue.startswith("ULB")
    # 01:30 is before the day's change-over at 09:00: the night after the 3rd
    assert night.start == datetime(2018, 2, 4, 0, 30, tzinfo=UTC)
    assert str(night.day) == "2018-02-03"


SCHEDULE_2 = {
    "$schema": "https://c3voc.de/schedule/schema2.json",
    "schedule": {
        "version": "1", "conference": {
            "acronym": "38c3", "title": "38C3", "time_zone_name": "Europe/Berlin",
            "start": "2024-12-27T09:30:00+00:00", "end": "2024-12-30T17:45:00+00:00",
            "days": [{"index": 1, "date": "2024-12-27", "day_start": "2024-12-27T09:00:00+01:00",
                      "day_end": "2024-12-28T05:00:00+01:00"}]},
        "events": [
            {"guid": "270fa44c-0000-4000-8000-000000000001", "start": "2024-12-27T10:30:00+01:00",
             "end": "2024-12-27T11:00:00+01:00", "room": {"name": "Saal 1", "guid": "r1"},
             "title": "38C3: Opening Ceremony", "track": {"slug": "ccc"}, "type": "other",
             "abstract": None, "participants": [{"guid": "p", "name": "Gabriela Bogk",
                                                  "role": "speaker"}]},
            {"guid": "270fa44c-0000-4000-8000-000000000002", "start": "2024-12-28T01:00:00+01:00",
             "end": "2024-12-28T02:00:00+01:00", "room": {"name": "Saal GLITCH"},
             "title": "Late lecture", "track": "Art", "type": "talk",
             "participants": [{"name": "Night Person"}]},
        ],
    },
}


def test_the_flat_schedule_2_shape(tmp_path: Path) -> None:
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(SCHEDULE_2))
    spec = load_program_file(path).spec
    opening, late = spec.schedule
    assert opening.start == datetime(2024, 12, 27, 9, 30, tzinfo=UTC)
    assert (opening.room, opening.track, opening.kind) == ("Saal 1", "ccc", "remarks")
    assert opening.speakers == ["Gabriela Bogk"]
    assert str(late.day) == "2024-12-27"  # 01:00 belongs to the day that began at 09:00


CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
X-WR-CALNAME:Reading group\r
BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
BEGIN:STANDARD\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:weekly@example.org\r
DTSTAMP:20240101T000000Z\r
DTSTART;TZID=Europe/Berlin:20240304T180000\r
DTEND;TZID=Europe/Berlin:20240304T190000\r
RRULE:FREQ=WEEKLY;COUNT=4\r
EXDATE;TZID=Europe/Berlin:20240318T180000\r
SUMMARY:Paper club: a very long title that is folded over more than one line of th\r
 e file\r
LOCATION:Room 101\r
DESCRIPTION:Speakers: Ada Lovelace (Cambridge)\\, Alan Turing\\n\\nWe read <b>o\r
 ne</b> paper.\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
TRIGGER:-PT15M\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:cancelled@example.org\r
DTSTAMP:20240101T000000Z\r
DTSTART:20240305T170000Z\r
DTEND:20240305T180000Z\r
STATUS:CANCELLED\r
SUMMARY:Called off\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:allday@example.org\r
DTSTAMP:20240101T000000Z\r
DTSTART;VALUE=DATE:20240304\r
SUMMARY:Day 1\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:cet@example.org\r
DTSTAMP:20240101T000000Z\r
DTSTART;TZID=Europe/Berlin:20240401T090000\r
DURATION:PT45M\r
SUMMARY:After the clocks changed\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_a_calendar_with_repeats_exceptions_cancellations_and_all_day_events(
        tmp_path: Path) -> None:
    path = tmp_path / "group.ics"
    path.write_text(CALENDAR, newline="")
    loaded = load_program_file(path)
    spec = loaded.spec
    titles = [s.title for s in spec.schedule]
    assert "Called off" not in titles and "Day 1" not in titles
    weekly = [s for s in spec.schedule if s.title.startswith("Paper club")]
    assert [s.start for s in weekly] == [  # four weeks, the third one excepted; 18:00 CET
        datetime(2024, 3, 4, 17, 0, tzinfo=UTC), datetime(2024, 3, 11, 17, 0, tzinfo=UTC),
        datetime(2024, 3, 25, 17, 0, tzinfo=UTC)]
    assert weekly[0].title.endswith("more than one line of the file")  # unfolded
    assert weekly[0].speakers == ["Ada Lovelace", "Alan Turing"]
    assert weekly[0].summary == "We read one paper."
    assert weekly[0].room == "Room 101"
    assert len({s.id for s in weekly}) == 3  # each occurrence has an id of its own
    after = next(s for s in spec.schedule if s.title == "After the clocks changed")
    assert after.start == datetime(2024, 4, 1, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert after.end - after.start == timedelta(minutes=45)
    assert spec.workshop.timezone == "Europe/Berlin"
    assert any("1 all-day events are not sessions" in w for w in loaded.warnings)


PAPERS = ("\ufeffID;Title;Authors;Abstract;Keywords;Session\n"
          "12;Learned indexes;Tim\u00a0Kraska and Alex\u00a0Beutel, Ed H. Chi | Jeff Dean;"
          "<p>Indexes <i>are</i> models.</p>;databases, learning;Posters\n"
          "13;Zero-shot cost models;Benjamin Hilprecht;;;\n")
PROGRAM = """
workshop: {id: demo, name: Demo, date: 2024-05-06, timezone: Europe/Berlin}
schedule:
  - {id: posters, kind: poster, title: Posters, start: "2024-05-06T14:00:00+02:00",
     end: "2024-05-06T15:00:00+02:00"}
papers:
  - {id: own, title: Our own paper, authors: [Ada Lovelace]}
papers_from: papers.csv
"""


def test_papers_from_a_csv_with_a_bom_and_no_break_spaces(tmp_path: Path) -> None:
    (tmp_path / "papers.csv").write_text(PAPERS, encoding="utf-8")
    (tmp_path / "program.yaml").write_text(PROGRAM)
    loaded = load_program_file(tmp_path / "program.yaml")
    own, learned, zero = loaded.spec.papers
    assert own.id == "own"
    assert learned.id == "paper-12" and learned.title == "Learned indexes"
    assert learned.authors == ["Tim Kraska", "Alex Beutel", "Ed H. Chi", "Jeff Dean"]
    assert learned.summary == "Indexes are models."
    assert learned.keywords == ["databases", "learning"]
    assert learned.session == "posters"  # named by its title in the CSV
    assert zero.authors == ["Benjamin Hilprecht"] and zero.summary is None
    assert tmp_path / "papers.csv" in loaded.inputs


def test_schedule_from_an_export_with_the_yaml_keeping_chat_ids(tmp_path: Path) -> None:
    (tmp_path / "All.json").write_text(json.dumps(SESSIONIZE))
    (tmp_path / "program.yaml").write_text("""
workshop: {id: codecamp, name: Orlando Code Camp, venue: Seminole State College}
schedule_from: All.json
people:
  - {name: Ada Lovelace, discord_id: "123456789012345678", slack_id: U0ADA}
channels: {discord: {announcements: "111111111111111111"}}
reminders: {announce: [5], speakers: [30]}
""")
    loaded = load_program_file(tmp_path / "program.yaml", ZoneInfo("America/New_York"))
    spec = loaded.spec
    assert (spec.workshop.id, spec.workshop.name) == ("codecamp", "Orlando Code Camp")
    assert spec.workshop.timezone == "America/New_York" and str(spec.workshop.date) == "2020-03-28"
    assert [s.id for s in spec.schedule] == ["176149", "ev-" + stable_slug(
        "7b3d6b07-9f2e-4d8c-a0f1-0d8f0c7e1a11").removeprefix("ev-")]
    assert spec.people[0].discord_id == "123456789012345678"
    assert spec.reminders.announce == [5]
    assert not any("does not name its event" in w for w in loaded.warnings)
    assert loaded.inputs == (tmp_path / "program.yaml", tmp_path / "All.json")


def test_a_file_of_no_known_format_is_refused_naming_the_formats(tmp_path: Path) -> None:
    for name, text in (("notes.txt", "just some notes\nand more"),
                       ("data.json", '{"talks": []}'), ("page.html", "<html><body/></html>")):
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(ProgramError) as refused:
            load_program_file(path)
        (line,) = refused.value.lines
        assert line.startswith(str(path))
        assert "I read our program YAML, pretalx / frab schedule JSON, frab / Pentabarf " \
               "schedule XML, iCalendar (.ics) or Sessionize view/All JSON" in line


def _series(moved_to: str | None) -> str:
    override = "" if moved_to is None else (
        "BEGIN:VEVENT\r\nUID:club@example.org\r\nRECURRENCE-ID:20240311T170000Z\r\n"
        f"DTSTART:{moved_to}\r\nDTEND:{moved_to[:9]}{int(moved_to[9:11]) + 1:02d}0000Z\r\n"
        "SUMMARY:Paper club\r\nEND:VEVENT\r\n")
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:club@example.org\r\n"
            "DTSTART:20240304T170000Z\r\nDTEND:20240304T180000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
            "SUMMARY:Paper club\r\nDESCRIPTION:Speakers: Marie Curie (Sorbonne\\, Paris)\\, "
            "Pierre Curie\r\nEND:VEVENT\r\n" + override + "END:VCALENDAR\r\n")


def test_a_moved_occurrence_keeps_its_id_and_affiliations_keep_their_commas(
        tmp_path: Path) -> None:
    path = tmp_path / "club.ics"
    path.write_text(_series(None), newline="")
    before = {s.id: s.start for s in load_program_file(path).spec.schedule}
    path.write_text(_series("20240312T150000Z"), newline="")
    spec = load_program_file(path).spec
    after = {s.id: s.start for s in spec.schedule}
    assert after.keys() == before.keys()  # the same three sessions, one of them moved
    moved = [k for k in after if after[k] != before[k]]
    assert [after[k] for k in moved] == [datetime(2024, 3, 12, 15, 0, tzinfo=UTC)]
    assert spec.schedule[0].speakers == ["Marie Curie", "Pierre Curie"]


def test_no_zone_warning_in_the_hour_a_clock_goes_back(tmp_path: Path) -> None:
    event = {"guid": "g1", "title": "Late", "start": "2024-11-03T00:45:00-04:00",
             "end": "2024-11-03T01:15:00-05:00", "room": "A", "track": {"en": "Main"},
             "participants": [{"name": "Night Owl"}]}
    path = tmp_path / "flat.json"
    path.write_text(json.dumps({"schedule": {"version": "2", "conference": {
        "title": "X", "acronym": "xcon", "time_zone_name": "America/New_York"},
        "events": [event]}}))
    loaded = load_program_file(path)
    assert loaded.warnings == ()  # 01:15 EST is right: 01:15 happens twice that night
    assert loaded.spec.schedule[0].track == "Main"  # a track in several languages


def test_a_zone_set_over_an_export_keeps_its_late_sessions_on_their_day(tmp_path: Path) -> None:
    # 31C3's XML names no zone; the organizer's YAML does. Its 00:00 film is 23:00 UTC on
    # the 27th, so read in UTC its day looked like its date; in Berlin it is not.
    (tmp_path / "31c3.xml").write_bytes((DATA / "frab-31c3-2014.xml").read_bytes())
    (tmp_path / "program.yaml").write_text(
        "workshop: {timezone: Europe/Berlin}\nschedule_from: 31c3.xml\n")
    spec = load_program_file(tmp_path / "program.yaml").spec
    film = next(s for s in spec.schedule if s.title == "Citizenfour")
    assert film.start.astimezone(BERLIN).isoformat() == "2014-12-28T00:00:00+01:00"
    assert str(film.day) == "2014-12-27"


# -- careless and hostile exports (issue 11, items 7 and 8) -------------------------------


YEARS = "1970 to 2999, the only ones the bot keeps time in"


def _frab(event: dict[str, object], **conference: object) -> str:
    return json.dumps({"schedule": {"version": "1", "conference": {
        "title": "X", "acronym": "x", **conference,
        "days": [{"date": "2024-01-01", "rooms": {"A": [event]}}]}}}, indent=1)


def _refused(tmp_path: Path, name: str, text: str) -> list[str]:
    path = tmp_path / name
    path.write_text(text, newline="")
    with pytest.raises(ProgramError) as refused:
        load_program_file(path)
    return [line.removeprefix(f"{path}: ") for line in refused.value.lines]


def test_a_key_written_twice_in_an_export_names_both_lines(tmp_path: Path) -> None:
    text = _frab({"guid": "g1", "title": "One", "date": "2024-01-01T10:00:00+01:00",
                  "duration": "00:30"}).replace('"title": "One",', '"title": "One",\n'
                                                '       "title": "Two",')
    assert 'line' not in text.split('"Two"')[0].rsplit("\n", 1)[-1]  # it is on a line of its own
    line = text.splitlines().index('       "title": "Two",') + 1
    assert _refused(tmp_path, "dup.json", text) == [
        f"line {line}: the key 'title' is written twice in one object (first on line "
        f"{line - 1}); keep one"]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("year1.json", _frab({"guid": "g1", "title": "T", "date": "0001-01-01T00:00:00+01:00",
                              "duration": "00:30"}),
         f"event g1 ('T'): date: 0001-01-01T00:00:00+01:00 is outside the years {YEARS}"),
        ("end-of-time.json", _frab({"guid": "g1", "title": "T", "duration": "00:30",
                                    "date": "9999-12-31T23:59:59-14:00"}),
         f"event g1 ('T'): date: 9999-12-31T23:59:59-14:00 is outside the years {YEARS}"),
        ("forever.json", _frab({"guid": "g1", "title": "T", "duration": "99999999:00",
                                "date": "2024-01-01T10:00:00+01:00"}),
         "event g1 ('T'): duration: '99999999:00' is not a duration like 00:30, and there is "
         "no 'end'"),
        ("year1.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u\r\nSUMMARY:T\r\n"
         "DTSTART:00010101T000000Z\r\nDURATION:PT30M\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         f"event u ('T'): DTSTART: 0001-01-01T00:00:00+00:00 is outside the years {YEARS}"),
        ("forever.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u\r\nSUMMARY:T\r\n"
         "DTSTART:20240101T100000Z\r\nDURATION:P99999999D\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         "event u ('T'): DURATION: 99,999,999 days: longer than a program"),
        ("endless.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u\r\nSUMMARY:T\r\n"
         "DTSTART:20240101T100000Z\r\nDTEND:99991231T235959Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         f"event u ('T'): DTEND: 9999-12-31T23:59:59+00:00 is outside the years {YEARS}"),
        ("long.json", _frab({"guid": "g1", "title": "T", "date": "2024-01-01T10:00:00+01:00",
                             "duration": "x" * 10_000}),
         "event g1 ('T'): duration: '" + "x" * 78 + "… is not a duration like 00:30, and "
         "there is no 'end'"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else "",
)
def test_times_no_program_can_have_are_one_line(
        tmp_path: Path, name: str, text: str, expected: str) -> None:
    assert _refused(tmp_path, name, text) == [expected]


def test_a_papers_csv_naming_a_column_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "papers.csv").write_text("id,Title,title,authors\n1,A,B,Ada\n")
    program = ("workshop: {id: x, name: X, date: 2024-01-01, timezone: UTC}\n"
               "papers_from: papers.csv\n")
    assert _refused(tmp_path, "program.yaml", program) == [
        f"{tmp_path / 'papers.csv'}: the header names the column 'title' twice (columns 2 "
        "and 3); keep one"]


def test_a_header_without_a_title_is_named_in_200_characters(tmp_path: Path) -> None:
    (tmp_path / "papers.csv").write_text(",".join(f"c{n}" for n in range(10_000)) +
                                         ",title\n1,A\n")
    program = ("workshop: {id: x, name: X, date: 2024-01-01, timezone: UTC}\n"
               "papers_from: papers.csv\n")
    (line,) = _refused(tmp_path, "program.yaml", program)
    assert line.startswith(f"{tmp_path / 'papers.csv'}: no authors column (the header row "
                           "has: c0, c1, c2")
    assert len(line) < len(str(tmp_path)) + 300


def test_a_calendar_of_50000_broken_events_is_20_lines_and_a_count(tmp_path: Path) -> None:
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "BEGIN:VEVENT\r\nEND:VEVENT\r\n" * 50_000 + \
        "END:VCALENDAR\r\n"
    lines = _refused(tmp_path, "broken.ics", text)
    assert lines == ["an event: DTSTART: missing: the event has no start"] * 20 + [
        "… and 49,980 more problems"]
