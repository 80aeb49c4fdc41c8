import datetime as dt

import factory

from training.models import Course, Enrolment


class CourseFactory(factory.django.DjangoModelFactory):
    """A 2012 electrician course in 南明区 (the county of townships A and B)."""

    class Meta:
        model = Course

    provider_kind = "hr_department"
    provider_name = factory.Sequence(lambda n: f"职业培训学校{n}")
    skill = "电工"
    start_date = dt.date(2012, 3, 1)
    end_date = dt.date(2012, 4, 30)
    hours = 120
    region_id = "520102"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """An approved enrolment written straight to the database (services are tested on their own)."""

    class Meta:
        model = Enrolment

    course = factory.SubFactory(CourseFactory)
    enrolled_on = dt.date(2012, 2, 20)
    status = "enrolled"
    approved_on = dt.date(2012, 2, 20)
