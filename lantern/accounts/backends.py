from typing import Any

from django.contrib.auth.backends import ModelBackend

from .roles import permissions_for


class RoleBackend(ModelBackend):
    """Username and password sign-in; permissions come from the user's roles
    (lantern/accounts/roles.py), not from Django's permission tables."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_lantern_perm_cache"):
            user_obj._lantern_perm_cache = set(permissions_for(user_obj.roles))
        return set(user_obj._lantern_perm_cache)

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return user_obj.is_active and perm in self.get_all_permissions(user_obj, obj)
