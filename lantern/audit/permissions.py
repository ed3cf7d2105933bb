"""Who may read the audit trail of one young person's record ("who has looked
at this record"): someone who sees the record in full and may read audit
events, or the manager of the record's restriction (who answers for it)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lantern.accounts.models import User
from lantern.accounts.roles import Perm
from lantern.people.models import RecordRestriction, YoungPerson
from lantern.people.permissions import Access, record_access


def can_view_record_audit(user: User, young_person: YoungPerson) -> bool:
    restriction = getattr(young_person, "restriction", None)
    if restriction is not None and restriction.manager_id == user.pk:
        return True
    return user.has_perm(Perm.VIEW_AUDIT) and record_access(user, young_person) is Access.FULL


def get_young_person_for_audit(user: User, pk: int) -> YoungPerson:
    """403 for a role that never reads the audit; 404 alike for a missing
    record and one the user may not see in full."""
    if (
        not user.has_perm(Perm.VIEW_AUDIT)
        and not RecordRestriction.objects.filter(young_person_id=pk, manager_id=user.pk).exists()
    ):
        raise PermissionDenied
    young_person = YoungPerson.objects.select_related("restriction").filter(pk=pk).first()
    if young_person is None or not can_view_record_audit(user, young_person):
        raise Http404("No such young person")
    return young_person
