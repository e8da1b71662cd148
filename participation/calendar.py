"""iCalendar (.ics) feeds of a council's public meetings, in the city's time zone, so a
phone's calendar shows them at the right hour on both sides of a daylight-saving change."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from participation.models import Meeting


def meetings_calendar(meetings: Iterable[Meeting], *, name: str, url_for) -> bytes:  # type: ignore[no-untyped-def]
    """A VCALENDAR with one VEVENT per meeting (local times with TZID, and the VTIMEZONE
    that defines them). `url_for(meeting)` gives each meeting's page address."""
    zone = ZoneInfo(settings.TIME_ZONE)
    host = urlparse(settings.PORTAL_BASE_URL).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", "-//Right to the City portal//council meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"council-meeting-{meeting.pk}@{host}")
        event.add("dtstamp", meeting.updated_at.astimezone(ZoneInfo("UTC")))
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("dtend", meeting.ends_at.astimezone(zone))
        event.add("summary", meeting.title)
        where = meeting.place or (str(meeting.location) if meeting.location else "")
        if where:
            event.add("location", where)
        event.add("url", url_for(meeting))
        description = [url_for(meeting)]
        if meeting.online_url:
            description.append(meeting.online_url)
        event.add("description", "\n".join(description))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
