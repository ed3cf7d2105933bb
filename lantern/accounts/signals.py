"""Keeps the signed-in session records and the sign-in audit trail in step
with Django's own sign-in and sign-out, whichever code path caused them."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from lantern.audit.services import Action
from lantern.core.middleware import current_ip

from . import services

# Session keys written at sign-in.
SIGNED_IN_AT = "lantern_signed_in_at"
LAST_SEEN_AT = "lantern_last_seen_at"
# Set on the request by whoever signs a user out for a reason other than the
# user asking to (session expiry), so that the audit says which.
SIGN_OUT_ACTION = "lantern_sign_out_action"
# Set on the request by the sign-in view when the user gave a two-factor code.
TWO_FACTOR_USED = "lantern_two_factor_used"


@receiver(user_logged_in, dispatch_uid="lantern_accounts_logged_in")
def record_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now()
    request.session[SIGNED_IN_AT] = now.timestamp()
    request.session[LAST_SEEN_AT] = now.timestamp()
    if not request.session.session_key:
        request.session.save()
    meta = getattr(request, "META", {})
    services.signed_in_session_start(
        user=user,
        session_key=request.session.session_key,
        ip_address=current_ip.get() or meta.get("REMOTE_ADDR"),
        user_agent=meta.get("HTTP_USER_AGENT", ""),
        two_factor=bool(getattr(request, TWO_FACTOR_USED, False)),
    )


@receiver(user_logged_out, dispatch_uid="lantern_accounts_logged_out")
def record_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    services.signed_in_session_close(
        user=user,
        session_key=session.session_key if session is not None else None,
        action=getattr(request, SIGN_OUT_ACTION, Action.SIGN_OUT),
    )


@receiver(user_login_failed, dispatch_uid="lantern_accounts_login_failed")
def record_sign_in_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    locked = bool(getattr(request, "axes_locked_out", False))
    services.sign_in_failure_record(
        username=str(credentials.get("username", "")),
        reason="Account locked after too many failed attempts" if locked else "",
    )
