"""What django-import-export shows the staff in its own words, for our own message catalogues.

django-import-export has no Kichwa catalogue, and its Spanish one leaves strings in English ("This exporter will
export the following fields") or in Spain's Spanish ("Fichero a importar"). As conecta/calendar_terms.py does for
dates, nothing imports this module: it only exists so that `makemessages` extracts the same msgids (spaces and
quotes included) into locale/*/django.po, where LOCALE_PATHS makes our translations win over the app's. Only
what our admin can show is listed (we use neither the selectable-fields export form nor the export action, and an
import never deletes). Keep it in step with import_export's templates/admin/import_export/*.html, forms.py and
admin.py: tests/commitments/test_import_export_language.py checks that every msgid is still there, and that the
pages read in Spanish and Kichwa.

The messages import-export builds in Python (the "Import finished" counts, the records' history) cannot be
translated whole: commitments.admin.ImportExportTranslationAdmin writes them itself.
"""

from django.utils.translation import gettext_noop

# The change list's buttons, the pages' titles and breadcrumbs (admin.py, change_list_*_item.html, *.html).
TITLES = [
    gettext_noop("Import"),
    gettext_noop("Export"),
]

# The import and export forms (forms.py, resource_fields_list.html, import.html, export.html).
FORMS = [
    gettext_noop("Format"),
    gettext_noop("File to import"),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Submit"),
]

# A file the import cannot read (admin.py).
READING = [
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format for the file."
    ),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
]

# The preview and its errors (import.html).
PREVIEW = [
    gettext_noop(
        "Below is a preview of data to be imported. If you are satisfied with the results, click 'Confirm import'"
    ),
    gettext_noop("Confirm import"),
    gettext_noop("Preview"),
    gettext_noop("New"),
    gettext_noop("Update"),
    gettext_noop("Skipped"),
    gettext_noop("Errors"),
    gettext_noop("Line number"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop("Please correct these errors in your data where possible, then reupload it using the form above."),
    gettext_noop("Row"),
    gettext_noop("Non field specific"),
]

MSGIDS = TITLES + FORMS + READING + PREVIEW
