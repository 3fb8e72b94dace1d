"""Meeting URLs, one module per feature so that each feature's views stay together."""

from apps.meetings import urls_calendar, urls_docs, urls_live, urls_prep, urls_votes

app_name = "meetings"
urlpatterns = [
    *urls_live.urlpatterns,
    *urls_votes.urlpatterns,
    *urls_calendar.urlpatterns,
    *urls_prep.urlpatterns,
    *urls_docs.urlpatterns,
]
