from lantern.accounts.roles import Role

from . import NOT_ALLOWED, OK, REDIRECT, Row, every_role, roles

ROWS = [
    Row("core:home", default=OK),
    Row("core:notifications", default=OK),
    Row("core:reference_data", expect=roles(Role.SYSTEM_ADMINISTRATOR)),
    # POST-only: a GET is refused for everyone signed in.
    Row("core:notification_read", kwargs=lambda w: {"pk": 999999}, default=NOT_ALLOWED, signed_out=REDIRECT),
    Row("admin:index", expect=every_role(REDIRECT), signed_out=REDIRECT),
]
