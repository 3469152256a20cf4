"""What the polls' services say to a patron: a sentence template and its values, so a view says it in
the site's language (readerdesk.text.i18n.say)."""

from __future__ import annotations


class PatronMessage(ValueError):
    """A refusal shown to a patron; ``str()`` is the English sentence."""

    def __init__(self, template: str, **values):
        super().__init__(template.format(**values))
        self.template, self.values = template, values
