"""ETag / If-Match for versioned records (see ``sunshine.concurrency``)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

from sunshine.concurrency import StaleVersion, Versioned


class PreconditionFailed(APIException):
    """412: the record changed since the version the client named in If-Match."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("This record was changed by somebody else; read it again and resend your change.")
    default_code = "precondition_failed"

    def __init__(self, error: StaleVersion):
        summary = error.message_dict["__all__"][0]
        super().__init__(summary)
        # the body as is (DRF would turn the numbers into strings): the message, the stored version and
        # the other users' saves since the client's version
        self.detail = {"detail": summary, "version": error.current, "changes": error.changes}


def etag(obj: Versioned) -> str:
    return f'"{obj.version}"'


def check_if_match(request, obj: Versioned) -> None:
    """Refuse (412) a change based on another version than the stored one. Without If-Match the
    change applies to the stored version (a PATCH then changes only the fields it sends)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return
    wanted = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    if str(obj.version) not in wanted:
        since = min((int(tag) for tag in wanted if tag.isdigit()), default=0)
        raise PreconditionFailed(StaleVersion(obj, obj.version, since=since))
