from django.urls import path

from onedoor.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("advice/", views.advice_index, name="advice_index"),
    path("advice/<slug:slug>/", views.advice_page, name="advice"),
    path("privacy/", views.static_page, {"template": "privacy"}, name="privacy"),
    path("accessibility/", views.static_page, {"template": "accessibility"}, name="accessibility"),
    path("contact-us/", views.static_page, {"template": "contact_us"}, name="contact_us"),
    path("report/", views.report_start, name="report_start"),
    path("report/emergency/", views.report_emergency, name="report_emergency"),
    path("report/confirmation/", views.report_confirmation, name="report_confirmation"),
    path("report/check/", views.report_check, name="report_check"),
    path("report/<slug:step>/", views.report_step, name="report_step"),
    path("track/", views.track, name="track"),
    path("track/case/<str:reference>/", views.track_case, name="track_case"),
    path("track/<str:token>/", views.track_token, name="track_token"),
]
