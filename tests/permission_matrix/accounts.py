"""Accounts: sign-in, your own account (every signed-in user), and user
administration (system administrators only; not a way into case records)."""

from lantern.accounts.roles import Role

from . import NOT_ALLOWED, OK, REDIRECT, Row, every_role, roles

ADMIN = roles(Role.SYSTEM_ADMINISTRATOR)


def _user(world):
    return {"pk": world.users[Role.YOUTH_SUPPORT_WORKER].pk}


def _membership(world):
    user = world.users[Role.YOUTH_SUPPORT_WORKER]
    return {"pk": user.pk, "membership_pk": user.memberships.get().pk}


ROWS = [
    # The sign-in pages are open; someone already signed in is sent home.
    Row("accounts:sign_in", default=REDIRECT, signed_out=OK),
    # Without a password step in progress the code page sends you to sign in.
    Row("accounts:two_factor_verify", default=REDIRECT, signed_out=REDIRECT),
    # POST-only actions: a GET is refused for everyone signed in.
    Row("accounts:sign_out", default=NOT_ALLOWED),
    Row("accounts:session_end", kwargs=lambda w: {"pk": 999999}, default=NOT_ALLOWED),
    Row("accounts:sessions_end_others", default=NOT_ALLOWED),
    Row("accounts:two_factor_remove", default=NOT_ALLOWED),
    Row("accounts:user_deactivate", kwargs=_user, default=NOT_ALLOWED),
    Row("accounts:user_reactivate", kwargs=_user, default=NOT_ALLOWED),
    Row("accounts:user_two_factor_reset", kwargs=_user, default=NOT_ALLOWED),
    Row("accounts:membership_remove", kwargs=_membership, default=NOT_ALLOWED),
    # Your own account: every signed-in user.
    Row("accounts:account", expect=every_role(OK)),
    Row("accounts:sessions", expect=every_role(OK)),
    Row("accounts:password_change", expect=every_role(OK)),
    Row("accounts:two_factor_setup", expect=every_role(OK)),
    # User administration: system administrators; everyone else 403.
    Row("accounts:user_list", expect=ADMIN),
    Row("accounts:user_create", expect=ADMIN),
    Row("accounts:user_detail", kwargs=_user, expect=ADMIN),
    Row("accounts:user_edit", kwargs=_user, expect=ADMIN),
    Row("accounts:membership_add", kwargs=_user, expect=ADMIN),
    Row("accounts:organisation_list", expect=ADMIN),
    Row("accounts:organisation_create", expect=ADMIN),
    Row("accounts:team_create", expect=ADMIN),
]
