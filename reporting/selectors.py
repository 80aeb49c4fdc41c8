"""The reporting app's reads that several pages share."""

from sunshine.access import may
from sunshine.choices import Level
from sunshine.models import Region

from .models import IndicatorSnapshot


def report_regions(user):
    """The regions an office reports on (bulletin, assessment report): its own and those below it, down to
    counties (a township has no regions below it to rank or assess). Nothing for other roles."""
    if not may(user, "report", IndicatorSnapshot) or not user.region_id:
        return Region.objects.none()
    return Region.objects.within(user.region).exclude(level=Level.TOWNSHIP)
