from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sunshine.models import ApiToken, Region
from sunshine.services import token_issue, token_revoke

from .serializers import ApiTokenSerializer, RegionSerializer, TokenRequestSerializer, TokenSerializer


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The division hierarchy (public knowledge, not personal data). Filter with ``?level=`` and ``?parent=``."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent", "is_urban"]


class ObtainTokenView(APIView):
    """Exchange username, password (and ``otp`` where two-factor applies) for an API token.

    The token expires after 8 hours without use and 30 days after issue, and dies when the password,
    role, region or status of the account changes or the account is locked out."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, username=data.validated_data["username"], password=data.validated_data["password"])
        if user is None or not user.is_active:
            return Response({"detail": _("Wrong username or password.")}, status=status.HTTP_400_BAD_REQUEST)
        two_factor = settings.REQUIRE_2FA and user.needs_two_factor
        if two_factor:
            otp = data.validated_data.get("otp", "")
            if not otp:
                return Response({"otp": [_("A verification code is required.")]}, status=status.HTTP_400_BAD_REQUEST)
            if match_token(user, otp.replace(" ", "")) is None:
                return Response({"otp": [_("This code is wrong or has expired.")]}, status=status.HTTP_400_BAD_REQUEST)
        token = token_issue(user=user, two_factor=two_factor, request=request)
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response({"token": token})


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens: list them, revoke one (DELETE). Nobody sees another's tokens."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        return ApiToken.objects.live_for(self.request.user)

    def perform_destroy(self, instance):
        token_revoke(user=self.request.user, token_id=instance.pk)
