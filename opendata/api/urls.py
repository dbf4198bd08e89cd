"""The public API's addresses, under /api/v1/ (language-neutral: the language is `?lang=` or Accept-Language).
Paths are English words, as APIs' are; the documentation page is opendata.api.views.api_docs, under /es/api/ and
/qu/api/."""

from django.urls import path, re_path

from . import views

app_name = "opendata_api"
urlpatterns = [
    path("openapi.json", views.OpenApiJson.as_view(), name="openapi-json"),
    path("openapi.yaml", views.OpenApiYaml.as_view(), name="openapi-yaml"),
    path("plans/", views.PlanList.as_view(), name="plan-list"),
    path("plans/<str:slug>/", views.PlanDetail.as_view(), name="plan"),
    path("commitments/", views.CommitmentList.as_view(), name="commitment-list"),
    path("commitments/<str:code>/", views.CommitmentDetail.as_view(), name="commitment"),
    path("milestones/", views.MilestoneList.as_view(), name="milestone-list"),
    path("updates/", views.UpdateList.as_view(), name="update-list"),
    path("indicators/", views.IndicatorList.as_view(), name="indicator-list"),
    path("institutions/", views.InstitutionList.as_view(), name="institution-list"),
    path("cantons/", views.CantonList.as_view(), name="canton-list"),
    path("parishes/", views.ParishList.as_view(), name="parish-list"),
    path("reports/", views.ReportList.as_view(), name="report-list"),
    path("meetings/", views.MeetingList.as_view(), name="meeting-list"),
    path("agreements/", views.AgreementList.as_view(), name="agreement-list"),
    path("road-works/", views.RoadWorkList.as_view(), name="road-work-list"),
    path("road-works/<str:code>/", views.RoadWorkDetail.as_view(), name="road-work"),
    path("road-requests/", views.RoadRequestList.as_view(), name="road-request-list"),
    # Anything else under /api/v1/ is a JSON 404, not the portal's HTML page.
    re_path(r"^.*$", views.NotFound.as_view(), name="not-found"),
]
