# Kichwa formats. Django has no locale for Kichwa (django/conf/locale/qu does not exist), so every name Django
# looks up is defined here; anything missing would fall back to the global (US English) settings.
# Month and weekday names come from our catalogue (locale/qu/LC_MESSAGES/django.po, extracted through
# conecta/calendar_terms.py). Kichwa puts no preposition between day, month and year: "24 Ayar 2026".
# The *_FORMAT strings use Django's date syntax, https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date ;
# the *_INPUT_FORMATS use strftime syntax. Numbers and short dates follow Ecuador's usage, as in Spanish.
DATE_FORMAT = "j F Y"  # 24 Ayar 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 24 Ayar 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # Ayar 2026
MONTH_DAY_FORMAT = "j F"  # 24 Ayar
SHORT_DATE_FORMAT = "d/m/Y"  # 24/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 24/11/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday (Sullka), as in Ecuador's Spanish calendars

# Django appends the ISO formats (2026-11-24) to these when it parses input.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # '24/11/2026'
    "%d/%m/%y",  # '24/11/26'
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # '14:30:59'
    "%H:%M:%S.%f",  # '14:30:59.000200'
    "%H:%M",  # '14:30'
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",  # '24/11/2026 14:30:59'
    "%d/%m/%Y %H:%M:%S.%f",  # '24/11/2026 14:30:59.000200'
    "%d/%m/%Y %H:%M",  # '24/11/2026 14:30'
    "%d/%m/%y %H:%M:%S",  # '24/11/26 14:30:59'
    "%d/%m/%y %H:%M:%S.%f",  # '24/11/26 14:30:59.000200'
    "%d/%m/%y %H:%M",  # '24/11/26 14:30'
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
