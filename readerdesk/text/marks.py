"""``N_``: the mark for a sentence the catalogues must hold, where it is defined in code that cannot translate.

Its own module because the lowest helpers (``text.money``'s refusals) mark sentences too, and
``text.languages``, which re-exports it, formats their money.
"""


def N_(message: str) -> str:
    """Marks ``message`` for the catalogues (pybabel extract -k N_) where it is defined, in code that
    cannot translate (models, services); the view, template or job that shows it translates it."""
    return message
