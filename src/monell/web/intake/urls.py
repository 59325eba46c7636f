from django.urls import path

from monell.web.intake import views

app_name = "intake"
urlpatterns = [path("", views.home, name="home")]
