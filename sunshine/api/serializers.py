from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from sunshine.concurrency import StaleVersion
from sunshine.models import ApiToken, Region

from .concurrency import PreconditionFailed


def call_service(service, **kwargs):
    """Run a service; its Django ValidationError becomes DRF's 400 with the same field messages."""
    try:
        return service(**kwargs)
    except StaleVersion as error:
        raise PreconditionFailed(error) from None
    except DjangoValidationError as error:
        raise serializers.ValidationError(get_error_detail(error)) from None


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A row of ``model`` the caller may see; any other id is "does not exist", like a missing one."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.visible_to(self.context["request"].user)


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "is_urban"]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(required=False, allow_blank=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class ApiTokenSerializer(serializers.ModelSerializer):
    """One of the caller's tokens: never the secret, only its first characters to recognise it."""

    current = serializers.SerializerMethodField(help_text="Whether this request was made with this token.")

    class Meta:
        model = ApiToken
        fields = ["id", "token_key", "created", "expiry", "two_factor", "client", "address", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        return getattr(self.context["request"].auth, "pk", None) == token.pk
