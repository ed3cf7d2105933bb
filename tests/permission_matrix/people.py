"""The people register's pages (lantern/people/views.py).

Every row uses world.young_person, in every record reader's scope. Roles that
lack the permission a page needs get 403 before any record is looked up:
analysts, administrators and the data protection lead hold no people
permissions at all, so they get 403 everywhere here (never a 404 that would
say whether a record exists). Partner users may search and read shared
records but change nothing; clinical psychologists read but do not add or
change. Rows that would change the world (an alias removed, a record
created) are requested so that nothing changes: see each row."""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from lantern.accounts.roles import Role
from lantern.people.models import Adult, Household, Relationship, YoungPerson

from . import NOT_FOUND, OK, RECORD_READERS, Row, roles

# Roles holding Perm.ADD_PERSON and Perm.CHANGE_PERSON.
CHANGERS = (
    Role.YOUTH_SUPPORT_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.MISSING_PRACTITIONER,
    Role.DETACHED_YOUTH_WORKER,
    Role.TEAM_MANAGER,
    Role.SOCIAL_WORKER,
)
# Readers who may also see photos (everyone but partners).
PHOTO_VIEWERS = tuple(role for role in RECORD_READERS if role != Role.PARTNER_AGENCY_USER)


def _young_person(world):
    return {"pk": world.young_person.pk}


def _with_photo(world):
    # Written per test: MEDIA_ROOT is a fresh folder for each one.
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "purple").save(buffer, format="PNG")
    name = default_storage.save(f"photos/matrix-{world.young_person.pk}.png", ContentFile(buffer.getvalue()))
    YoungPerson.objects.filter(pk=world.young_person.pk).update(photo=name)
    return {"pk": world.young_person.pk}


def _linked_adult(world):
    relationship = Relationship.objects.filter(young_person=world.young_person, adult__isnull=False).first()
    if relationship is None or relationship.adult is None:
        adult = Adult.objects.create(first_name="Matrix", last_name="Parent", kind=Adult.Kind.PARENT_CARER)
        Relationship.objects.create(young_person=world.young_person, adult=adult, kind=Relationship.Kind.MOTHER)
        return {"pk": adult.pk}
    return {"pk": relationship.adult.pk}


ROWS = [
    Row("people:search", expect=roles(*RECORD_READERS), query="?q=smith"),
    Row("people:create", expect=roles(*CHANGERS)),
    Row("people:detail", expect=roles(*RECORD_READERS), kwargs=_young_person),
    Row("people:edit", expect=roles(*CHANGERS), kwargs=_young_person),
    Row("people:photo", expect=roles(*PHOTO_VIEWERS), kwargs=_with_photo),
    Row("people:photo_upload", expect=roles(*CHANGERS), kwargs=_young_person),
    Row("people:alias_add", expect=roles(*CHANGERS), kwargs=_young_person),
    # POST to an alias that does not exist: changers get past the permission
    # check to a 404, the rest are refused first. Nothing is removed.
    Row(
        "people:alias_remove",
        expect=roles(*CHANGERS, status=NOT_FOUND),
        kwargs=lambda w: {"pk": w.young_person.pk, "alias_pk": 999999},
        method="post",
    ),
    Row("people:legal_status_add", expect=roles(*CHANGERS), kwargs=_young_person),
    Row("people:relationship_add", expect=roles(*CHANGERS), kwargs=_young_person),
    Row("people:adult_create", expect=roles(*CHANGERS), kwargs=_young_person),
    Row("people:adult_detail", expect=roles(*RECORD_READERS, status=OK), kwargs=_linked_adult),
]


def _household(world):
    """A household with the world's young person in it (built per test, as
    each matrix test's changes roll back)."""
    household = Household.objects.filter(young_people=world.young_person).first()
    if household is None:
        household = Household.objects.create(name="Matrix household")
        household.young_people.add(world.young_person)
    return {"pk": household.pk}


def _relationship(world):
    adult = _linked_adult(world)["pk"]
    relationship = Relationship.objects.get(young_person=world.young_person, adult_id=adult)
    return {"pk": world.young_person.pk, "relationship_pk": relationship.pk}


ROWS += [
    Row("people:relationship_end", expect=roles(*CHANGERS), kwargs=_relationship),
    Row("people:relationship_remove", expect=roles(*CHANGERS), kwargs=_relationship),
    Row("people:household_add", expect=roles(*CHANGERS), kwargs=_young_person),
    Row("people:household_detail", expect=roles(*RECORD_READERS), kwargs=_household),
    Row("people:household_adult_add", expect=roles(*CHANGERS), kwargs=_household),
    Row("people:household_adult_create", expect=roles(*CHANGERS), kwargs=_household),
    # POSTs naming someone who is not a member: changers get past the
    # permission check to a 404, the rest are refused first. Nothing changes.
    Row(
        "people:household_young_person_remove",
        expect=roles(*CHANGERS, status=NOT_FOUND),
        kwargs=lambda w: {**_household(w), "member_pk": w.stranger.pk},
        method="post",
    ),
    Row(
        "people:household_adult_remove",
        expect=roles(*CHANGERS, status=NOT_FOUND),
        kwargs=lambda w: {**_household(w), "member_pk": 999999},
        method="post",
    ),
]
