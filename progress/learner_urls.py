"""The learner dashboard's pages."""

urlpatterns: list = []
