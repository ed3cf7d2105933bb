"""The Philomena Protocol profile (lantern/missing/views_profile.py): made,
changed and reviewed through its pages; the photograph streamed only through
the record's checks; a restricted record's stub and a stranger alike 404;
the police partner views and prints but does not change; the PDF is one A4
page; everything is audited; a bad photograph is refused and nothing saved."""

import datetime as dt
import io
import re
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from lantern.accounts.models import Organisation
from lantern.accounts.roles import Role
from lantern.audit.models import AuditEvent
from lantern.core.chronology import shared_reads
from lantern.core.person_panels import panels_for
from lantern.missing import services
from lantern.missing.models import PhilomenaProfile
from lantern.missing.views_profile import (
    PdfUnavailable,
    clip,
    is_due_for_review,
    profile_pdf_build,
    profile_sheet,
    review_due_on,
)
from lantern.people.models import Alias, RecordRestriction, RecordShare, YoungPerson
from tests.factories import OrganisationFactory, TeamFactory, make_user

from .factories import MissingTeam, looked_after, missing_team

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def png(size: tuple[int, int] = (40, 50), name: str = "jane-doe.png", image_format: str = "PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "purple").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def pdf_pages(pdf: bytes) -> int:
    """Page objects in a PDF, looking inside its compressed object streams too
    (WeasyPrint compresses them; no PDF reader is a dependency)."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", chunk)) for chunk in chunks)


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "description": "About 160 cm, slim build, long dark hair, brown eyes; scar above the left eyebrow.",
        "known_associates": "Kyle (street name K-Dog), older, drives a black car",
        "places_may_go": "Riverside retail park\nThe bus station",
        "phone_numbers": "07700 900123",
        "social_media": "Snapchat: jd_x",
        "health_needs": "Asthma: carries an inhaler",
        "other_information": "",
        "photo_taken_on_day": "",
        "photo_taken_on_month": "",
        "photo_taken_on_year": "",
    }
    data.update(overrides)
    return data


def taken_on(day: dt.date) -> dict[str, str]:
    return {
        "photo_taken_on_day": str(day.day),
        "photo_taken_on_month": str(day.month),
        "photo_taken_on_year": str(day.year),
    }


def events(action: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters))


@pytest.fixture
def missing() -> MissingTeam:
    return missing_team()


@pytest.fixture
def person(missing: MissingTeam) -> YoungPerson:
    young_person = missing.young_person(first_name="Jade", last_name="Doherty", preferred_name="JD")
    looked_after(young_person, since=timezone.localdate() - dt.timedelta(days=200), placement_name="Oak House")
    return young_person


def make_profile(missing: MissingTeam, person: YoungPerson, **values: Any) -> PhilomenaProfile:
    fields = {"description": "Tall, red coat"} | values
    return services.philomena_profile_save(actor=missing.social_worker, young_person=person, **fields)


def police_officer(person: YoungPerson, missing: MissingTeam) -> Any:
    police = OrganisationFactory.create(name="County Police", kind=Organisation.Kind.POLICE)
    officer = make_user(Role.PARTNER_AGENCY_USER, TeamFactory.create(organisation=police, name="Missing Persons Unit"))
    RecordShare.objects.create(
        young_person=person, organisation=police, agreement="County ISA", reason="Philomena", shared_by=missing.manager
    )
    return officer


def url(name: str, person: YoungPerson) -> str:
    return reverse(f"missing:{name}", args=[person.pk])


class TestMakeChangeReview:
    def test_offers_to_make_one_then_makes_it_with_a_photo(self, client, missing, person):
        client.force_login(missing.practitioner)
        page = client.get(url("profile", person))
        assert page.status_code == 200
        assert "has no Philomena Protocol profile yet" in page.text
        assert url("profile_edit", person) in page.text

        today = timezone.localdate()
        response = client.post(url("profile_edit", person), form_data(photo=png(), **taken_on(today)))
        assert response.status_code == 302
        assert response["Location"] == url("profile", person)
        profile = PhilomenaProfile.objects.get(young_person=person)
        assert profile.description.startswith("About 160 cm")
        assert profile.places_may_go == "Riverside retail park\nThe bus station"
        assert profile.photo_taken_on == today
        assert profile.last_reviewed_by == missing.practitioner
        # The stored name says nothing about who is pictured.
        stored_name = profile.photo.name or ""
        assert "jane" not in stored_name
        assert stored_name.endswith(".png")
        assert events(Action.CREATE, young_person=person, object_type="missing.PhilomenaProfile")

        page = client.get(url("profile", person))
        assert "Kyle (street name K-Dog)" in page.text
        assert f"by {missing.practitioner}" in page.text
        assert url("profile_photo", person) in page.text
        assert "Due for review" not in page.text

    def test_change_saves_and_audits_only_what_changed(self, client, missing, person):
        make_profile(missing, person, phone_numbers="07700 900000")
        client.force_login(missing.practitioner)
        form = client.get(url("profile_edit", person))
        assert form.status_code == 200
        assert "07700 900000" in form.text
        assert events(Action.VIEW, young_person=person, detail__page="philomena_profile_edit")
        data = form_data(description="Tall, red coat", phone_numbers="07700 900999", known_associates="")
        data.update(places_may_go="", social_media="", health_needs="")
        assert client.post(url("profile_edit", person), data).status_code == 302
        profile = PhilomenaProfile.objects.get(young_person=person)
        assert profile.phone_numbers == "07700 900999"
        update = events(Action.UPDATE, object_type="missing.PhilomenaProfile")[-1]
        assert update.detail["changed"] == ["phone_numbers"]
        assert update.actor == missing.practitioner

    def test_a_missing_description_is_refused_with_a_message(self, client, missing, person):
        client.force_login(missing.practitioner)
        response = client.post(url("profile_edit", person), form_data(description="  "))
        assert response.status_code == 200
        assert "Enter the physical description" in response.text
        assert "govuk-error-summary" in response.text
        assert not PhilomenaProfile.objects.exists()

    def test_reviewed_moves_the_date_on_and_clears_the_flag(self, client, missing, person):
        profile = make_profile(missing, person)
        long_ago = timezone.now() - dt.timedelta(days=120)
        PhilomenaProfile.objects.filter(pk=profile.pk).update(last_reviewed_at=long_ago)
        client.force_login(missing.manager)
        page = client.get(url("profile", person))
        assert "Due for review" in page.text
        assert client.get(url("profile_reviewed", person)).status_code == 405
        response = client.post(url("profile_reviewed", person))
        assert response.status_code == 302
        profile.refresh_from_db()
        assert profile.last_reviewed_by == missing.manager
        assert profile.last_reviewed_at > long_ago
        assert events(Action.UPDATE, young_person=person, detail__reviewed=True)
        page = client.get(url("profile", person))
        assert "Due for review" not in page.text
        assert f"by {missing.manager}" in page.text

    def test_reviewed_without_a_profile_is_404(self, client, missing, person):
        client.force_login(missing.manager)
        assert client.post(url("profile_reviewed", person)).status_code == 404

    def test_removing_the_photo(self, client, missing, person):
        make_profile(missing, person, photo_taken_on=timezone.localdate())
        profile = PhilomenaProfile.objects.get(young_person=person)
        profile.photo.save("x.png", png(), save=True)
        client.force_login(missing.practitioner)
        data = form_data(description="Tall, red coat", remove_photo="on", **taken_on(timezone.localdate()))
        assert client.post(url("profile_edit", person), data).status_code == 302
        profile.refresh_from_db()
        assert not profile.photo
        assert profile.photo_taken_on is None
        assert client.get(url("profile_photo", person)).status_code == 404


class TestReviewInterval:
    def test_due_only_after_three_calendar_months(self, missing, person):
        profile = make_profile(missing, person)
        reviewed = timezone.localtime(profile.last_reviewed_at).date()
        due_on = review_due_on(profile)
        assert due_on > reviewed + dt.timedelta(days=88)
        assert not is_due_for_review(profile, due_on)
        assert is_due_for_review(profile, due_on + dt.timedelta(days=1))

    def test_month_ends_are_clipped(self, missing, person):
        profile = make_profile(missing, person)
        profile.last_reviewed_at = dt.datetime(2025, 11, 30, 12, tzinfo=dt.UTC)
        assert review_due_on(profile) == dt.date(2026, 2, 28)


class TestPhotoChecks:
    @pytest.mark.parametrize(
        ("upload", "message"),
        [
            (SimpleUploadedFile("jade.png", b"not an image at all", content_type="image/png"), "must be a JPG, PNG"),
            (png(image_format="GIF", name="jade.png"), "must be a JPG, PNG"),
            (SimpleUploadedFile("jade.jpg", b"", content_type="image/jpeg"), "The selected file is empty"),
        ],
    )
    def test_a_bad_photo_is_refused_and_nothing_saved(self, client, missing, person, upload, message):
        client.force_login(missing.practitioner)
        response = client.post(url("profile_edit", person), form_data(photo=upload, **taken_on(timezone.localdate())))
        assert response.status_code == 200
        assert message in response.text
        assert "govuk-error-summary" in response.text
        assert not PhilomenaProfile.objects.exists()
        assert not events(Action.CREATE, object_type="missing.PhilomenaProfile")

    def test_a_photo_too_big_is_refused(self, client, missing, person, monkeypatch):
        monkeypatch.setattr("lantern.missing.forms_profile.PHOTO_MAX_BYTES", 100)
        client.force_login(missing.practitioner)
        response = client.post(url("profile_edit", person), form_data(photo=png(), **taken_on(timezone.localdate())))
        assert "The photograph must be smaller than 5 MB" in response.text
        assert not PhilomenaProfile.objects.exists()

    def test_a_bad_photo_leaves_an_existing_profile_as_it_was(self, client, missing, person):
        profile = make_profile(missing, person)
        before = profile.last_reviewed_at
        client.force_login(missing.practitioner)
        bad = SimpleUploadedFile("x.png", b"nope", content_type="image/png")
        response = client.post(url("profile_edit", person), form_data(description="Changed", photo=bad))
        assert response.status_code == 200
        profile.refresh_from_db()
        assert profile.description == "Tall, red coat"
        assert profile.last_reviewed_at == before
        assert not profile.photo

    def test_a_new_photo_needs_its_date(self, client, missing, person):
        client.force_login(missing.practitioner)
        response = client.post(url("profile_edit", person), form_data(photo=png()))
        assert "Enter the date the photograph was taken" in response.text
        assert not PhilomenaProfile.objects.exists()
        future = timezone.localdate() + dt.timedelta(days=2)
        response = client.post(url("profile_edit", person), form_data(photo=png(), **taken_on(future)))
        assert "must be today or in the past" in response.text
        assert not PhilomenaProfile.objects.exists()


class TestPhotoStreaming:
    def test_streamed_with_the_records_checks_and_audited(self, client, missing, person):
        client.force_login(missing.practitioner)
        client.post(url("profile_edit", person), form_data(photo=png(), **taken_on(timezone.localdate())))
        response = client.get(url("profile_photo", person))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert events(Action.VIEW, young_person=person, detail__page="philomena_profile_photo")

        # Someone who cannot see the record gets the same 404 as for nothing.
        client.force_login(make_user(Role.MISSING_PRACTITIONER, TeamFactory.create()))
        assert client.get(url("profile_photo", person)).status_code == 404
        client.force_login(make_user(Role.PERFORMANCE_ANALYST))
        assert client.get(url("profile_photo", person)).status_code == 403

    def test_no_photo_is_404(self, client, missing, person):
        make_profile(missing, person)
        client.force_login(missing.practitioner)
        assert client.get(url("profile_photo", person)).status_code == 404


class TestAccess:
    def test_a_restricted_records_stub_shows_no_profile(self, client, missing, person):
        make_profile(missing, person)
        RecordRestriction.objects.create(
            young_person=person, manager=missing.manager, reason="Staff relative", review_due_on=timezone.localdate()
        )
        client.force_login(missing.practitioner)
        for name in ("profile", "profile_edit", "profile_photo", "profile_pdf"):
            assert client.get(url(name, person)).status_code == 404, name
        assert client.post(url("profile_reviewed", person)).status_code == 404
        assert not events(Action.VIEW, object_type="missing.PhilomenaProfile")
        assert not events(Action.EXPORT)

    def test_out_of_scope_and_missing_alike_404(self, client, missing, person):
        make_profile(missing, person)
        client.force_login(make_user(Role.MISSING_PRACTITIONER, TeamFactory.create()))
        assert client.get(url("profile", person)).status_code == 404
        assert client.get(reverse("missing:profile", args=[999999])).status_code == 404

    def test_the_police_partner_views_and_prints_but_does_not_change(self, client, missing, person):
        make_profile(missing, person)
        officer = police_officer(person, missing)
        client.force_login(officer)
        page = client.get(url("profile", person))
        assert page.status_code == 200
        assert "Tall, red coat" in page.text
        assert url("profile_edit", person) not in page.text
        assert url("profile_reviewed", person) not in page.text
        pdf = client.get(url("profile_pdf", person))
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert client.get(url("profile_edit", person)).status_code == 403
        assert client.post(url("profile_edit", person), form_data()).status_code == 403
        assert client.post(url("profile_reviewed", person)).status_code == 403
        assert PhilomenaProfile.objects.get(young_person=person).description == "Tall, red coat"

    def test_the_partner_sees_the_profiles_photograph(self, client, missing, person):
        profile = make_profile(missing, person)
        profile.photo.save("x.png", png(), save=True)
        client.force_login(police_officer(person, missing))
        assert client.get(url("profile_photo", person)).status_code == 200

    def test_a_reader_who_cannot_change_the_record_cannot_change_the_profile(self, client, missing, person):
        psychologist = make_user(Role.CLINICAL_PSYCHOLOGIST, missing.team)
        client.force_login(psychologist)
        assert client.get(url("profile", person)).status_code == 200
        assert client.get(url("profile_edit", person)).status_code == 403


class TestPdf:
    def test_one_page_with_the_name_and_audited_as_an_export(self, client, missing, person):
        Alias.objects.create(young_person=person, name="Jay", kind=Alias.Kind.STREET_NAME)
        make_profile(missing, person)
        client.force_login(missing.practitioner)
        response = client.get(url("profile_pdf", person))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert pdf_pages(response.content) == 1
        assert "Doherty" not in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
        export = events(Action.EXPORT, young_person=person)
        assert len(export) == 1
        assert export[0].detail["format"] == "pdf"
        assert export[0].actor == missing.practitioner

    def test_the_html_carries_everything_the_police_need(self, missing, person):
        Alias.objects.create(young_person=person, name="Jay", kind=Alias.Kind.STREET_NAME)
        person.address_line_1, person.postcode = "1 Mill Lane", "NR3 3CC"
        person.save()
        missing.episode(person, started_at=timezone.now() - dt.timedelta(days=20))
        open_episode = missing.episode(person, started_at=timezone.now() - dt.timedelta(hours=3), hours=None)
        profile = make_profile(
            missing,
            person,
            known_associates="Kyle",
            places_may_go="The bus station",
            phone_numbers="07700 900123",
            social_media="Snapchat: jd_x",
            health_needs="Inhaler for asthma",
            other_information="Responds well to female officers",
        )
        profile.photo.save("x.png", png(), save=True)
        profile.photo_taken_on = timezone.localdate()
        now = timezone.now()
        pdf = profile_pdf_build(profile_sheet(person, profile, now=now), profile, user=missing.practitioner, now=now)
        assert pdf.pages == 1
        assert pdf_pages(pdf.content) == 1
        html = pdf.html
        for expected in (
            "Jade Doherty",
            "JD",
            "Jay (street name)",
            person.date_of_birth.strftime("%-d %B %Y"),
            f"age {person.age}",
            "Oak House",
            "NR1 1AA",
            "1 Mill Lane",
            "Kyle",
            "The bus station",
            "07700 900123",
            "Snapchat: jd_x",
            "Inhaler for asthma",
            "Responds well to female officers",
            "OFFICIAL-SENSITIVE",
            "Last reviewed:",
            f"Social worker {missing.social_worker}",
            "2 in the last 90 days",
            "MISSING NOW",
            "data:image/jpeg;base64,",
            "Printed ",
        ):
            assert expected in html, expected
        assert open_episode.started_at is not None
        # Nothing is fetched from outside the document.
        assert not re.search(r"""(src|href)=["'](https?:|file:|/)""", html)
        assert "@import" not in html

    def test_long_text_is_shortened_to_stay_on_one_page(self, missing, person):
        long_text = "\n".join(f"Line {n}: " + "a long description of where they may be " * 8 for n in range(40))
        profile = make_profile(
            missing,
            person,
            description=long_text,
            known_associates=long_text,
            places_may_go=long_text,
            phone_numbers=long_text,
            social_media=long_text,
            health_needs=long_text,
            other_information=long_text,
        )
        Alias.objects.bulk_create(
            [Alias(young_person=person, name=f"Street name number {n}", kind=Alias.Kind.STREET_NAME) for n in range(30)]
        )
        now = timezone.now()
        pdf = profile_pdf_build(profile_sheet(person, profile, now=now), profile, user=missing.practitioner, now=now)
        assert pdf_pages(pdf.content) == 1
        assert pdf.pages == 1
        assert set(pdf.shortened) == {
            "description",
            "known_associates",
            "places_may_go",
            "phone_numbers",
            "social_media",
            "health_needs",
            "other_information",
        }
        assert "the full profile is in Lantern" in pdf.html

    def test_text_that_defeats_the_estimate_still_gives_one_page(self, missing, person, monkeypatch):
        # As if the limits let far too much through: the compact layout is
        # tried, then only its first page is given.
        monkeypatch.setattr(
            "lantern.missing.views_profile.PDF_LIMITS", dict.fromkeys(("description", "known_associates"), (100, 500))
        )
        long_text = "\n".join(f"Line {n}" for n in range(400))
        profile = make_profile(missing, person, description=long_text, known_associates=long_text)
        now = timezone.now()
        pdf = profile_pdf_build(profile_sheet(person, profile, now=now), profile, user=missing.practitioner, now=now)
        assert pdf.pages > 1
        assert pdf.compact
        assert pdf_pages(pdf.content) == 1

    def test_without_weasyprint_a_message_not_a_500(self, client, missing, person, monkeypatch):
        make_profile(missing, person)

        def unavailable(*args: Any, **kwargs: Any) -> Any:
            raise PdfUnavailable("no Pango")

        monkeypatch.setattr("lantern.missing.views_profile.profile_pdf_build", unavailable)
        client.force_login(missing.practitioner)
        response = client.get(url("profile_pdf", person), follow=True)
        assert response.status_code == 200
        assert "The PDF cannot be made on this server" in response.text
        assert not events(Action.EXPORT)

    def test_no_profile_no_pdf(self, client, missing, person):
        client.force_login(missing.practitioner)
        assert client.get(url("profile_pdf", person)).status_code == 404
        assert not events(Action.EXPORT)


def test_clip_keeps_what_fits_and_marks_what_it_cuts():
    assert clip("Short\n\nand sweet", width=20, lines=5) == ("Short\nand sweet", False)
    # A long line wraps: 25 characters in lines of 10 take three.
    assert clip("one two three four fivesix", width=10, lines=3) == ("one two three four fivesix", False)
    assert clip("one two three four five six", width=10, lines=2) == ("one two three …", True)
    assert clip("a\nb\nc\nd", width=10, lines=2) == ("a\nb …", True)
    assert clip("W" * 50, width=10, lines=1) == ("W" * 8 + " …", True)


class TestPanel:
    def _panel(self, person: YoungPerson, user: Any) -> Any:
        with shared_reads():
            return next((p for p in panels_for(person, user) if p.template == "missing/panel_profile.html"), None)

    def test_a_child_in_care_without_a_profile_is_offered_one(self, missing, person):
        panel = self._panel(person, missing.practitioner)
        assert panel is not None
        assert panel.context["profile"] is None
        assert panel.context["edit_url"] == url("profile_edit", person)

    def test_not_shown_for_a_child_not_in_care_without_a_profile(self, missing):
        other = missing.young_person()
        assert self._panel(other, missing.practitioner) is None

    def test_shown_for_anyone_with_a_profile_and_flags_a_due_review(self, client, missing):
        other = missing.young_person()
        profile = make_profile(missing, other)
        PhilomenaProfile.objects.filter(pk=profile.pk).update(last_reviewed_at=timezone.now() - dt.timedelta(days=100))
        panel = self._panel(other, missing.practitioner)
        assert panel is not None
        assert panel.context["due"] is True
        client.force_login(missing.practitioner)
        page = client.get(reverse("people:detail", args=[other.pk]))
        assert "Philomena Protocol profile" in page.text
        assert "Due for review" in page.text
        assert url("profile_pdf", other) in page.text

    def test_the_partner_gets_no_change_link(self, missing, person):
        make_profile(missing, person)
        panel = self._panel(person, police_officer(person, missing))
        assert panel is not None
        assert panel.context["edit_url"] == ""
        assert panel.context["pdf_url"] == url("profile_pdf", person)

    @pytest.mark.parametrize("with_profile", [False, True])
    def test_a_fixed_number_of_queries(self, missing, with_profile):
        from lantern.missing.profile_panel import profile_panel

        left_care, in_care = missing.young_person(), missing.young_person()
        # A long history of care that has ended: read in the same queries.
        start = timezone.localdate() - dt.timedelta(days=2000)
        for n in range(15):
            since = start + dt.timedelta(days=100 * n)
            looked_after(left_care, since=since, until=since + dt.timedelta(days=50))
        looked_after(in_care, since=timezone.localdate() - dt.timedelta(days=30))
        if with_profile:
            make_profile(missing, left_care)
            make_profile(missing, in_care)
        user = missing.practitioner
        _ = user.active_memberships
        counts = []
        for other in (left_care, in_care):
            with CaptureQueriesContext(connection) as queries, shared_reads():
                panel = profile_panel(other, user)
            counts.append(len(queries))
            assert (panel is not None) == (with_profile or other == in_care)
        # The profile; without one, the legal statuses (shared with the
        # rest of the page) and, when they do not say "in care", placements.
        assert counts == ([1, 1] if with_profile else [3, 2])
