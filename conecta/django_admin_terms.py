"""What Django's admin shows the staff in its own words, for our own message catalogues.

Django has no Kichwa catalogue, so without these entries the Kichwa admin (/qu/admin/) would greet the staff, label
its buttons and confirm a deletion in Spanish (the fallback language): "Bienvenidos", "Ver el sitio", "Guardar y
continuar editando". As conecta/import_export_terms.py does for django-import-export, nothing imports this module:
it only exists so that `makemessages` extracts the same msgids (spaces, quotes and placeholders included) into
locale/*/django.po, where LOCALE_PATHS makes our translations win over Django's. The Spanish entries copy Django's
own Spanish catalogue word for word, so nothing changes for Spanish readers; the Kichwa ones are ours.

Only what a staff member sees every day is listed: the header and side bar, the home page's sections, a list with
its search, filters, actions and pages, a record's form, a deletion, a record's history, signing in and out and
changing one's password (django/contrib/admin/templates/admin/*.html, templates/registration/*.html, filters.py,
options.py, actions.py, helpers.py, widgets.py, models.py, views/main.py, templatetags/admin_list.py, and
django/contrib/auth/forms.py). Keep it in step with them: tests/conecta/test_admin_kichwa_chrome.py checks that
every msgid is still in Django's catalogues and that the pages read in Kichwa. Msgids our catalogues already hold
("Home", "Log in", "Log out", "History", "Search", "Action", "All", "Error:", "Summary", "user") are not repeated.

The messages after an add, a change or a delete are not here: conecta.admin_messages says them whole.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# The header, the side bar and the breadcrumbs of every page (base.html, base_site.html, nav_sidebar.html,
# app_index.html, color_theme_toggle.html)
CHROME = [
    gettext_noop("Skip to main content"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Welcome,"),
    gettext_noop("View site"),
    gettext_noop("Documentation"),
    gettext_noop("Change password"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Sidebar"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("%(app)s administration"),
]

# The list of sections on the home page (app_list.html)
SECTIONS = [
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Add"),
    gettext_noop("Change"),
    gettext_noop("View"),
    gettext_noop("You don’t have permission to view or edit anything."),
]

# A list of records: titles, search, filters, sorting, pages (views/main.py, change_list*.html, search_form.html,
# filter.html, pagination.html, filters.py, templatetags/admin_list.py)
LISTS = [
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Select %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Filter"),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Clear all filters"),
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("Any date"),
    gettext_noop("Today"),
    gettext_noop("Past 7 days"),
    gettext_noop("This month"),
    gettext_noop("This year"),
    gettext_noop("No date"),
    gettext_noop("Has date"),
    gettext_noop("All dates"),
    gettext_noop("Yes"),
    gettext_noop("No"),
    gettext_noop("Unknown"),
    gettext_noop("Empty"),
    gettext_noop("Not empty"),
    gettext_noop("Remove from sorting"),
    gettext_noop("Sorting priority: %(priority_number)s"),
    gettext_noop("Toggle sorting"),
    ngettext_lazy("%(counter)s result", "%(counter)s results", 1),
    gettext_noop("%(full_result_count)s total"),
    gettext_noop("Show all"),
    gettext_noop("Save"),
    ngettext_lazy("%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", 1),
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", 1),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
]

# Actions on the selected records (actions.html, actions.py, options.py, templatetags/admin_list.py)
ACTIONS = [
    gettext_noop("Action:"),
    gettext_noop("Run the selected action"),
    gettext_noop("Go"),
    gettext_noop("Click here to select the objects across all pages"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Clear selection"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    ngettext_lazy("%(total_count)s selected", "All %(total_count)s selected", 1),
    gettext_noop("0 of %(cnt)s selected"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Items must be selected in order to perform actions on them. No items have been changed."),
    gettext_noop("No action selected."),
]

# A record's form (change_form.html, change_form_object_tools.html, submit_line.html, options.py, helpers.py,
# widgets.py, related_widget_wrapper.html)
FORMS = [
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("View on site"),
    gettext_noop("Save as new"),
    gettext_noop("Save and add another"),
    gettext_noop("Save and continue editing"),
    gettext_noop("Save and view"),
    gettext_noop("Close"),
    gettext_noop("Delete"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Remove"),
    gettext_noop("Delete?"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Date:"),
    gettext_noop("Time:"),
    gettext_noop("Currently:"),
    gettext_noop("Change:"),
    gettext_noop("Lookup"),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
]

# Deleting (delete_confirmation.html, delete_selected_confirmation.html, includes/object_delete_summary.html,
# actions.py, options.py)
DELETING = [
    gettext_noop("Delete multiple objects"),
    gettext_noop("Cannot delete %(name)s"),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the following '
        "related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related objects, but "
        "your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following protected "
        "related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and "
        "their related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your account "
        "doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following protected related objects:"
    ),
    gettext_noop(
        "Deleting %(class_name)s %(instance)s would require deleting the following protected related "
        "objects: %(related_objects)s"
    ),
    gettext_noop("%(class_name)s %(instance)s"),
    gettext_noop("Objects"),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("No, take me back"),
]

# A record's history (object_history.html, options.py, models.py: the messages LogEntry keeps)
HISTORY = [
    gettext_noop("Change history: %s"),
    gettext_noop("Date/time"),
    gettext_noop("User"),
    ngettext_lazy("entry", "entries", 1),
    gettext_noop("This object doesn’t have a change history. It probably wasn’t added via this admin site."),
    gettext_noop("Added."),
    gettext_noop("Changed {fields}."),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("No fields changed."),
    gettext_noop("and"),
]

# Signing in and out, and changing one's password (login.html, forms.py, registration/*.html; auth's forms)
SIGNING_IN = [
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. Note that both fields may "
        "be case-sensitive."
    ),
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this page. Would you like "
        "to login to a different account?"
    ),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("username"),
    gettext_noop("Password"),
    gettext_noop("Thanks for spending some quality time with the web site today."),
    gettext_noop("Log in again"),
    gettext_noop("Password change"),
    gettext_noop("Your password was changed."),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password twice so we "
        "can verify you typed it in correctly."
    ),
    gettext_noop("Change my password"),
    gettext_noop("Old password"),
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("The two password fields didn’t match."),
]

MSGIDS = CHROME + SECTIONS + LISTS + ACTIONS + FORMS + DELETING + HISTORY + SIGNING_IN
