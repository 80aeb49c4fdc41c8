"""The base viewset every personal-data endpoint derives from: rows come from ``visible_to``."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.fields import get_error_detail
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from sunshine.access import ensure_editable
from sunshine.once import HEADER, create_once, parse_key


class ScopedModelViewSet(viewsets.ModelViewSet):
    """List and read what the user may see; change only what they may edit.

    ``get_object`` answers 404 for objects outside the user's scope (they are not in the queryset)
    and 403 for objects the user sees but may not change. Writes go through services, which check
    the scope again after saving.
    """

    model = None  # the scoped model served
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).select_related(*self.select_related)

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in SAFE_METHODS:
            ensure_editable(self.request.user, obj)
        return obj

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action == "create" and not self.model.scope.may_edit(request.user):
            raise PermissionDenied

    @extend_schema(
        parameters=[
            OpenApiParameter(
                HEADER,
                OpenApiTypes.UUID,
                OpenApiParameter.HEADER,
                description="One-time id: the same POST sent again creates nothing and returns the first row",
            )
        ]
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)

        def create():
            serializer.is_valid(raise_exception=True)
            self.perform_create(serializer)
            return serializer.instance

        try:
            key = parse_key(request.headers.get(HEADER), field=HEADER)
            row, created = create_once(user=request.user, key=key, create=create)
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from None
        if created:
            return Response(
                serializer.data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(serializer.data)
            )
        row = self.get_queryset().filter(pk=row.pk).first()
        if row is None:  # saved once, since moved out of the caller's reach
            raise Http404
        return Response(self.get_serializer(row).data, status=status.HTTP_200_OK)
