"""API token authentication: django-rest-knox's hashed, expiring tokens, checked against the account."""

from django.utils.translation import gettext_lazy as _
from knox import auth
from rest_framework import exceptions


class TokenAuthentication(auth.TokenAuthentication):
    """``Authorization: Token <token>``. Besides knox's expiry (8 idle hours, 30 days at most), a token
    dies when the account changed since it was issued (password, role, region, department, status)
    and, where two-factor applies, when it was issued without the second factor. A dead token is
    deleted, so it disappears from the owner's list too."""

    def validate_user(self, auth_token):
        if not auth_token.is_valid_for(auth_token.user):
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("This token is no longer valid; ask for a new one."))
        return auth_token.user, auth_token
