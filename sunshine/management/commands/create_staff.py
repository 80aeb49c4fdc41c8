import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sunshine.choices import Department, Role
from sunshine.models import User


class Command(BaseCommand):
    help = (
        "Create a staff account, or update the role, region, department (and password, if given) of an "
        "existing one. This is how the first provincial account is made on a fresh install."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", help="division code (not for sysadmin)")
        parser.add_argument("--department", choices=Department.values, default="")
        parser.add_argument("--password", help="a random one is printed when omitted for a new account")
        parser.add_argument("--full-name", default="")

    def handle(self, *args, username, role, region, department, password, full_name, **options):
        user = User.objects.filter(username=username).first() or User(username=username)
        created = user.pk is None
        user.role, user.region_id, user.department = role, region or None, department
        user.full_name = full_name or user.full_name
        user.is_staff = role == Role.SYSADMIN  # Django admin: configuration only
        if created and not password:
            password = secrets.token_urlsafe(12)
            self.stdout.write(f"Generated password: {password}")
        try:
            user.full_clean(exclude=["password"])
            if password:
                validate_password(password, user)  # the same validators as the web form
        except ValidationError as error:
            messages = error.message_dict.items() if hasattr(error, "error_dict") else [("password", error.messages)]
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in messages)) from None
        if password:
            user.set_password(password)
        user.save()
        self.stdout.write(f"{'Created' if created else 'Updated'} {username} ({role} {region or '-'}).")
