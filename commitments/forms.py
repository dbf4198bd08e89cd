from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

SPREADSHEET_SIGNATURES = {
    "xlsx": [b"PK\x03\x04"],
    "xls": [b"\xd0\xcf\x11\xe0"],
}


class SpreadsheetImportForm(ImportForm):
    """The admin's import form, refusing files that are too large, are not what their format says, or would
    unpack to more (bytes, rows, columns) than the import bounds allow (conecta.spreadsheet)."""

    def __init__(self, formats, resources, **kwargs):
        self.format_classes = formats
        super().__init__(formats, resources, **kwargs)

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB). The limit is %(limit)s MB: split it into smaller files."),
                params={"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
                code="too_large",
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, fmt_index = cleaned.get("import_file"), cleaned.get("format")
        if upload is None or fmt_index in (None, ""):
            return cleaned
        file_format = self.format_classes[int(fmt_index)]()
        fmt = file_format.get_title().lower()
        head = upload.read(8)
        upload.seek(0)
        if fmt in SPREADSHEET_SIGNATURES and not any(head.startswith(sig) for sig in SPREADSHEET_SIGNATURES[fmt]):
            self.add_error(
                "import_file",
                _("This file is not an %(format)s spreadsheet. Choose the format the file really has.")
                % {"format": fmt.upper()},
            )
        elif fmt in {"csv", "tsv", "json"}:
            sample = upload.read(64 * 1024)
            upload.seek(0)
            if b"\x00" in sample:
                self.add_error("import_file", _("This file is not a text file; is it a spreadsheet?"))
            else:
                try:
                    sample.decode("utf-8")
                except UnicodeDecodeError as exc:
                    # A multi-byte character cut by the sample's end is fine; anything earlier is not UTF-8.
                    if exc.start < len(sample) - 4:
                        self.add_error(
                            "import_file",
                            _("The file is not in UTF-8 encoding. Save it as “CSV UTF-8” and try again."),
                        )
        if not self.has_error("import_file") and hasattr(file_format, "check_upload"):
            # What the file would unpack to, and its rows and columns, before the preview parses it.
            try:
                file_format.check_upload(upload)
            except forms.ValidationError as exc:
                self.add_error("import_file", exc)
        return cleaned
