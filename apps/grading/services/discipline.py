"""Recording a disciplinary measure (kỷ luật) on a member or an organisation: evidence for the annual grading
(DOMAIN.md §8: disciplined in the year → KHTNV; a cell with a member disciplined cannot be HTXSNV)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.common.text import nfc
from apps.grading.models import Discipline
from apps.members.models import Member
from apps.orgs.models import Organization

# Forms of discipline, stored as codes in Discipline.form (a free CharField: records entered in the admin site
# before these codes existed are shown as they were typed). The labels carry the context "discipline": "Warning"
# is also the membership watch's level (cảnh báo), while here it is cảnh cáo.
REPRIMAND, WARNING, DISMISSAL, EXPULSION, DISSOLUTION = "reprimand", "warning", "dismissal", "expulsion", "dissolution"
FORM_LABELS = {
    REPRIMAND: pgettext_lazy("discipline", "Reprimand"),  # khiển trách
    WARNING: pgettext_lazy("discipline", "Warning"),  # cảnh cáo
    DISMISSAL: pgettext_lazy("discipline", "Dismissal"),  # cách chức
    EXPULSION: pgettext_lazy("discipline", "Expulsion"),  # khai trừ
    DISSOLUTION: pgettext_lazy("discipline", "Dissolution"),  # giải tán
}
MEMBER_FORMS = (REPRIMAND, WARNING, DISMISSAL, EXPULSION)
ORGANIZATION_FORMS = (REPRIMAND, WARNING, DISSOLUTION)


def form_label(code: str) -> str:
    return str(FORM_LABELS.get(code, code))


def form_errors(*, form: str, for_member: bool) -> dict[str, str]:
    """Field → message when the form of discipline does not fit the subject (a member or an organisation)."""
    if form not in FORM_LABELS:
        return {"form": _("Unknown form of discipline.")}
    if for_member and form not in MEMBER_FORMS:
        return {"form": _("This form of discipline applies to an organisation, not to a member.")}
    if not for_member and form not in ORGANIZATION_FORMS:
        return {"form": _("This form of discipline applies to a member, not to an organisation.")}
    return {}


@transaction.atomic
def discipline_record(
    *,
    organization: Organization,
    member: Member | None,
    on: date,
    form: str,
    decision_ref: str = "",
    today: date,
) -> Discipline:
    """A measure on ``member`` (a member of the cell ``organization``) or, without a member, on the organisation."""
    if member is not None and member.cell_id != organization.pk:
        raise ValidationError({"subject": _("This person is not a member of the cell.")})
    errors = form_errors(form=form, for_member=member is not None)
    if on > today:
        errors["on"] = _("The date of a discipline decision cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    row = Discipline(organization=organization, member=member, on=on, form=form, decision_ref=nfc(decision_ref))
    row.full_clean()
    row.save()
    return row
