"""The calendar export is RFC 5545 whatever the data holds: every value from the data is
escaped TEXT (UIDs too), long lines are folded at 75 octets without splitting a character,
and a real iCalendar library reads back exactly the events we meant -- no extra event,
property or component, and each value as it was, less its control characters."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import icalendar
from hypothesis import given, settings, strategies as st

from storage.exchange import export_ics
from tracker.calendar import CalendarEvent

PROPERTIES = ["CATEGORIES", "DESCRIPTION", "DTEND", "DTSTAMP", "DTSTART", "SUMMARY",
              "TRANSP", "UID"]
#: what iCalendar, vCard and terminals give meaning to, and any other text
PIECES = ["\r\n", "\n", "\r", "\\", "\\n", "\\,", ";", ",", ":", '"', "END:VEVENT",
          "BEGIN:VALARM", "ATTACH:http://evil.example", "\r\n ", "\x1b]52;c;ZWNobw==\x07",
          "\x9b6n", "\x00", "\t", "\x7f", "é", "中文", "😀", "\u202e", "\u2028", " "]
hostile = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=12).map("".join)
long_text = st.text(min_size=70, max_size=200)


def meant(text: str) -> str:
    """What a value should read back as: line breaks as LF, no control character but tab
    and LF (RFC 5545 allows no other in TEXT)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch) != "Cc")


@st.composite
def events(draw) -> list[CalendarEvent]:
    out = []
    for n in range(draw(st.integers(1, 3))):
        start = date(2026, 11, 25) + timedelta(days=n)
        out.append(CalendarEvent(
            uid=draw(hostile | long_text), client_id=draw(hostile), client=draw(hostile),
            kind=draw(hostile.filter(lambda k: meant(k).strip())), start=start,
            end=start + timedelta(days=1), summary=draw(hostile | long_text),
            description=draw(hostile | long_text)))
    return out


@settings(max_examples=200, deadline=None)
@given(events())
def test_any_text_in_every_field_reads_back_as_exactly_the_events_we_meant(given_events):
    raw = export_ics(given_events, "20261125T080000Z", name="Agency; \\ ,\r\nX-EVIL:1")
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
    for line in lines:  # each folded line is whole UTF-8, with no control character
        text = line.decode("utf-8")
        assert meant(text) == text and "\n" not in text
    cal = icalendar.Calendar.from_ical(raw)
    # an X- property is read as it is written: escaped
    assert cal["X-WR-CALNAME"].to_ical() == b"Agency\\; \\\\ \\,\\nX-EVIL:1"
    assert sorted(cal) == ["CALSCALE", "METHOD", "PRODID", "VERSION", "X-WR-CALNAME"]
    assert [c.name for c in cal.subcomponents] == ["VEVENT"] * len(given_events)
    for e, ours in zip(cal.subcomponents, given_events, strict=True):
        assert sorted(e) == PROPERTIES and not e.subcomponents
        assert str(e["UID"]) == meant(ours.uid)
        assert str(e["SUMMARY"]) == meant(ours.summary)
        assert str(e["DESCRIPTION"]) == meant(ours.description)
        assert [str(c) for c in e["CATEGORIES"].cats] == [meant(ours.kind).replace("_", " ")]
        assert (e["DTSTART"].dt, e["DTEND"].dt) == (ours.start, ours.end)
