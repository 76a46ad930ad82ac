"""The authentication backend: Django's model backend, with the signed-in user loaded with
their organisation (every page's header names it), so that it is one query, not two."""

from django.contrib.auth.backends import ModelBackend

from .models import User


class UserWithOrganisationBackend(ModelBackend):
    def get_user(self, user_id):
        user = User._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
