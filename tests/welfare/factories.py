import datetime as dt

import factory

from welfare.models import Benefit


class BenefitFactory(factory.django.DjangoModelFactory):
    """An application for the minimum living guarantee awaiting a decision, written straight to the database."""

    class Meta:
        model = Benefit

    kind = "minimum_living"
    applied_on = dt.date(2012, 3, 1)
    application_notes = "家庭人均收入低于当地低保标准"
