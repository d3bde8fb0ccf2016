"""The authors' analytics pages (staff only)."""

urlpatterns: list = []
