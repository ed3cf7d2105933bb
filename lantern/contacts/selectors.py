"""Reads of contacts (case notes), formulations and joint working."""

import datetime as dt
from collections.abc import Iterable


def last_contacts(case_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each case last had a contact in which the young person was seen
    (attempted contacts do not count), in a fixed number of queries.
    CONTRACT for the caseload; the contacts work fills it in."""
    return {}


def first_contacts(case_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each case first had a contact in which the young person was seen:
    the end of the "first contact" timescale. Fixed number of queries.
    CONTRACT for the call-in lists; the contacts work fills it in."""
    return {}
