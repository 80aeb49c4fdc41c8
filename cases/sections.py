"""Sections that apps add to pages of cases without cases knowing them: the person's file and the home page.

A section is a function returning a context dict with ``"template"`` (the piece to include), or None to show
nothing. Each app registers its own in its ``person_file`` module (see docs/architecture.md, "Registries").
"""

_person_sections: list = []
_home_sections: list = []


def register_person_section(section):
    """Register ``section(person, user)``: a section of the person's file."""
    _person_sections.append(section)
    return section


def register_home_section(section):
    """Register ``section(user, today)``: a section of the home page, for the users whose work it holds (department
    staff above all)."""
    _home_sections.append(section)
    return section


def person_sections(person, user) -> list[dict]:
    return [found for section in _person_sections if (found := section(person, user))]


def home_sections(user, today) -> list[dict]:
    return [found for section in _home_sections if (found := section(user, today))]
