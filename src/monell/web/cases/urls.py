from django.urls import path

from monell.web.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("matters/", views.queue, name="matters"),
    path("settings/", views.queue, name="settings"),
]
