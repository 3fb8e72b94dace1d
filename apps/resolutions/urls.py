"""Resolution URLs, one module per feature."""

from apps.resolutions import urls_follow, urls_targets, urls_tasks

app_name = "resolutions"
urlpatterns = [*urls_tasks.urlpatterns, *urls_targets.urlpatterns, *urls_follow.urlpatterns]
