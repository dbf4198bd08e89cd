"""The names django-axes gives its models, for our own message catalogues.

django-axes has no Spanish nor Kichwa catalogue, so its admin section would read "Access attempts" on a Spanish
page. As conecta/calendar_terms.py does for dates, nothing imports this module: it only exists so that
`makemessages` extracts the same msgids into locale/*/django.po, where LOCALE_PATHS makes them win. Keep it in
step with axes/models.py.
"""

from django.utils.translation import gettext_noop

AXES_MODEL_NAMES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
]
