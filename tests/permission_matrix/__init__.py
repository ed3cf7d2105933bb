"""The permission matrix: every URL the project defines, for every role.

Each app's module here exports ROWS, a list of `Row`s. tests/test_permission_matrix.py
walks every named URL pattern and fails if one has no row, then requests each
row's URL as each role (and signed out) and asserts the expected status.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lantern.accounts.roles import Role

ALL_ROLES = tuple(Role)
SIGNED_OUT = "signed_out"

OK = 200
REDIRECT = 302
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405  # wrong method, e.g. GET on a POST-only action


@dataclass(frozen=True)
class Row:
    """One URL. `expect` maps roles to the status they get; roles not named get
    `default`. Signed-out visitors get a redirect to sign-in unless
    `signed_out` says otherwise. `kwargs(world)` builds the URL's arguments
    from the shared fixture world (tests/permission_matrix/world.py)."""

    name: str
    expect: dict[str, int] = field(default_factory=dict)
    default: int = FORBIDDEN
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None
    signed_out: int = REDIRECT
    query: str = ""

    def expected(self, role: str) -> int:
        if role == SIGNED_OUT:
            return self.signed_out
        return self.expect.get(role, self.default)


def roles(*names: str, status: int = OK) -> dict[str, int]:
    return dict.fromkeys(names, status)


def every_role(status: int = OK) -> dict[str, int]:
    return dict.fromkeys(ALL_ROLES, status)


# Roles that see the world's young person through the world's team or share.
PRACTITIONERS = (
    Role.YOUTH_SUPPORT_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.MISSING_PRACTITIONER,
    Role.DETACHED_YOUTH_WORKER,
    Role.CLINICAL_PSYCHOLOGIST,
    Role.TEAM_MANAGER,
)
RECORD_READERS = (*PRACTITIONERS, Role.SOCIAL_WORKER, Role.PARTNER_AGENCY_USER)
