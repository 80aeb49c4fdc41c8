import datetime as dt

import factory

from placement.models import Employer, Placement, PlacementBase
from sunshine.models import Region


class BaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementBase

    code = factory.Sequence(lambda n: f"JD{n:04d}")
    name = factory.Sequence(lambda n: f"安置基地{n}")
    opened_on = dt.date(2011, 1, 1)
    declared_capacity = 100


class PlacementFactory(factory.django.DjangoModelFactory):
    """A one-year dispersed contract from 2012-01-01 to 2012-12-31 (its last day)."""

    class Meta:
        model = Placement

    mode = "dispersed"
    contract_start = dt.date(2012, 1, 1)
    contract_end = dt.date(2012, 12, 31)
    long_contract = factory.LazyAttribute(lambda o: Placement.is_long(o.contract_start, o.contract_end))
    social_insurance = True


def base_in(county_code: str) -> PlacementBase:
    township = Region.objects.filter(parent_id=county_code).order_by("code").first()
    return BaseFactory(region=township)


base_in.per_region = True


def employer_in(county_code: str) -> Employer:
    return Employer.objects.create(name=f"企业{county_code}", region_id=county_code)


employer_in.per_region = True
