from django.urls import path

from aftersales.workforce import standins, views, views_training

app_name = "workforce"

urlpatterns = [
    path("me/", views.my_day, name="me"),
    path("me/check-in/", views.check_in_view, name="check_in"),
    path("me/check-out/", views.check_out_view, name="check_out"),
    path("me/report/", views.daily_report_view, name="daily_report"),
    path("me/trip/", views.trip_view, name="trip"),
    path("me/trip/<int:trip_id>/return/", views.trip_return_view, name="trip_return"),
    path("me/overtime/", views.overtime_create_view, name="overtime_create"),
    path("me/week/", views.weekly_summary_view, name="weekly_summary"),
    path("claims/", views.claim_list, name="claims"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:claim_id>/lines/", views.claim_add_line, name="claim_add_line"),
    path("claims/<int:claim_id>/submit/", views.claim_submit, name="claim_submit"),
    path("claims/<int:claim_id>/decide/", views.claim_decide, name="claim_decide"),
    path("lines/<int:line_id>/remove/", views.line_remove, name="line_remove"),
    path("lines/<int:line_id>/confirm/", views.line_confirm, name="line_confirm"),
    path("absences/", views.absence_list, name="absences"),
    path("absences/<int:absence_id>/decide/", views.absence_decide, name="absence_decide"),
    path("overtime/", views.overtime_list, name="overtime"),
    path("overtime/<int:overtime_id>/decide/", views.overtime_decide, name="overtime_decide"),
    path("staff/", views.staff_list, name="staff"),
    path("training/", views_training.training_view, name="training"),
    path("training/sessions/<int:session_id>/", views_training.session_view, name="training_session"),
    path("certificates/", views_training.certificates_view, name="certificates"),
    path("certificates/<int:certificate_id>/revoke/", views_training.certificate_revoke, name="certificate_revoke"),
    path("stand-ins/", standins.stand_ins, name="stand_ins"),
    path("stand-ins/<int:stand_in_id>/end/", standins.stand_in_end, name="stand_in_end"),
]
