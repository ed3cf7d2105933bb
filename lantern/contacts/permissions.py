"""Who may see and record contacts, formulations and joint working.

Which cases a user sees is lantern.cases.permissions' business
(`visible_cases`); this module narrows what they see of a case:

- the narrative of a sensitive contact is for council staff only, never for
  a partner agency user (`narrative_visible_to`, the one rule every page,
  list, panel, history and chronology asks);
- formulations and consultation notes are the team's: everyone who may see
  the case except partner users;
- partner users see joint working only with their own organisation.

Each `visible_*(user)` queryset has a `*_of(user, young_person)` twin for
callers that already know the user sees the young person's record in full
(the person page's chronology and panels), and a `*_on(user, case)` form for
one case, which skips the scoping for a case fetched through
`get_case_for_user` (the case page and its panels): the same rows, with the
same narrowing by role, without scoping through every case the user may see
again.

Social workers (lead practitioners) are council staff who hold the case with
the service: they read sensitive narratives, formulations and consultation
notes. A user who holds a partner role is treated as a partner whatever else
they hold, so that a sensitive narrative never reaches a partner's screen.
"""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from lantern.accounts.models import User
from lantern.accounts.roles import MANAGER_ROLES, TEAM_WORKER_ROLES, Perm, Role
from lantern.cases.models import Case
from lantern.cases.permissions import fetched_for, visible_cases

from .models import ConsultationNote, Contact, Formulation, JointWorkingRecord

if TYPE_CHECKING:
    from lantern.people.models import YoungPerson

    from .models import ContactVersion

# Roles through which council staff see records (the partner role is the
# only other route to a record).
COUNCIL_RECORD_ROLES = frozenset({*TEAM_WORKER_ROLES, *MANAGER_ROLES, Role.SOCIAL_WORKER})


def is_partner(user: User) -> bool:
    return user.has_role(Role.PARTNER_AGENCY_USER)


def sees_team_casework(user: User) -> bool:
    """Council staff with record access, who see sensitive narratives,
    formulations and consultation notes on the cases they can see."""
    return user.is_authenticated and not is_partner(user) and user.has_role(*COUNCIL_RECORD_ROLES)


def narrative_visible_to(user: User, contact: Contact, *, version: "ContactVersion | None" = None) -> bool:
    """Whether this user may read the contact's narrative (or, with
    `version`, that version's narrative). A version's narrative stays hidden
    if either the contact is sensitive now or the version was marked
    sensitive when written."""
    sensitive = contact.sensitive or (version is not None and version.sensitive)
    return not sensitive or sees_team_casework(user)


def can_view_casework(user: User) -> bool:
    """Whether the user may open contact pages at all (which cases, and so
    which contacts, is then `visible_cases`)."""
    return user.is_authenticated and user.has_perm(Perm.VIEW_PEOPLE)


def visible_contacts(user: User) -> QuerySet[Contact]:
    if not can_view_casework(user):
        return Contact.objects.none()
    return Contact.objects.filter(case__in=visible_cases(user).values("pk"))


def contacts_of(user: User, young_person: "YoungPerson") -> QuerySet[Contact]:
    """The young person's contacts, for a user who sees their record in full
    (narratives still go through `narrative_visible_to`)."""
    if not can_view_casework(user):
        return Contact.objects.none()
    return Contact.objects.filter(young_person=young_person)


def contacts_on(user: User, case: Case) -> QuerySet[Contact]:
    """The case's contacts this user may see (narratives still go through
    `narrative_visible_to`)."""
    if fetched_for(user, case):
        return contacts_of(user, case.young_person).filter(case=case)
    return visible_contacts(user).filter(case=case)


def can_record_formulation(user: User, case: Case) -> bool:
    """The clinical psychologist records formulations and consultation notes
    on the open cases of the teams they belong to."""
    return case.is_open and user.has_perm(Perm.RECORD_FORMULATION) and case.team_id in user.team_ids


def visible_formulations(user: User) -> QuerySet[Formulation]:
    if not (can_view_casework(user) and sees_team_casework(user)):
        return Formulation.objects.none()
    return Formulation.objects.filter(case__in=visible_cases(user).values("pk"))


def formulations_of(user: User, young_person: "YoungPerson") -> QuerySet[Formulation]:
    """The young person's formulations, for a user who sees their record in
    full: none for partners."""
    if not (can_view_casework(user) and sees_team_casework(user)):
        return Formulation.objects.none()
    return Formulation.objects.filter(young_person=young_person)


def formulations_on(user: User, case: Case) -> QuerySet[Formulation]:
    if fetched_for(user, case):
        return formulations_of(user, case.young_person).filter(case=case)
    return visible_formulations(user).filter(case=case)


def visible_consultation_notes(user: User) -> QuerySet[ConsultationNote]:
    if not (can_view_casework(user) and sees_team_casework(user)):
        return ConsultationNote.objects.none()
    return ConsultationNote.objects.filter(case__in=visible_cases(user).values("pk"))


def consultation_notes_of(user: User, young_person: "YoungPerson") -> QuerySet[ConsultationNote]:
    """The young person's consultation notes, for a user who sees their record
    in full: none for partners."""
    if not (can_view_casework(user) and sees_team_casework(user)):
        return ConsultationNote.objects.none()
    return ConsultationNote.objects.filter(young_person=young_person)


def consultation_notes_on(user: User, case: Case) -> QuerySet[ConsultationNote]:
    if fetched_for(user, case):
        return consultation_notes_of(user, case.young_person).filter(case=case)
    return visible_consultation_notes(user).filter(case=case)


def visible_joint_working(user: User) -> QuerySet[JointWorkingRecord]:
    if not can_view_casework(user):
        return JointWorkingRecord.objects.none()
    return _own_organisations_only(user, JointWorkingRecord.objects.filter(case__in=visible_cases(user).values("pk")))


def joint_working_of(user: User, young_person: "YoungPerson") -> QuerySet[JointWorkingRecord]:
    """The young person's joint working, for a user who sees their record in
    full: a partner's own organisation's only."""
    if not can_view_casework(user):
        return JointWorkingRecord.objects.none()
    return _own_organisations_only(user, JointWorkingRecord.objects.filter(young_person=young_person))


def joint_working_on(user: User, case: Case) -> QuerySet[JointWorkingRecord]:
    if fetched_for(user, case):
        return joint_working_of(user, case.young_person).filter(case=case)
    return visible_joint_working(user).filter(case=case)


def _own_organisations_only(user: User, records: QuerySet[JointWorkingRecord]) -> QuerySet[JointWorkingRecord]:
    if sees_team_casework(user):
        return records
    partner_orgs = {m.team.organisation_id for m in user.active_memberships if m.role == Role.PARTNER_AGENCY_USER}
    return records.filter(organisation_id__in=partner_orgs)
