"""The one base every API viewset derives from: rows come from the scope, actions are asked of ``may``.

After NetBox: the queryset is restricted for every action before any object is looked up (``visible_to``; for
a change to a public row, ``editable_by``), relation filters take their choices from the same scope
(``sunshine.filters.ScopedFilterSet``), and the browsable API draws no forms (``renderers``).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.fields import get_error_detail
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from sunshine.access import ensure
from sunshine.concurrency import Versioned
from sunshine.once import HEADER, create_once, parse_key

from .concurrency import check_if_match, etag

# DRF's own action names and the declared action (sunshine.access.Scope) they perform.
CHANGES = {"update": "change", "partial_update": "change", "destroy": "change"}


class ScopedModelViewSet(viewsets.ModelViewSet):
    """List and read what the user may see; change, and act on, only what ``may`` allows.

    An object outside the user's scope is not in the queryset (404, like a missing one); an object the user
    sees but may not change or act on answers 403. A ``@action`` named like one of the model's declared
    actions (``accept``, ``close``) is asked under that name, any other write as ``"change"``. Writes go
    through services, which ask again and check the scope after saving. Read-only endpoints narrow
    ``http_method_names``.

    A creating POST may carry an ``Idempotency-Key`` header (a UUID made by the client): sent again, it answers
    200 with the row the first one created instead of making a second (``sunshine.once``).
    """

    model = None  # the scoped model served
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        rows = self.model.objects.visible_to(self.request.user)
        if self.model.scope.public and self.request.method not in SAFE_METHODS:
            # everybody reads a public row (a course, a base): outside the user's reach it is "not there" to change
            rows = self.model.objects.editable_by(self.request.user)
        # (select_related() with no names would join every foreign key, and theirs, for nothing)
        return rows.select_related(*self.select_related) if self.select_related else rows

    def action_name(self) -> str:
        if self.action in self.model.scope.actions:
            return self.action
        return CHANGES.get(self.action, "change")

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in SAFE_METHODS:
            ensure(self.request.user, self.action_name(), obj)
            if self.action in {"update", "partial_update"} and isinstance(obj, Versioned):
                # Changes to one record take turns: its row stays locked from here to the save, so a
                # PATCH applies its fields to the latest state and leaves the others as they are.
                obj.refresh_from_db(from_queryset=type(obj)._base_manager.select_for_update())
                check_if_match(self.request, obj)
        self.versioned = obj
        return obj

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self.versioned = serializer.instance

    def finalize_response(self, request, response, *args, **kwargs):
        obj = getattr(self, "versioned", None)
        if isinstance(obj, Versioned) and response.status_code == 200:
            response["ETag"] = etag(obj)
        return super().finalize_response(request, response, *args, **kwargs)

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action == "create":
            ensure(request.user, "add", self.model)
        elif self.model.scope.public and request.method not in SAFE_METHODS:
            ensure(request.user, self.action_name(), self.model)  # the role here; the row's region in get_queryset

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
        self.versioned = row  # the answer carries the row's ETag, as a read of it would
        return Response(self.get_serializer(row).data, status=status.HTTP_200_OK)
