"""The statutory returns pages (lantern/missing/views_returns.py).

The returns need Perm.EXPORT_RETURNS, held by team managers and performance
analysts; everyone else gets 403 before anything is built. The downloads are
requested without a year or date, so that a permitted role gets the page
back with the error (200) and nothing is exported."""

from lantern.accounts.roles import Role

from . import Row, roles

EXPORTERS = (Role.TEAM_MANAGER, Role.PERFORMANCE_ANALYST)

ROWS = [
    Row("missing:returns", expect=roles(*EXPORTERS)),
    Row("missing:ssda903_download", expect=roles(*EXPORTERS)),
    Row("missing:annex_a_download", expect=roles(*EXPORTERS)),
]
