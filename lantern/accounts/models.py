from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CHILDRENS_SERVICES = "childrens_services", "Council children's services"
        YOUTH_SUPPORT = "youth_support", "Youth support service"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        YOUTH_OFFENDING = "youth_offending", "Youth offending team"
        SCHOOL = "school", "School or college"
        CHARITY = "charity", "Commissioned charity"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    locality = models.ForeignKey("core.Locality", on_delete=models.PROTECT, null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name_in_organisation")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Roles come from team memberships."""

    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def active_memberships(self) -> list["Membership"]:
        # One query per request, reused by every permission check.
        return list(self.memberships.filter(team__is_active=True).select_related("team", "team__organisation"))

    @property
    def roles(self) -> set[str]:
        return {membership.role for membership in self.active_memberships}

    @property
    def team_ids(self) -> set[int]:
        return {membership.team_id for membership in self.active_memberships}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def team_ids_with_role(self, *roles: str) -> set[int]:
        return {m.team_id for m in self.active_memberships if m.role in roles}

    @property
    def organisation_ids(self) -> set[int]:
        return {membership.team.organisation_id for membership in self.active_memberships}


class Membership(models.Model):
    """A user's role in a team. A user may hold several roles in several teams."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team", "role"], name="membership_unique_role_in_team"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.team}"


class SignedInSession(models.Model):
    """One signed-in browser session, so that users can see and end their
    other sessions. The session itself lives in Django's session store; this
    row is deleted when the session ends."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"
