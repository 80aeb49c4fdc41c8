from .access import holds_lawful_grant
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
        # 「已封存 · 依法查询 · 注意保密」 on every page while the user holds a lawful-query grant (DESIGN §3b);
        # a callable, so the one query runs only where the base template asks (office roles), once per page
        "holds_lawful_grant": lambda: holds_lawful_grant(user),
    }
