"""The imports' pages (filled by the views)."""

app_name = "imports"

urlpatterns: list = []
