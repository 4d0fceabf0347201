from django.urls import path

from onedoor.console import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("queue/", views.queue, name="queue"),
    path("audit/", views.audit, name="audit"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<str:reference>/", views.review_case, name="review_case"),
    path("reports/regrades/", views.regrade_report, name="regrade_report"),
    path("markers/", views.markers, name="markers"),
    path("markers/new/", views.marker_new, name="marker_new"),
    path("markers/<int:marker_id>/withdraw/", views.marker_withdraw, name="marker_withdraw"),
    path("cases/<str:reference>/", views.case_detail, name="case"),
    path("cases/<str:reference>/justify/", views.case_justify, name="justify"),
    path("cases/<str:reference>/notes/", views.case_note, name="case_note"),
    path("cases/<str:reference>/updates/", views.case_update, name="case_update"),
    path("cases/<str:reference>/status/", views.case_status, name="case_status"),
    path("cases/<str:reference>/grade/", views.case_regrade_view, name="case_regrade"),
    path("cases/<str:reference>/assess/", views.case_assess_view, name="case_assess"),
    path("cases/<str:reference>/allocation/", views.case_allocate_view, name="case_allocate"),
]
