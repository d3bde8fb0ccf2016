"""The learner dashboard's pages."""

from django.urls import path

from progress import learner_views

urlpatterns = [
    path("", learner_views.dashboard, name="dashboard"),
    path("browser/", learner_views.browser_dashboard_fragment, name="browser"),
    path("browser/continue/", learner_views.browser_continue_fragment, name="browser-continue"),
]
