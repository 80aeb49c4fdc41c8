import pytest
from django.utils import translation

from ..conftest import COUNTY, OTHER_COUNTY
from ..factories import StaffFactory


@pytest.fixture
def civil_affairs(db):
    """Civil-affairs staff of 南明区: sees and decides the benefits of persons a and b, and no person file."""
    return StaffFactory(username="civil_affairs", role="department_staff", department="civil_affairs", region_id=COUNTY)


@pytest.fixture
def other_civil_affairs(db):
    """Civil-affairs staff of 云岩区: person c's benefits only."""
    return StaffFactory(
        username="other_civil_affairs", role="department_staff", department="civil_affairs", region_id=OTHER_COUNTY
    )


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests compare service messages and timeline texts with their English msgids."""
    with translation.override("en"):
        yield
