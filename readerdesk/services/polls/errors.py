"""What the polls' services say to a patron: a catalogue key (marked N_ where it is raised) and its
values, so a view says it in the site's language (``gettext(exc.template, **exc.values)``)."""

from __future__ import annotations


class PatronMessage(ValueError):
    """A refusal shown to a patron; ``str()`` is the English sentence."""

    def __init__(self, template: str, **values):
        super().__init__(template % values if values else template)
        self.template, self.values = template, values
