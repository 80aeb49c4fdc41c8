"""The reporting app's reads that several pages share."""

from sunshine.choices import OFFICES, Level
from sunshine.models import Region


def report_regions(user):
    """The regions an office reports on (bulletin, assessment report): its own and those below it, down to
    counties (a township has no regions below it to rank or assess). Nothing for other roles."""
    if getattr(user, "role", None) not in OFFICES or not user.region_id:
        return Region.objects.none()
    return Region.objects.within(user.region).exclude(level=Level.TOWNSHIP)
