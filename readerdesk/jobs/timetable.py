"""Work on a timetable: the daily privacy purge and the reminders at the sites' targets. Each is a row
in the outbox that each run puts there again (``jobs.outbox.schedule``); whoever runs the outbox puts
the first ones there when it starts: the worker (with Redis), or each web process's job thread
(without). Scheduling replaces a pending row, so several starts leave one row per job."""

from __future__ import annotations

from datetime import datetime

from readerdesk.jobs.privacy import daily_purge, schedule_next_purge
from readerdesk.jobs.reminders import schedule_next_reminders, send_target_reminders
from readerdesk.models.types import DbSession

# The jobs on the timetable: a pending row of each is there all the time, by design.
TIMETABLED_JOBS = frozenset({daily_purge.__name__, send_target_reminders.__name__})


def start_timetable(session: DbSession, now: datetime) -> datetime:
    """Put the next purge and the next reminder run on the outbox; when the purge runs. Does not commit."""
    at = schedule_next_purge(session, now)
    schedule_next_reminders(session, now)
    return at
