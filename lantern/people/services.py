"""Writes to the people register. Each service validates, saves, keeps the
name index in step and writes its audit event in one transaction."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from lantern.accounts.models import Team, User
from lantern.accounts.roles import Role
from lantern.audit.services import Action, audit_log
from lantern.cases.models import Involvement
from lantern.cases.services import involvement_open

from .models import Adult, Alias, Household, LegalStatus, Relationship, YoungPerson
from .search_index import reindex
from .validators import normalise_nhs_number

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# The fields a practitioner may set on a young person's record.
YOUNG_PERSON_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "gender",
        "ethnicity",
        "first_language",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "locality",
        "school",
        "council_person_id",
        "nhs_number",
        "upn",
        "send",
    }
)
NAME_FIELDS = frozenset({"first_name", "last_name", "preferred_name"})
# Kinds of relationship that read the same from either side, so one row
# serves both young people's pages.
SYMMETRIC_KINDS = frozenset(
    {
        Relationship.Kind.SIBLING,
        Relationship.Kind.HALF_SIBLING,
        Relationship.Kind.COUSIN,
        Relationship.Kind.FRIEND,
        Relationship.Kind.OTHER_FAMILY,
    }
)


def _normalise_identifiers(fields: dict[str, Any]) -> None:
    """Store identifiers one way, so that uniqueness and search work whatever
    the user typed: NHS numbers as ten digits, UPNs in upper case, and no
    empty strings (several records may lack an identifier)."""
    if "nhs_number" in fields:
        fields["nhs_number"] = normalise_nhs_number(fields["nhs_number"] or "") or None
    if "upn" in fields:
        fields["upn"] = (fields["upn"] or "").strip().replace(" ", "").upper() or None
    if "council_person_id" in fields:
        fields["council_person_id"] = (fields["council_person_id"] or "").strip() or None
    for name in ("first_name", "last_name", "preferred_name", "first_language", "town", "address_line_1"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    if isinstance(fields.get("postcode"), str):
        fields["postcode"] = " ".join(fields["postcode"].upper().split())


def _check_identifiers_unique(young_person: YoungPerson) -> None:
    """Clear messages for identifiers already on another record (the database
    constraint is the backstop)."""
    others = YoungPerson.objects.exclude(pk=young_person.pk) if young_person.pk else YoungPerson.objects.all()
    errors: dict[str, str] = {}
    if young_person.nhs_number and others.filter(nhs_number=young_person.nhs_number).exists():
        errors["nhs_number"] = "This NHS number is already recorded for another young person"
    if young_person.upn and others.filter(upn=young_person.upn).exists():
        errors["upn"] = "This Unique Pupil Number is already recorded for another young person"
    if (
        young_person.council_person_id
        and others.filter(council_person_id__iexact=young_person.council_person_id).exists()
    ):
        errors["council_person_id"] = "This council person ID is already recorded for another young person"
    if errors:
        raise ValidationError(errors)


def _refuse_unknown_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - YOUNG_PERSON_FIELDS
    if unknown:
        raise TypeError(f"Not a young person field: {', '.join(sorted(unknown))}")


@transaction.atomic
def young_person_create(*, actor: User, team: Team, involvement_reason: str, **fields: Any) -> YoungPerson:
    """Add a young person to the register, with the involvement of the team
    working with them, so that the creator (and their team) can see the record."""
    _refuse_unknown_fields(fields)
    if team.pk not in actor.team_ids:
        raise ValidationError({"team": "Choose one of your own teams"})
    if involvement_reason not in Involvement.Reason.values:
        raise ValidationError({"involvement_reason": "Choose why the team is involved"})
    _normalise_identifiers(fields)
    young_person = YoungPerson(created_by=actor, **fields)
    _check_identifiers_unique(young_person)
    young_person.full_clean()
    young_person.save()
    reindex(young_person)
    # A social worker sees records through their own involvements, not their
    # team's: name them so the record they have just made is theirs to open.
    roles_in_team = {m.role for m in actor.active_memberships if m.team_id == team.pk}
    worker = actor if Role.SOCIAL_WORKER in roles_in_team else None
    involvement_open(actor=actor, team=team, young_person=young_person, reason=involvement_reason, worker=worker)
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=young_person,
        detail={"fields": sorted(name for name, value in fields.items() if value not in (None, ""))},
    )
    return young_person


@transaction.atomic
def young_person_update(*, actor: User, young_person: YoungPerson, **fields: Any) -> YoungPerson:
    """Change a young person's details. The audit event names the fields that
    changed (not their values: the record itself holds those)."""
    _refuse_unknown_fields(fields)
    _normalise_identifiers(fields)
    changed = sorted(name for name, value in fields.items() if getattr(young_person, name) != value)
    if not changed:
        return young_person
    for name in changed:
        setattr(young_person, name, fields[name])
    _check_identifiers_unique(young_person)
    young_person.full_clean()
    young_person.save()
    if NAME_FIELDS & set(changed):
        reindex(young_person)
    audit_log(actor=actor, action=Action.UPDATE, obj=young_person, detail={"changed": changed})
    return young_person


@transaction.atomic
def alias_add(*, actor: User, young_person: YoungPerson, name: str, kind: str = Alias.Kind.ALIAS) -> Alias:
    name = " ".join((name or "").split())
    if young_person.aliases.filter(name__iexact=name, kind=kind).exists():
        raise ValidationError({"name": "This name is already recorded for this young person"})
    alias = Alias(young_person=young_person, name=name, kind=kind)
    alias.full_clean()
    alias.save()
    reindex(young_person)
    audit_log(actor=actor, action=Action.CREATE, obj=alias, young_person=young_person, detail={"kind": kind})
    return alias


@transaction.atomic
def alias_remove(*, actor: User, alias: Alias) -> None:
    young_person = alias.young_person
    audit_log(actor=actor, action=Action.DELETE, obj=alias, young_person=young_person, detail={"kind": alias.kind})
    alias.delete()
    reindex(young_person)


@transaction.atomic
def legal_status_record(*, actor: User, young_person: YoungPerson, status: str, started_on: date) -> LegalStatus:
    """Record a new legal status from a date. The current one ends the day
    before; a status cannot start on or before the current one started (that
    would rewrite history: correct it instead)."""
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": "The start date must be today or in the past"})
    current = LegalStatus.objects.select_for_update().filter(young_person=young_person, ended_on__isnull=True).first()
    if current is not None:
        if current.status == status:
            raise ValidationError({"status": f"The current legal status is already {current.get_status_display()}"})
        if started_on <= current.started_on:
            current_start = f"{current.started_on:%-d %B %Y}"
            raise ValidationError(
                {"started_on": f"The start date must be after the current status started ({current_start})"}
            )
        current.ended_on = started_on - timedelta(days=1)
        current.full_clean()
        current.save(update_fields=["ended_on"])
    legal_status = LegalStatus(young_person=young_person, status=status, started_on=started_on, recorded_by=actor)
    legal_status.full_clean()
    legal_status.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=legal_status,
        young_person=young_person,
        detail={"status": status, "started_on": started_on.isoformat(), "ended_previous": current is not None},
    )
    return legal_status


def _validate_photo(photo: UploadedFile) -> str:
    """The file's real format (not what its name claims), or a clear refusal."""
    if photo.size is None or photo.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": "The photo must be smaller than 5 MB"})
    if photo.size == 0:
        raise ValidationError({"photo": "The selected file is empty"})
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            image_format = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError({"photo": "The selected file must be a JPG, PNG or WebP image"}) from error
    finally:
        photo.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise ValidationError({"photo": "The selected file must be a JPG, PNG or WebP image"})
    return PHOTO_FORMATS[image_format]


@transaction.atomic
def photo_set(*, actor: User, young_person: YoungPerson, photo: UploadedFile) -> YoungPerson:
    extension = _validate_photo(photo)
    old_name = young_person.photo.name if young_person.photo else ""
    # The stored name says nothing about who is pictured.
    young_person.photo.save(f"{young_person.pk}-{timezone.now():%Y%m%d%H%M%S}.{extension}", photo, save=False)
    young_person.full_clean()
    young_person.save(update_fields=["photo", "updated_at"])
    if old_name:
        storage = young_person.photo.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    audit_log(actor=actor, action=Action.UPDATE, obj=young_person, detail={"changed": ["photo"]})
    return young_person


@transaction.atomic
def adult_create(
    *,
    actor: User,
    young_person: YoungPerson | None = None,
    relationship_kind: str = "",
    has_parental_responsibility: bool = False,
    **fields: Any,
) -> Adult:
    """Add an adult, and (usually) their relationship to the young person
    whose record they were added from: an adult is visible only through the
    young people they are linked to."""
    for name in ("first_name", "last_name", "phone", "town", "postcode", "job_title"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    adult = Adult(**fields)
    adult.full_clean()
    adult.save()
    audit_log(actor=actor, action=Action.CREATE, obj=adult, young_person=young_person, detail={"kind": adult.kind})
    if young_person is not None:
        relationship_add(
            actor=actor,
            young_person=young_person,
            kind=relationship_kind,
            adult=adult,
            has_parental_responsibility=has_parental_responsibility,
        )
    return adult


@transaction.atomic
def relationship_add(
    *,
    actor: User,
    young_person: YoungPerson,
    kind: str,
    adult: Adult | None = None,
    other_young_person: YoungPerson | None = None,
    has_parental_responsibility: bool = False,
    notes: str = "",
    started_on: date | None = None,
) -> Relationship:
    """Link a young person to an adult or to another young person (never to
    themselves, and not twice in the same way)."""
    if (adult is None) == (other_young_person is None):
        raise ValidationError("Choose either an adult or another young person")
    if other_young_person is not None:
        if other_young_person.pk == young_person.pk:
            raise ValidationError("A young person cannot have a relationship with themselves")
        if kind not in SYMMETRIC_KINDS:
            raise ValidationError({"kind": "Between two young people, choose sibling, half-sibling, cousin or friend"})
        if has_parental_responsibility:
            raise ValidationError({"has_parental_responsibility": "Only an adult can have parental responsibility"})
        already = Relationship.objects.filter(
            young_person=young_person, other_young_person=other_young_person, kind=kind
        ) | Relationship.objects.filter(young_person=other_young_person, other_young_person=young_person, kind=kind)
        if already.exists():
            raise ValidationError("This relationship is already recorded")
    elif Relationship.objects.filter(young_person=young_person, adult=adult, kind=kind).exists():
        raise ValidationError("This relationship is already recorded")
    relationship = Relationship(
        young_person=young_person,
        kind=kind,
        adult=adult,
        other_young_person=other_young_person,
        has_parental_responsibility=has_parental_responsibility,
        notes=(notes or "").strip(),
        started_on=started_on,
    )
    relationship.full_clean()
    relationship.save()
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=relationship,
        young_person=young_person,
        detail={
            "kind": kind,
            "adult": adult.pk if adult else None,
            "other_young_person": other_young_person.pk if other_young_person else None,
        },
    )
    return relationship


@transaction.atomic
def household_create(
    *,
    actor: User,
    name: str,
    address_line_1: str = "",
    town: str = "",
    postcode: str = "",
    young_people: list[YoungPerson] | None = None,
    adults: list[Adult] | None = None,
) -> Household:
    household = Household(
        name=(name or "").strip(),
        address_line_1=address_line_1.strip(),
        town=town.strip(),
        postcode=" ".join(postcode.upper().split()),
    )
    household.full_clean()
    household.save()
    audit_log(actor=actor, action=Action.CREATE, obj=household)
    for person in young_people or []:
        household_member_add(actor=actor, household=household, young_person=person)
    for adult in adults or []:
        household_member_add(actor=actor, household=household, adult=adult)
    return household


@transaction.atomic
def household_member_add(
    *, actor: User, household: Household, young_person: YoungPerson | None = None, adult: Adult | None = None
) -> Household:
    if (young_person is None) == (adult is None):
        raise ValidationError("Add either a young person or an adult")
    if young_person is not None:
        if household.young_people.filter(pk=young_person.pk).exists():
            raise ValidationError("This young person is already in the household")
        household.young_people.add(young_person)
        audit_log(
            actor=actor,
            action=Action.UPDATE,
            obj=household,
            young_person=young_person,
            detail={"added_young_person": young_person.pk},
        )
    elif adult is not None:
        if household.adults.filter(pk=adult.pk).exists():
            raise ValidationError("This adult is already in the household")
        household.adults.add(adult)
        audit_log(actor=actor, action=Action.UPDATE, obj=household, detail={"added_adult": adult.pk})
    return household


@transaction.atomic
def household_member_remove(
    *, actor: User, household: Household, young_person: YoungPerson | None = None, adult: Adult | None = None
) -> Household:
    """Take a young person or an adult out of a household (they have moved
    out, or were added in error). The household itself stays, even if empty:
    its history is in the audit trail."""
    if (young_person is None) == (adult is None):
        raise ValidationError("Remove either a young person or an adult")
    if young_person is not None:
        if not household.young_people.filter(pk=young_person.pk).exists():
            raise ValidationError("This young person is not in the household")
        household.young_people.remove(young_person)
        audit_log(
            actor=actor,
            action=Action.UPDATE,
            obj=household,
            young_person=young_person,
            detail={"removed_young_person": young_person.pk},
        )
    elif adult is not None:
        if not household.adults.filter(pk=adult.pk).exists():
            raise ValidationError("This adult is not in the household")
        household.adults.remove(adult)
        audit_log(actor=actor, action=Action.UPDATE, obj=household, detail={"removed_adult": adult.pk})
    return household


@transaction.atomic
def household_adult_create(*, actor: User, household: Household, **fields: Any) -> Adult:
    """A new adult who lives in the household. They are linked through the
    household, not through a relationship: the form does not ask how they
    are related to each young person there."""
    adult = adult_create(actor=actor, **fields)
    household_member_add(actor=actor, household=household, adult=adult)
    return adult


def _relationship_detail(relationship: Relationship) -> dict[str, Any]:
    return {
        "kind": relationship.kind,
        "adult": relationship.adult_id,
        "other_young_person": relationship.other_young_person_id,
    }


@transaction.atomic
def relationship_end(*, actor: User, relationship: Relationship, ended_on: date) -> Relationship:
    """Record that a relationship has ended (a carer has left, a friendship is
    over). The row stays, shown as ended: it is part of the young person's story."""
    if relationship.ended_on is not None:
        raise ValidationError({"ended_on": f"This relationship already ended on {relationship.ended_on:%-d %B %Y}"})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The end date must be today or in the past"})
    if relationship.started_on is not None and ended_on < relationship.started_on:
        started = f"{relationship.started_on:%-d %B %Y}"
        raise ValidationError({"ended_on": f"The end date must be on or after the relationship started ({started})"})
    relationship.ended_on = ended_on
    relationship.full_clean()
    relationship.save(update_fields=["ended_on"])
    audit_log(
        actor=actor,
        action=Action.UPDATE,
        obj=relationship,
        young_person=relationship.young_person,
        detail={**_relationship_detail(relationship), "ended_on": ended_on.isoformat()},
    )
    return relationship


@transaction.atomic
def relationship_remove(*, actor: User, relationship: Relationship, reason: str) -> None:
    """Delete a relationship recorded in error. Unlike ending one, this
    rewrites the record, so the reason is required and kept in the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the relationship is being removed"})
    audit_log(
        actor=actor,
        action=Action.DELETE,
        obj=relationship,
        young_person=relationship.young_person,
        reason=reason,
        detail=_relationship_detail(relationship),
    )
    relationship.delete()
