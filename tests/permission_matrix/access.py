"""Restriction, break-glass and sharing pages (lantern/people/access_views.py).

World: the team manager manages the restriction on world.restricted_young_person,
so everyone else who can see that record sees a stub. Every row is a GET: the
POSTs are covered in lantern/people/tests/test_access_views.py, and a POST here
would change the world for the roles after it."""

from lantern.accounts.roles import Role
from lantern.people.models import RecordShare

from . import OK, Row, roles

# Roles that may break glass (Perm.BREAK_GLASS) and see the restricted record as a stub.
STUB_BREAKERS = (
    Role.YOUTH_SUPPORT_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.MISSING_PRACTITIONER,
    Role.DETACHED_YOUTH_WORKER,
    Role.CLINICAL_PSYCHOLOGIST,
)


def _world_share(world):
    share = RecordShare.objects.get(
        young_person=world.young_person, organisation=world.partner_organisation, revoked_at__isnull=True
    )
    return {"pk": world.young_person.pk, "share_pk": share.pk}


ROWS = [
    # Unrestricted: only a team manager (Perm.RESTRICT_RECORD) gets the form.
    Row("people:restriction", expect=roles(Role.TEAM_MANAGER), kwargs=lambda w: {"pk": w.young_person.pk}),
    # Restricted: only the restriction's manager reviews or lifts it.
    Row(
        "people:restriction_review",
        expect=roles(Role.TEAM_MANAGER),
        kwargs=lambda w: {"pk": w.restricted_young_person.pk},
    ),
    Row(
        "people:restriction_remove",
        expect=roles(Role.TEAM_MANAGER),
        kwargs=lambda w: {"pk": w.restricted_young_person.pk},
    ),
    # Those who see a stub and may break glass get the form; the manager sees
    # the record in full (403: nothing to break); the rest lack the permission.
    Row("people:break_glass", expect=roles(*STUB_BREAKERS), kwargs=lambda w: {"pk": w.restricted_young_person.pk}),
    Row(
        "people:shares",
        expect=roles(Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER, status=OK),
        kwargs=lambda w: {"pk": w.young_person.pk},
    ),
    Row("people:share_revoke", expect=roles(Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER), kwargs=_world_share),
]
