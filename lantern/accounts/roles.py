"""Roles: each a named set of permissions, defined in code so that what a role
may do is reviewed like any other change.

A user holds roles through team memberships and may hold several. Record-level
rules (which young people a role sees) live in each app's permissions.py; the
permissions here say what kind of thing a role may do at all.
"""

from django.db import models


class Role(models.TextChoices):
    YOUTH_SUPPORT_WORKER = "youth_support_worker", "Youth support worker"
    SENIOR_PRACTITIONER = "senior_practitioner", "Senior practitioner"
    MISSING_PRACTITIONER = "missing_practitioner", "Missing practitioner"
    DETACHED_YOUTH_WORKER = "detached_youth_worker", "Detached youth worker"
    CLINICAL_PSYCHOLOGIST = "clinical_psychologist", "Clinical psychologist"
    TEAM_MANAGER = "team_manager", "Team manager"
    SOCIAL_WORKER = "social_worker", "Social worker (lead practitioner)"
    PARTNER_AGENCY_USER = "partner_agency_user", "Partner agency user"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    DATA_PROTECTION_LEAD = "data_protection_lead", "Data protection lead"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"


class Perm:
    """Permission names, as `user.has_perm()` takes them."""

    VIEW_PEOPLE = "people.view_people"
    SEARCH_PEOPLE = "people.search_people"
    ADD_PERSON = "people.add_person"
    CHANGE_PERSON = "people.change_person"
    VIEW_PHOTO = "people.view_photo"
    SHARE_RECORD = "people.share_record"
    RESTRICT_RECORD = "people.restrict_record"
    BREAK_GLASS = "people.break_glass"
    VIEW_CASELOAD = "cases.view_caseload"
    MANAGE_INVOLVEMENTS = "cases.manage_involvements"
    # The call-in service (issue 3).
    MAKE_REQUEST = "referrals.make_request"  # make or record a call-in request
    DECIDE_REQUEST = "referrals.decide_request"  # consultation, decision, priority
    ALLOCATE_CASE = "cases.allocate_case"
    RECORD_CASEWORK = "cases.record_casework"  # contacts, plans, reviews, closure
    SIGN_OFF = "cases.sign_off"  # a manager's approval of plans, closure, over-capacity allocation
    RECORD_FORMULATION = "cases.record_formulation"  # the clinical psychologist's formulation
    RECORD_SCREENING = "tools.record_screening"  # exploitation screenings and outcome tools
    EXPORT_LISTS = "cases.export_lists"  # CSV of lists with names (audited)
    # Missing from home or care (issue 4).
    RECORD_EPISODE = "missing.record_episode"  # record or update a missing episode
    VIEW_MISSING_BOARD = "missing.view_board"  # the missing team's board and reports
    RECORD_INTERVIEW = "missing.record_interview"  # offer, attempts and record Return Home Interviews
    ALLOCATE_INTERVIEW = "missing.allocate_interview"
    OVERRIDE_INDEPENDENCE = "missing.override_independence"  # a manager's recorded exception
    IMPORT_POLICE = "missing.import_police"  # the police's missing notifications
    EXPORT_RETURNS = "missing.export_returns"  # SSDA903 Missing and Annex A list 8 (audited)
    VIEW_AUDIT = "audit.view_audit"
    VIEW_MEASURES = "measures.view_measures"
    MANAGE_USERS = "accounts.manage_users"
    MANAGE_REFERENCE_DATA = "core.manage_reference_data"


_PRACTITIONER = frozenset(
    {
        Perm.VIEW_PEOPLE,
        Perm.SEARCH_PEOPLE,
        Perm.ADD_PERSON,
        Perm.CHANGE_PERSON,
        Perm.VIEW_PHOTO,
        Perm.BREAK_GLASS,
        Perm.VIEW_CASELOAD,
        Perm.MAKE_REQUEST,
        Perm.RECORD_SCREENING,
    }
)
# Those who hold call-in cases and record the casework on them. Anyone who
# works with a young person may record that they have gone missing.
_CASEWORKER = _PRACTITIONER | {Perm.RECORD_CASEWORK, Perm.RECORD_EPISODE}
# The missing team: episodes, the police's notifications and the interviews.
_MISSING_WORK = frozenset({Perm.RECORD_EPISODE, Perm.VIEW_MISSING_BOARD, Perm.RECORD_INTERVIEW, Perm.IMPORT_POLICE})

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.YOUTH_SUPPORT_WORKER: _CASEWORKER,
    Role.SENIOR_PRACTITIONER: _CASEWORKER
    | {Perm.SHARE_RECORD, Perm.MANAGE_INVOLVEMENTS, Perm.EXPORT_LISTS, Perm.ALLOCATE_CASE},
    Role.MISSING_PRACTITIONER: _PRACTITIONER | _MISSING_WORK,
    Role.DETACHED_YOUTH_WORKER: _PRACTITIONER,
    Role.CLINICAL_PSYCHOLOGIST: frozenset(
        {
            Perm.VIEW_PEOPLE,
            Perm.SEARCH_PEOPLE,
            Perm.VIEW_PHOTO,
            Perm.BREAK_GLASS,
            Perm.VIEW_CASELOAD,
            Perm.RECORD_FORMULATION,
        }
    ),
    Role.TEAM_MANAGER: _CASEWORKER
    | {
        Perm.SHARE_RECORD,
        Perm.RESTRICT_RECORD,
        Perm.MANAGE_INVOLVEMENTS,
        Perm.VIEW_AUDIT,
        Perm.DECIDE_REQUEST,
        Perm.ALLOCATE_CASE,
        Perm.SIGN_OFF,
        Perm.EXPORT_LISTS,
    }
    | _MISSING_WORK
    | {Perm.ALLOCATE_INTERVIEW, Perm.OVERRIDE_INDEPENDENCE, Perm.EXPORT_RETURNS},
    # The lead practitioner calls the service in, completes a screening with
    # the request, and sees the service's work on their child; they do not
    # record the service's casework.
    Role.SOCIAL_WORKER: frozenset(
        {
            Perm.VIEW_PEOPLE,
            Perm.SEARCH_PEOPLE,
            Perm.ADD_PERSON,
            Perm.CHANGE_PERSON,
            Perm.VIEW_PHOTO,
            Perm.VIEW_CASELOAD,
            Perm.MAKE_REQUEST,
            Perm.RECORD_SCREENING,
            Perm.RECORD_EPISODE,
        }
    ),
    # Partners see what is shared with their organisation; they do not create
    # or change the council's records.
    Role.PARTNER_AGENCY_USER: frozenset({Perm.VIEW_PEOPLE, Perm.SEARCH_PEOPLE}),
    # Analysts see measures, never names.
    # The statutory returns carry no names (the council's child identifier,
    # dates of birth and episodes): the analyst produces them.
    Role.PERFORMANCE_ANALYST: frozenset({Perm.VIEW_MEASURES, Perm.EXPORT_RETURNS}),
    Role.DATA_PROTECTION_LEAD: frozenset({Perm.VIEW_AUDIT}),
    # Administrators manage users and lists; they do not read case records.
    Role.SYSTEM_ADMINISTRATOR: frozenset({Perm.MANAGE_USERS, Perm.MANAGE_REFERENCE_DATA}),
}

# Roles whose holders see the records of every young person their teams are
# involved with, open or closed (the others see open involvements only).
MANAGER_ROLES = frozenset({Role.TEAM_MANAGER})
# Roles that see young people through their teams' open involvements.
TEAM_WORKER_ROLES = frozenset(
    {
        Role.YOUTH_SUPPORT_WORKER,
        Role.SENIOR_PRACTITIONER,
        Role.MISSING_PRACTITIONER,
        Role.DETACHED_YOUTH_WORKER,
        Role.CLINICAL_PSYCHOLOGIST,
    }
)


def permissions_for(roles: set[str]) -> frozenset[str]:
    perms: set[str] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS.get(Role(role), frozenset())
    return frozenset(perms)
