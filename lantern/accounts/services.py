"""Writes for accounts: sign-in records, sessions, passwords, two-factor
devices, and user administration. Each writes its audit event in the same
transaction."""

import datetime as dt
import secrets
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.audit.services import Action, audit_log

from .models import Membership, Organisation, SignedInSession, Team, User

# How often a session's "last seen" time is written: often enough to tell
# which sessions are in use, rarely enough not to write on every request.
LAST_SEEN_INTERVAL = dt.timedelta(minutes=1)

# Letters and digits that cannot be mistaken for one another when read aloud
# or copied from a screen (no 0/O, 1/l/I).
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 (an alphabet, not a password)


def _session_store_delete(session_key: str) -> None:
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore(session_key).delete()


# --- Sign-in and sessions -------------------------------------------------


@transaction.atomic
def signed_in_session_start(
    *, user: User, session_key: str, ip_address: str | None, user_agent: str, two_factor: bool = False
) -> SignedInSession:
    now = timezone.now()
    # A session key is reused only if the store hands it out again after the
    # old session ended; the old row is stale then.
    SignedInSession.objects.filter(session_key=session_key).delete()
    session = SignedInSession(
        user=user,
        session_key=session_key,
        signed_in_at=now,
        last_seen_at=now,
        ip_address=ip_address or None,
        user_agent=user_agent[:300],
    )
    session.full_clean()
    session.save()
    audit_log(actor=user, action=Action.SIGN_IN, obj=user, detail={"two_factor": two_factor})
    return session


def signed_in_session_touch(*, session_key: str) -> None:
    """Notes that a session is in use. Not audited: it changes nothing a
    person did, and would otherwise add an event per minute per user."""
    SignedInSession.objects.filter(session_key=session_key).update(last_seen_at=timezone.now())


@transaction.atomic
def signed_in_session_rekey(*, old_key: str, new_key: str) -> None:
    """Follows a session whose key was cycled (after a password change)."""
    SignedInSession.objects.filter(session_key=old_key).update(session_key=new_key)


@transaction.atomic
def signed_in_session_close(*, user: User | None, session_key: str | None, action: str = Action.SIGN_OUT) -> None:
    """Records the end of the current session (sign-out or expiry). The caller
    ends the session itself (django.contrib.auth.logout)."""
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).delete()
    if user is not None:
        audit_log(actor=user, action=action, obj=user)


@transaction.atomic
def signed_in_session_end(*, actor: User, signed_in_session: SignedInSession, reason: str = "") -> None:
    """Ends one of the actor's other sessions: the browser holding it is
    signed out on its next request."""
    if signed_in_session.user_id != actor.pk:
        raise ValidationError("You can only end your own sessions.")
    _session_store_delete(signed_in_session.session_key)
    audit_log(
        actor=actor,
        action=Action.SESSION_ENDED,
        obj=actor,
        reason=reason,
        detail={"signed_in_at": signed_in_session.signed_in_at.isoformat(), "user_agent": signed_in_session.user_agent},
    )
    signed_in_session.delete()


def _end_sessions(user: User, *, keep_session_key: str | None = None) -> int:
    sessions = SignedInSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    ended = 0
    for session in sessions:
        _session_store_delete(session.session_key)
        session.delete()
        ended += 1
    return ended


@transaction.atomic
def signed_in_sessions_end_others(*, actor: User, keep_session_key: str) -> int:
    ended = _end_sessions(actor, keep_session_key=keep_session_key)
    if ended:
        audit_log(actor=actor, action=Action.SESSION_ENDED, obj=actor, detail={"other_sessions_ended": ended})
    return ended


@transaction.atomic
def sign_in_failure_record(*, username: str, reason: str = "") -> None:
    """A failed sign-in names the username tried, whether or not it exists."""
    audit_log(actor=None, action=Action.SIGN_IN_FAILED, actor_label=username[:200], reason=reason)


# --- Passwords ------------------------------------------------------------


@transaction.atomic
def user_password_change(*, actor: User, new_password: str, keep_session_key: str | None) -> int:
    """Sets the actor's new password and ends their other sessions, so that
    whoever knew the old password is signed out everywhere else."""
    validate_password(new_password, actor)
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    ended = _end_sessions(actor, keep_session_key=keep_session_key)
    audit_log(actor=actor, action=Action.PASSWORD_CHANGED, obj=actor, detail={"other_sessions_ended": ended})
    return ended


def generate_password() -> str:
    """A random 16-character password in groups of four, easy to read out."""
    raw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


# --- Two-factor sign-in ---------------------------------------------------


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


@transaction.atomic
def two_factor_device_start(*, actor: User) -> TOTPDevice:
    """The unconfirmed device whose secret the set-up page shows. It does not
    count for sign-in until confirmed with a code."""
    device = TOTPDevice.objects.devices_for_user(actor, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice(user=actor, name="Authenticator app", confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def two_factor_device_confirm(*, actor: User, device: TOTPDevice, token: str) -> bool:
    if device.user_id != actor.pk or device.confirmed:
        raise ValidationError("This set-up has expired. Start again.")
    if not device.verify_token(token):
        return False
    # One authenticator app per user: a new one replaces the old.
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.full_clean()
    device.save()
    audit_log(actor=actor, action=Action.TWO_FACTOR, obj=actor, detail={"event": "set_up"})
    return True


@transaction.atomic
def two_factor_device_remove(*, actor: User, user: User) -> None:
    """Removes a user's authenticator app: by the user themselves, or by an
    administrator when the user has lost the phone it was on."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    if removed:
        audit_log(actor=actor, action=Action.TWO_FACTOR, obj=user, detail={"event": "removed"})


def two_factor_verify(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token`, or None. The device itself
    throttles repeated wrong codes (django-otp)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and device.verify_token(token):
            return device
    sign_in_failure_record(username=user.get_username(), reason="Wrong two-factor code")
    return None


# --- User administration --------------------------------------------------


def _check_username_free(username: str, *, exclude_pk: int | None = None) -> None:
    taken = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"username": "A user with this username already exists"})


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str = "",
    phone: str = "",
    password: str | None = None,
) -> tuple[User, str | None]:
    """Creates a user. Returns the user and, when no password was given, the
    generated one (shown once to the administrator, never stored in clear)."""
    _check_username_free(username)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        phone=phone,
        is_active=True,
    )
    generated = None
    if password:
        validate_password(password, user)
    else:
        password = generated = generate_password()
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_log(actor=actor, action=Action.CREATE, obj=user, detail={"username": username})
    return user, generated


_EDITABLE_USER_FIELDS = ("first_name", "last_name", "email", "job_title", "phone")


@transaction.atomic
def user_update(*, actor: User, user: User, **changes: Any) -> User:
    unknown = set(changes) - set(_EDITABLE_USER_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))}")
    changed = {name: value for name, value in changes.items() if getattr(user, name) != value}
    for name, value in changed.items():
        setattr(user, name, value)
    user.full_clean()
    user.save()
    if changed:
        audit_log(actor=actor, action=Action.UPDATE, obj=user, detail={"changed": sorted(changed)})
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Stops a user signing in and signs them out everywhere now."""
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account")
    user.is_active = False
    user.full_clean()
    user.save(update_fields=["is_active"])
    ended = _end_sessions(user)
    audit_log(actor=actor, action=Action.UPDATE, obj=user, detail={"deactivated": True, "sessions_ended": ended})
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    user.is_active = True
    user.full_clean()
    user.save(update_fields=["is_active"])
    audit_log(actor=actor, action=Action.UPDATE, obj=user, detail={"reactivated": True})
    return user


@transaction.atomic
def membership_add(*, actor: User, user: User, team: Team, role: str) -> Membership:
    duplicate = ValidationError({"role": f"{user} already has this role in {team}"})
    if Membership.objects.filter(user=user, team=team, role=role).exists():
        raise duplicate
    membership = Membership(user=user, team=team, role=role)
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        # Two administrators adding the same role at once.
        raise duplicate from error
    audit_log(
        actor=actor,
        action=Action.CREATE,
        obj=membership,
        detail={"user": user.pk, "team": team.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    audit_log(
        actor=actor,
        action=Action.DELETE,
        obj=membership,
        detail={"user": membership.user_id, "team": membership.team_id, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def organisation_create(*, actor: User, name: str, kind: str) -> Organisation:
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "An organisation with this name already exists"})
    organisation = Organisation(name=name, kind=kind)
    organisation.full_clean()
    organisation.save()
    audit_log(actor=actor, action=Action.CREATE, obj=organisation, detail={"kind": kind})
    return organisation


@transaction.atomic
def team_create(*, actor: User, organisation: Organisation, name: str, locality: Any = None) -> Team:
    if Team.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": f"{organisation} already has a team with this name"})
    team = Team(organisation=organisation, name=name, locality=locality)
    team.full_clean()
    team.save()
    audit_log(actor=actor, action=Action.CREATE, obj=team, detail={"organisation": organisation.pk})
    return team
