from django.urls import path

from lessons import views

app_name = "lessons"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("tracks/<slug:slug>/", views.track_detail, name="track"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="detail"),
]
