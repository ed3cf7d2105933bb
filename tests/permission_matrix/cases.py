from lantern.accounts.roles import Role

from . import Row, roles

CASELOAD_HOLDERS = (
    Role.YOUTH_SUPPORT_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.MISSING_PRACTITIONER,
    Role.DETACHED_YOUTH_WORKER,
    Role.CLINICAL_PSYCHOLOGIST,
    Role.TEAM_MANAGER,
    Role.SOCIAL_WORKER,
)

ROWS = [
    # Partners, analysts, the data protection lead and administrators hold no caseload.
    Row("cases:caseload", expect=roles(*CASELOAD_HOLDERS)),
]
