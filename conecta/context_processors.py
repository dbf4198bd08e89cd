from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def other_language_url(path: str, current: str, code: str) -> str:
    """The same page in language `code`. A path Django cannot resolve (a 404) keeps its tail under the other
    language's prefix, so the reader sees the same "not found" page in the language they chose."""
    url = translate_url(path, code)
    if url == path and code != current and path.startswith(f"/{current}/"):
        url = f"/{code}/" + path[len(current) + 2 :]
    return url


def site(request):
    """The language switcher's links (the same page in each language) and what the Kichwa note needs."""
    current = get_language()
    path = request.get_full_path() if request is not None else "/"
    languages = []
    for code, _name in settings.LANGUAGES:
        name = get_language_info(code)["name_local"]
        languages.append(
            {
                "code": code,
                "name": name[:1].upper() + name[1:],
                "url": other_language_url(path, current, code),
                "current": code == current,
            }
        )
    return {
        "site_languages": languages,
        "translation_feedback_url": settings.TRANSLATION_FEEDBACK_URL,
        "site_url": settings.SITE_URL,
    }
