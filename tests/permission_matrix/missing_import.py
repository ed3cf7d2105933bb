"""The police notifications import (lantern/missing/views_import.py).

Perm.IMPORT_POLICE is held by missing practitioners and team managers; in
the world both are in "TYSS North", so both reach the team's imports and
everyone else gets 403 before any import is looked up. Rows with an import
use one uploaded by the world's missing practitioner to the world's team,
whose only row concerns someone not on the register: resolving with no
choice and committing both come back as the preview with the error (200),
and nothing changes; discarding redirects (the second role finds it already
discarded and is redirected with that message)."""

from lantern.accounts.roles import Role
from lantern.missing.police_import import police_import_upload

from . import Row, roles

IMPORTERS = (Role.MISSING_PRACTITIONER, Role.TEAM_MANAGER)
FILE = (
    b"police_reference,first_name,last_name,date_of_birth,missing_from,risk_grading\r\n"
    b"NC-MATRIX-1,Nobody,On-the-register,03/04/2012,01/11/2026 18:30,medium\r\n"
)


def _import(world):
    police_import = police_import_upload(
        actor=world.users[Role.MISSING_PRACTITIONER], team=world.team, filename="matrix.csv", data=FILE
    )
    return {"pk": police_import.pk}


ROWS = [
    Row("missing:import_list", expect=roles(*IMPORTERS)),
    Row("missing:import_new", expect=roles(*IMPORTERS)),
    Row("missing:import_detail", expect=roles(*IMPORTERS), kwargs=_import),
    Row(
        "missing:import_resolve",
        expect=roles(*IMPORTERS),
        kwargs=_import,
        method="post",
        data=lambda world: {"line": "2", "choice": ""},
    ),
    Row("missing:import_commit", expect=roles(*IMPORTERS), kwargs=_import, method="post"),
    Row("missing:import_discard", expect=roles(*IMPORTERS, status=302), kwargs=_import, method="post"),
]
