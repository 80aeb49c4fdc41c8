from .choices import ACCOUNT_MANAGERS, AUDIT_READERS, FIELD_STAFF, OFFICES, Role


def navigation(request):
    """What the signed-in user's role may open, for the menu (the views enforce it themselves)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_manage_staff": user.role in ACCOUNT_MANAGERS,
        "can_read_audit": user.role in AUDIT_READERS,
        "is_office": user.role in OFFICES,
        "is_field": user.role in FIELD_STAFF,
        "is_department": user.role == Role.DEPARTMENT_STAFF,
    }
