"""The members' pages and verbs. The membership watch (``members:watch``, it reads the meetings' attendance) is
apps/home/views/watch.py, added to this namespace by the root URLconf (chibo/urls.py)."""

from django.urls import path

from apps.members.views import attachment as views_attachment
from apps.members.views import dues as views_dues
from apps.members.views import member as views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("probation-due/", views.probation_due, name="probation_due"),
    path("new/<int:cell_id>/", views.member_create, name="create"),
    path("<int:member_id>/", views.member_detail, name="detail"),
    path("<int:member_id>/edit/", views.member_edit, name="edit"),
    path("<int:member_id>/transfer/", views.member_transfer, name="transfer"),
    path("<int:member_id>/exemption/", views.exemption_add, name="exemption"),
    path("<int:member_id>/suspension/", views.suspension_add, name="suspension"),
    path("<int:member_id>/attachment/", views_attachment.attachment_add, name="attachment"),
    path("<int:member_id>/office/", views.cell_role_assign, name="office"),
    path("<int:member_id>/photo/", views.member_photo, name="photo"),
    path("dues/cell/<int:cell_id>/", views_dues.dues_month, name="dues"),
    path("<int:member_id>/dues/", views_dues.dues_member, name="dues_member"),
    path("<int:member_id>/dues/basis/", views_dues.dues_basis, name="dues_basis"),
    path("dues/rates/<int:org_id>/", views_dues.dues_rates, name="dues_rates"),
    path("dues/rates/delete/<int:rate_id>/", views_dues.dues_rate_delete, name="dues_rate_delete"),
]
