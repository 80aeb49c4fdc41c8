from rest_framework import serializers

from sunshine.models import ApiToken, Region


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
