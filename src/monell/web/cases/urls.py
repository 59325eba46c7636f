from django.urls import path

from monell.web.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("leads.csv", views.queue_csv, name="queue_csv"),
    path("leads/<uuid:lead_id>/", views.lead_page, name="lead"),
    path("leads/<uuid:lead_id>/note/", views.add_note, name="note"),
    path("leads/<uuid:lead_id>/status/", views.set_status, name="status"),
    path("leads/<uuid:lead_id>/assign/", views.assign, name="assign"),
    path("leads/<uuid:lead_id>/facts/", views.edit_facts, name="facts"),
    path("leads/<uuid:lead_id>/conflicts/", views.conflict_check, name="conflicts"),
    path("leads/<uuid:lead_id>/decide/", views.decide, name="decide"),
    path("leads/<uuid:lead_id>/delete/", views.delete_lead, name="delete"),
    path("leads/<uuid:lead_id>/letter.pdf", views.letter_pdf, name="letter"),
    path("leads/<uuid:lead_id>/memo.pdf", views.memo_pdf, name="memo_pdf"),
    path("leads/<uuid:lead_id>/uploads/<uuid:upload_id>/", views.upload, name="upload"),
    path("matters/", views.matters, name="matters"),
    path("matters/<str:number>.ics", views.matter_ics, name="matter_ics"),
    path("calendar/token/", views.calendar_token, name="calendar_token"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("settings/", views.firm_settings, name="settings"),
]
