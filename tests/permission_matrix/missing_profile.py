"""The Philomena Protocol profile's pages (lantern/missing/views_profile.py).

The profile is part of the young person's record: every record reader (the
police partner with the shared record included: handing it to the police is
its purpose) views it, its photograph and its PDF; those who may change the
record (Perm.CHANGE_PERSON) change it and mark it reviewed; the psychologist
and the partner read only. Analysts, administrators and the data protection
lead hold no people permissions and get 403 before anything is looked up.
Each row makes the world's young person a profile with a photograph (each
row's test rolls back)."""

import io

from django.core.files.base import ContentFile
from PIL import Image

from lantern.accounts.roles import Role
from lantern.missing import services

from . import RECORD_READERS, REDIRECT, Row, roles

# Roles holding Perm.CHANGE_PERSON (as in people.py).
CHANGERS = (
    Role.YOUTH_SUPPORT_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.MISSING_PRACTITIONER,
    Role.DETACHED_YOUTH_WORKER,
    Role.TEAM_MANAGER,
    Role.SOCIAL_WORKER,
)


def _with_profile(world):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 10), "purple").save(buffer, format="PNG")
    photo = ContentFile(buffer.getvalue(), name=f"{world.young_person.pk}-matrix.png")
    services.philomena_profile_save(
        actor=world.users[Role.SOCIAL_WORKER],
        young_person=world.young_person,
        photo=photo,
        description="Matrix description",
    )
    return {"pk": world.young_person.pk}


ROWS = [
    Row("missing:profile", expect=roles(*RECORD_READERS), kwargs=_with_profile),
    Row("missing:profile_edit", expect=roles(*CHANGERS), kwargs=_with_profile),
    # POST only: "still right" moves the review date on (rolled back after).
    Row(
        "missing:profile_reviewed",
        expect=roles(*CHANGERS, status=REDIRECT),
        kwargs=_with_profile,
        method="post",
    ),
    Row("missing:profile_photo", expect=roles(*RECORD_READERS), kwargs=_with_profile),
    Row("missing:profile_pdf", expect=roles(*RECORD_READERS), kwargs=_with_profile),
]
