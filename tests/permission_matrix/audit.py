"""Audit pages (lantern/audit/views.py)."""

from lantern.accounts.roles import Role

from . import NOT_FOUND, Row, roles

ROWS = [
    Row("audit:events", expect=roles(Role.TEAM_MANAGER, Role.DATA_PROTECTION_LEAD)),
    Row("audit:export", expect=roles(Role.TEAM_MANAGER, Role.DATA_PROTECTION_LEAD)),
    # "Who has looked at this record": the data protection lead reads every
    # event on audit:events but does not see records, so this page (which
    # names the young person) is not found for them.
    Row(
        "audit:young_person",
        expect={Role.TEAM_MANAGER: 200, Role.DATA_PROTECTION_LEAD: NOT_FOUND},
        kwargs=lambda w: {"pk": w.young_person.pk},
    ),
]
