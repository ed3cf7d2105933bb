"""Helpers for the people register's tests: a team, its workers and the
young people they work with."""

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from lantern.accounts.models import Team, User
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.cases.models import Involvement
from lantern.people.models import RecordRestriction, YoungPerson
from tests.factories import InvolvementFactory, TeamFactory, YoungPersonFactory, make_user

VALID_NHS = ["9434765919", "9434765927", "9434765935", "9434765943"]
VALID_UPN = ["H801200001001", "X801200001002", "L801200001003"]


def years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


def team_with_worker(role: str = Role.YOUTH_SUPPORT_WORKER) -> tuple[Team, User]:
    team = TeamFactory.create()
    return team, make_user(role, team=team)


def person_in(team: Team | None, **fields: Any) -> YoungPerson:
    """A young person, with an open involvement of the team if one is given."""
    person = YoungPersonFactory.create(**fields)
    if team is not None:
        InvolvementFactory.create(team=team, young_person=person)
    return person


def restrict(person: YoungPerson, manager: User) -> RecordRestriction:
    return RecordRestriction.objects.create(
        young_person=person,
        manager=manager,
        reason="Staff member's relative",
        review_due_on=timezone.localdate() + dt.timedelta(days=90),
    )


def events(action: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters))


def png_upload(name: str = "photo.png", size: tuple[int, int] = (20, 20), image_format: str = "PNG") -> Any:
    buffer = io.BytesIO()
    Image.new("RGB", size, "purple").save(buffer, format=image_format)
    content_type = "image/png" if image_format == "PNG" else "image/jpeg"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def create_form_data(team: Team, /, **overrides: Any) -> dict[str, Any]:
    born = years_ago(14, 40)
    data = {
        "first_name": "Jayden",
        "last_name": "Okafor",
        "preferred_name": "",
        "date_of_birth_day": str(born.day),
        "date_of_birth_month": str(born.month),
        "date_of_birth_year": str(born.year),
        "gender": "male",
        "ethnicity": "BAFR",
        "first_language": "English",
        "address_line_1": "1 High Street",
        "address_line_2": "",
        "town": "Lincoln",
        "postcode": "ln1 1aa",
        "locality": "",
        "school": "",
        "council_person_id": "",
        "nhs_number": "",
        "upn": "",
        "send": "not_known",
        "team": str(team.pk),
        "involvement_reason": Involvement.Reason.CALL_IN,
    }
    data.update(overrides)
    return data
