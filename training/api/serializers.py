from rest_framework import serializers

from cases.models import Person
from sunshine.api.serializers import ScopedRelatedField, call_service
from sunshine.models import Region

from .. import services
from ..choices import EnrolmentStatus
from ..models import Course, Enrolment

PROGRESS_FIELDS = ("attendance", "completed", "completed_on", "certificate_number", "withdrawn_on", "notes")


class CourseSerializer(serializers.ModelSerializer):
    """A training course of a county. ``enrolled`` counts approved enrolments not withdrawn."""

    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    enrolled = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "id", "provider_kind", "provider_name", "skill", "start_date", "end_date", "hours", "region", "capacity",
            "notes", "enrolled",
        ]  # fmt: skip

    def get_enrolled(self, course) -> int:
        """Annotated by the list query; counted once for a course just created."""
        if hasattr(course, "enrolled"):
            return course.enrolled
        return course.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()

    def save(self, **kwargs):
        course = self.instance or Course()
        for name, value in self.validated_data.items():
            setattr(course, name, value)
        self.instance = call_service(services.course_save, user=self.context["request"].user, course=course)
        return self.instance


class EnrolmentSerializer(serializers.ModelSerializer):
    """An enrolment. PATCH records progress: attendance, completion (date and certificate) or withdrawal."""

    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id", "person", "course", "enrolled_on", "status", "approved_on", "approved_by", *PROGRESS_FIELDS,
            "recorded_by", "version",
        ]  # fmt: skip
        read_only_fields = ["person", "course", "enrolled_on", "status", "approved_on"]

    def save(self, **kwargs):
        enrolment, data = self.instance, self.validated_data
        progress = {name: data.get(name, getattr(enrolment, name)) for name in PROGRESS_FIELDS}
        self.instance = call_service(
            services.enrolment_record_progress, user=self.context["request"].user, enrolment=enrolment, **progress
        )
        return self.instance


class EnrolmentCreateSerializer(serializers.ModelSerializer):
    """Enrol a person of the caller's scope; a course of another county waits for county approval.
    The answer is the enrolment as ``EnrolmentSerializer`` shows it."""

    person = ScopedRelatedField(Person)
    course = ScopedRelatedField(Course)

    class Meta:
        model = Enrolment
        fields = ["person", "course", "enrolled_on", "notes"]
        validators = []  # the service refuses a duplicate with a message on ``course``

    def save(self, **kwargs):
        data = self.validated_data
        self.instance = call_service(
            services.enrolment_create,
            user=self.context["request"].user,
            person=data["person"],
            course=data["course"],
            enrolled_on=data["enrolled_on"],
            notes=data.get("notes", ""),
        )
        return self.instance

    def to_representation(self, instance):
        return EnrolmentSerializer(instance, context=self.context).data
