"""What a service asks to happen after its transaction commits.

Services never send email or call other systems themselves: they return :class:`Job` values, and the
caller's unit of work (``readerdesk.unit_of_work``) hands them to the job runner once the change that
caused them is committed. A job is named, not imported, so services need not know the jobs layer.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Job(NamedTuple):
    """A job function's name in ``readerdesk.jobs.registry.JOBS`` and its plain arguments (ids, strings)."""

    name: str
    args: tuple[Any, ...] = ()
