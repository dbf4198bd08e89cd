# Spanish (Ecuador) formats. Django's own django/conf/locale/es/formats.py is the base; this module wins where
# it defines a name (FORMAT_MODULE_PATH). The *_FORMAT strings use Django's date syntax,
# https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date ; the *_INPUT_FORMATS use strftime syntax.
DATE_FORMAT = r"j \d\e F \d\e Y"  # 24 de noviembre de 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"  # 24 de noviembre de 2026, 14:30
YEAR_MONTH_FORMAT = r"F \d\e Y"  # noviembre de 2026
MONTH_DAY_FORMAT = r"j \d\e F"  # 24 de noviembre
SHORT_DATE_FORMAT = "d/m/Y"  # 24/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 24/11/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

# Django appends the ISO formats (2026-11-24) to these when it parses input.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # '24/11/2026'
    "%d/%m/%y",  # '24/11/26'
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",  # '24/11/2026 14:30:59'
    "%d/%m/%Y %H:%M:%S.%f",  # '24/11/2026 14:30:59.000200'
    "%d/%m/%Y %H:%M",  # '24/11/2026 14:30'
    "%d/%m/%y %H:%M:%S",  # '24/11/26 14:30:59'
    "%d/%m/%y %H:%M:%S.%f",  # '24/11/26 14:30:59.000200'
    "%d/%m/%y %H:%M",  # '24/11/26 14:30'
]

# Ecuador writes 1.234.567,89 (Django's generic Spanish uses a non-breaking space for thousands).
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
