"""The Provincial Government's contact channels for people without the internet (settings CONTACT_*), as links a
phone can follow: the phone as a `tel:` link, WhatsApp as a `https://wa.me/<digits>` link.

Nothing is invented: a channel not set is not shown (README, "Contact channels").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

# Ecuador's country code: a WhatsApp number written the national way (099 123 4567) gets it in its link, which
# wa.me needs in international form without "+" or leading zeros.
COUNTRY_CODE = "593"
_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class Channels:
    phone: str = ""
    whatsapp: str = ""
    office_address: str = ""
    office_hours: str = ""
    email: str = ""

    def __bool__(self) -> bool:
        return any((self.phone, self.whatsapp, self.office_address, self.office_hours, self.email))

    @property
    def phone_href(self) -> str:
        """`tel:` and the number's digits, with its "+" if it has one: "+593 3 288 5000" -> "tel:+59332885000"."""
        digits = _NOT_DIGIT.sub("", self.phone)
        if not digits:
            return ""
        return "tel:" + ("+" if self.phone.strip().startswith("+") else "") + digits

    @property
    def whatsapp_href(self) -> str:
        """https://wa.me/ and the number in international form: "099 123 4567" -> https://wa.me/593991234567."""
        digits = _NOT_DIGIT.sub("", self.whatsapp)
        if self.whatsapp.strip().startswith("00"):
            digits = digits[2:]
        elif digits.startswith("0") and not self.whatsapp.strip().startswith("+"):
            digits = COUNTRY_CODE + digits[1:]
        return f"https://wa.me/{digits}" if digits else ""


def contact_channels() -> Channels:
    """The channels as the settings give them (blanks trimmed)."""
    return Channels(
        phone=settings.CONTACT_PHONE.strip(),
        whatsapp=settings.CONTACT_WHATSAPP.strip(),
        office_address=settings.CONTACT_OFFICE_ADDRESS.strip(),
        office_hours=settings.CONTACT_OFFICE_HOURS.strip(),
        email=settings.CONTACT_EMAIL.strip(),
    )
