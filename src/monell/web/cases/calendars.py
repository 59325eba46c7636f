"""Deadlines as iCalendar: one .ics per matter, and a private feed per attorney."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Alarm, Calendar, Event

from monell.web.cases.models import MatterDeadline

REMINDERS_DAYS = (90, 30, 7, 1)


def calendar_for(deadlines: Iterable[MatterDeadline], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Monell//deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.UTC)
    for d in deadlines:
        event = Event()
        event.add("uid", f"monell-{d.matter.number}-{d.pk}@monell")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.due_on)
        event.add("dtend", d.due_on + dt.timedelta(days=1))
        event.add("summary", f"{d.matter.number}: {d.kind.replace('_', ' ')} deadline ({d.claim})")
        event.add(
            "description",
            f"{d.description} Statute: {d.statute or 'see memo'}. Confidence: "
            f"{d.confidence or 'unknown'}. Computed by Monell; a lawyer must confirm it.",
        )
        event.add("transp", "TRANSPARENT")
        for days in REMINDERS_DAYS:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{d.matter.number}: deadline in {days} day(s)")
            alarm.add("trigger", dt.timedelta(days=-days))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()  # type: ignore[no-any-return]
