from django.urls import path

from responses import public_views, views, views_record

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("deadlines/", views.deadline_calendar, name="deadline_calendar"),
    path("responses/<int:pk>/", views.response_detail, name="response_detail"),
    path("responses/<int:pk>/comments/", views.response_edit_comments, name="response_edit_comments"),
    path("responses/<int:pk>/owner/", views.response_edit_owner, name="response_edit_owner"),
    path("responses/<int:pk>/comments-due/", views.response_edit_comments_due, name="response_edit_comments_due"),
    path("responses/<int:pk>/deadline/", views.response_edit_deadline, name="response_edit_deadline"),
    path("responses/<int:pk>/deadline/restore/", views.response_restore_deadline, name="response_restore_deadline"),
    path("responses/<int:pk>/findings/<int:finding_pk>/", views.finding_edit, name="finding_edit"),
    path(
        "responses/<int:pk>/findings/<int:finding_pk>/progress/",
        views.finding_add_progress,
        name="finding_add_progress",
    ),
    path("responses/<int:pk>/checklist/<slug:step_key>/", views.checklist_step, name="checklist_step"),
    path("responses/<int:pk>/checklist/<slug:step_key>/tick/", views.checklist_tick, name="checklist_tick"),
    path("responses/<int:pk>/checklist/<slug:step_key>/untick/", views.checklist_untick, name="checklist_untick"),
    path("responses/<int:pk>/ready/", views.response_mark_ready, name="response_mark_ready"),
    path("responses/<int:pk>/not-ready/", views.response_unmark_ready, name="response_unmark_ready"),
    path("responses/<int:pk>/publish/", views.response_publish, name="response_publish"),
    path("responses/<int:pk>/not-required/", views.response_not_required, name="response_not_required"),
    path("responses/<int:pk>/reopen/", views.response_reopen, name="response_reopen"),
    path("responses/<int:pk>/correction/", views.response_publish_correction, name="response_publish_correction"),
    path("responses/<int:pk>/docx/", views.response_download_docx, name="response_docx"),
    path("responses/<int:pk>/pdf/", views.response_download_pdf, name="response_pdf"),
    path("responses/<int:pk>/approve/", views_record.response_approve, name="response_approve"),
    path(
        "responses/<int:pk>/approve/withdraw/",
        views_record.response_withdraw_approval,
        name="response_withdraw_approval",
    ),
    path("responses/<int:pk>/letters/", views_record.response_letters, name="response_letters"),
    path("responses/<int:pk>/letters/<int:letter_pk>/", views_record.response_letter, name="response_letter"),
    path(
        "responses/<int:pk>/letters/<int:letter_pk>.docx",
        views_record.response_letter_docx,
        name="response_letter_docx",
    ),
    path(
        "responses/<int:pk>/letters/<int:letter_pk>.pdf", views_record.response_letter_pdf, name="response_letter_pdf"
    ),
    path("published/", public_views.published_index, name="published_index"),
    path("published/feed.atom", public_views.PublishedFeed(), name="published_feed"),
    path("published/<slug:slug>/", views.published_response, name="published_response"),
    path("published/<slug:slug>/v<int:number>/", views.published_response_version, name="published_response_version"),
    path("published/<slug:slug>.docx", views.published_response_docx, name="published_response_docx"),
    path("published/<slug:slug>.pdf", views.published_response_pdf, name="published_response_pdf"),
]
