"""Django's own validation messages that its Vietnamese catalogue lacks (Django 5.2: messages added or re-quoted
since the catalogue was last translated), so forms and services showed them in English, and a few it words badly.
Listed here so that ``makemessages`` keeps them in our catalogue, which Django reads first (LOCALE_PATHS) and
translates them with. Nothing imports this list; ``apps/common/tests/test_i18n.py`` checks that each one now reads
in Vietnamese."""

from django.utils.translation import gettext_noop, ngettext

MESSAGES = [
    # forms
    gettext_noop("Null characters are not allowed."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("Enter a valid JSON."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Enter a valid UUID."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop("File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s."),
    gettext_noop("Enter a valid duration."),
    # model fields and constraints (full_clean in the services)
    gettext_noop("“%(value)s” value must be an integer."),
    gettext_noop("“%(value)s” value must be either True or False."),
    gettext_noop("“%(value)s” value has an invalid date format. It must be in YYYY-MM-DD format."),
    gettext_noop("“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date."),
    gettext_noop("“%(value)s” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."),
    gettext_noop(
        "“%(value)s” value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time."
    ),
    gettext_noop("“%(value)s” value must be a decimal number."),
    gettext_noop("“%(value)s” value must be a float."),
    gettext_noop("“%(value)s” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format."),
    gettext_noop("“%(value)s” value has the correct format (HH:MM[:ss[.uuuuuu]]) but it is an invalid time."),
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    gettext_noop("Value must be valid JSON."),
    gettext_noop("Constraint “%(name)s” is violated."),
    # translated in Django's catalogue, but in words a user stumbles on: "Nhập địa chỉ email." for an address that
    # is not one; "Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 15.00 ." for a score over the item's maximum
    gettext_noop("Enter a valid email address."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
]

# Plural messages: xgettext reads them in the source; the function is never called.
PLURALS = [
    lambda n: ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        n,
    ),
]
