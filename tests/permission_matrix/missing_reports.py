"""The missing team's reports (lantern/missing/views_reports.py).

The reports, the places and people named across interviews and the
repeat-missing list are for the missing team and managers (Perm.VIEW_MISSING_BOARD,
through their teams) and for performance analysts (Perm.VIEW_MEASURES), who
see counts but never names. The repeat-missing list's CSV carries names, so
it needs Perm.EXPORT_LISTS as well: of those roles, only the team manager
holds it (the senior practitioner holds Perm.EXPORT_LISTS but not the reports).
Everyone else gets 403 before anything is read. The pages take no record,
so the world's data is enough."""

from lantern.accounts.roles import Role

from . import Row, roles

REPORT_READERS = (Role.MISSING_PRACTITIONER, Role.TEAM_MANAGER, Role.PERFORMANCE_ANALYST)

ROWS = [
    Row("missing:reports", expect=roles(*REPORT_READERS)),
    Row("missing:mentions", expect=roles(*REPORT_READERS)),
    Row("missing:repeat_missing", expect=roles(*REPORT_READERS)),
    Row("missing:repeat_missing_export", expect=roles(Role.TEAM_MANAGER)),
]
