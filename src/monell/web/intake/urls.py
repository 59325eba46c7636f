from django.urls import path

from monell.web.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("q/review/", views.review, name="review"),
    path("q/<slug:slug>/", views.step, name="step"),
    path("result/", views.result, name="result"),
    path("result/send/", views.submit, name="submit"),
    path("thanks/", views.confirmation, name="confirmation"),
    path("save/", views.save, name="save"),
    path("r/<str:token>", views.resume, name="resume"),
    path("privacy/", views.privacy, name="privacy"),
    path("glossary/", views.glossary, name="glossary"),
]
