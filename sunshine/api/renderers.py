from rest_framework.renderers import BrowsableAPIRenderer


class FormlessBrowsableAPIRenderer(BrowsableAPIRenderer):
    """The browsable API without forms: a filter form or a write form would list related rows (persons) that
    the library fetches itself, outside the scope (after NetBox)."""

    def show_form_for_method(self, view, method, request, obj):
        return False

    def get_filter_form(self, data, view, request):
        return None
