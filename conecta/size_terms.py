"""File-size units for our own message catalogues (the sizes of evidence, minutes and report files).

Django's catalogues have no Kichwa, so without these entries a Kichwa page would print "431 bytes". As
conecta/calendar_terms.py does for dates, nothing imports this module: it only exists so that `makemessages`
extracts the msgids of django.template.defaultfilters.filesizeformat into locale/*/django.po. Keep it in step.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

BYTES = ngettext_lazy("%(size)d byte", "%(size)d bytes", "size")
UNITS = [gettext_noop("%s KB"), gettext_noop("%s MB"), gettext_noop("%s GB"), gettext_noop("%s TB"),
         gettext_noop("%s PB")]
