from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """A region's level, fixed by the length of its division code."""

    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


LEVEL_DEPTH = {Level.PROVINCE: 0, Level.PREFECTURE: 1, Level.COUNTY: 2, Level.TOWNSHIP: 3}


class Role(models.TextChoices):
    TOWNSHIP_WORKER = "township_worker", _("Township anti-drug worker")
    COMMUNITY_POLICE = "community_police", _("Community police")
    COUNTY_OFFICER = "county_officer", _("County anti-drug officer")
    PREFECTURE_OFFICER = "prefecture_officer", _("Prefecture anti-drug officer")
    PROVINCE_OFFICER = "province_officer", _("Provincial anti-drug officer")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    SYSADMIN = "sysadmin", _("System administrator")


# The level a role's region must have; department staff may sit at any level, the
# system administrator has no region (DESIGN §1).
ROLE_LEVEL = {
    Role.TOWNSHIP_WORKER: Level.TOWNSHIP,
    Role.COMMUNITY_POLICE: Level.TOWNSHIP,
    Role.COUNTY_OFFICER: Level.COUNTY,
    Role.PREFECTURE_OFFICER: Level.PREFECTURE,
    Role.PROVINCE_OFFICER: Level.PROVINCE,
}

# Roles whose holders manage the accounts of the levels below them in their region.
ACCOUNT_MANAGERS = {Role.COUNTY_OFFICER, Role.PREFECTURE_OFFICER, Role.PROVINCE_OFFICER, Role.SYSADMIN}
# The anti-drug offices of county, prefecture and province: dashboards, reports and the audit log of their region.
OFFICES = frozenset({Role.COUNTY_OFFICER, Role.PREFECTURE_OFFICER, Role.PROVINCE_OFFICER})
# Township staff, who work on phones in the villages (DESIGN §5a): their pages get the bottom bar.
FIELD_STAFF = frozenset({Role.TOWNSHIP_WORKER, Role.COMMUNITY_POLICE})
AUDIT_READERS = OFFICES


class Department(models.TextChoices):
    HR = "hr", _("Human resources and social security")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    HEALTH = "health", _("Health")
