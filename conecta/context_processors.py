from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def site(request):
    """The language switcher's links (the same page in each language) and what the Kichwa note needs."""
    current = get_language()
    path = request.get_full_path() if request is not None else "/"
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name": info["name_local"][:1].upper() + info["name_local"][1:],
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return {
        "site_languages": languages,
        "translation_feedback_url": settings.TRANSLATION_FEEDBACK_URL,
        "site_url": settings.SITE_URL,
    }
