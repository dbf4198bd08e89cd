"""The staff admin of what citizens send: the moderation queues, reasons, hiding, "everything from this contact",
offline feedback, answers and official responses, anonymisation; planners moderate, the monitor reads."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.utils import timezone

from feedback.models import Comment, Evaluation, Moderation, Suggestion
from tests.commitments.admin_helpers import form_data

from .factories import CommentFactory, EvaluationFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def changelist(model: str) -> str:
    return f"/admin/feedback/{model}/"


def act(client, model: str, action: str, items, **extra):
    """Run an admin action from the queue showing every state, as a planner does after choosing "All"."""
    return client.post(
        changelist(model) + "?moderation=all", {"action": action, ACTION_CHECKBOX_NAME: [i.pk for i in items], **extra}
    )


@pytest.mark.parametrize("model", ["suggestion", "comment", "evaluation"])
def test_each_queue_opens_on_the_pending_items(planner_client, commitment, model):
    factory = {"suggestion": SuggestionFactory, "comment": CommentFactory, "evaluation": EvaluationFactory}[model]
    extra = {"commitment": commitment} if model != "suggestion" else {}
    pending = factory(moderation=Moderation.PENDING, **extra)
    done = factory(moderation=Moderation.APPROVED, **extra)

    queue = planner_client.get(changelist(model))
    everything = planner_client.get(changelist(model) + "?moderation=all")

    assert queue.status_code == 200
    assert list(queue.context["cl"].queryset) == [pending]
    assert set(everything.context["cl"].queryset) == {pending, done}


def test_approving_in_bulk_records_who_and_when(planner_client, planner, commitment):
    comments = CommentFactory.create_batch(3, commitment=commitment)

    response = act(planner_client, "comment", "approve_selected", comments)

    assert response.status_code == 302
    for comment in Comment.objects.all():
        assert (comment.moderation, comment.moderated_by) == (Moderation.APPROVED, planner)
        assert comment.moderated_at is not None


def test_rejecting_asks_for_a_reason_first(planner_client, commitment):
    comment = CommentFactory(commitment=commitment)

    step = act(planner_client, "comment", "reject_selected", [comment])
    no_reason = act(planner_client, "comment", "reject_selected", [comment], apply="1", reason="  ")
    done = act(planner_client, "comment", "reject_selected", [comment], apply="1", reason="Insultos")

    assert step.status_code == 200 and 'name="reason"' in step.text
    assert no_reason.status_code == 200 and "errorlist" in no_reason.text
    assert done.status_code == 302
    comment.refresh_from_db()
    assert (comment.moderation, comment.moderation_reason) == (Moderation.REJECTED, "Insultos")


def test_a_rejected_suggestion_is_closed_and_an_approved_one_goes_under_review(planner_client):
    spam, real = SuggestionFactory(), SuggestionFactory()

    act(planner_client, "suggestion", "reject_selected", [spam], apply="1", reason="Publicidad")
    act(planner_client, "suggestion", "approve_selected", [real])

    spam.refresh_from_db()
    real.refresh_from_db()
    assert (spam.status, spam.closed_at is not None) == (Suggestion.Status.CLOSED, True)
    assert real.status == Suggestion.Status.UNDER_REVIEW


def test_an_approved_comment_can_be_hidden_later_with_a_reason(planner_client, citizen, commitment):
    comment = CommentFactory(commitment=commitment, moderation=Moderation.APPROVED, text="Ya no debe verse")
    assert "Ya no debe verse" in citizen.get("/es/compromisos/TEST0001/").text

    act(planner_client, "comment", "hide_selected", [comment], apply="1", reason="Datos personales de un tercero")

    comment.refresh_from_db()
    assert comment.moderation == Moderation.HIDDEN
    assert "Ya no debe verse" not in citizen.get("/es/compromisos/TEST0001/").text


def test_everything_from_one_contact_is_one_link_away(planner_client, commitment):
    first = SuggestionFactory(email="rosa@example.org", phone="", text="Primera")
    second = SuggestionFactory(email="ROSA@example.org ", phone="", text="Segunda")
    by_phone = SuggestionFactory(email="", phone="+593 99 123 4567", text="Por teléfono")
    SuggestionFactory(email="", phone="099 123 4567", text="Mismo teléfono")
    SuggestionFactory(email="otra@example.org", text="Otra persona")
    CommentFactory(commitment=commitment, email="rosa@example.org", text="Comentario de Rosa")

    queue = planner_client.get(changelist("suggestion") + "?moderation=all")
    assert f"contact={first.email_hash}" in queue.text
    assert "rosa@example.org" not in queue.text  # the address is never in a link

    by_email = planner_client.get(changelist("suggestion") + f"?contact={first.email_hash}&moderation=all")
    comments = planner_client.get(changelist("comment") + f"?contact={first.email_hash}&moderation=all")
    same_phone = planner_client.get(changelist("suggestion") + f"?contact={by_phone.phone_hash}&moderation=all")

    assert {s.text for s in by_email.context["cl"].queryset} == {"Primera", "Segunda"}
    assert second.email_hash == first.email_hash
    assert [c.text for c in comments.context["cl"].queryset] == ["Comentario de Rosa"]
    assert {s.text for s in same_phone.context["cl"].queryset} == {"Por teléfono", "Mismo teléfono"}


def test_anonymising_wipes_the_contact_everywhere_and_keeps_texts_and_figures(planner_client, commitment):
    chosen = SuggestionFactory(name="Rosa", email="rosa@example.org", phone="0991234567", text="Arreglen la vía")
    same = CommentFactory(
        commitment=commitment,
        name="Rosa G.",
        email="rosa@example.org",
        text="Comentario",
        moderation=Moderation.APPROVED,
    )
    other = SuggestionFactory(name="Otra", email="otra@example.org")

    step = act(planner_client, "suggestion", "anonymise_selected", [chosen])
    done = act(planner_client, "suggestion", "anonymise_selected", [chosen], apply="1")

    assert step.status_code == 200 and step.context["targets"].comments == 1
    assert done.status_code == 302
    chosen.refresh_from_db()
    same.refresh_from_db()
    other.refresh_from_db()
    for item in (chosen, same):
        assert (item.name, item.email, item.email_hash, item.ip_hash) == ("", "", "", "")
        assert item.anonymised_at is not None
    assert (chosen.phone, chosen.phone_hash, chosen.text, chosen.tracking_code[:3]) == (
        "",
        "",
        "Arreglen la vía",
        "PZ-",
    )
    assert (same.text, same.moderation) == ("Comentario", Moderation.APPROVED)
    assert (other.name, other.email) == ("Otra", "otra@example.org")
    assert Suggestion.objects.count() == 2 and Comment.objects.count() == 1


def test_an_evaluation_can_be_anonymised_and_still_counts(planner_client, commitment):
    evaluation = EvaluationFactory(commitment=commitment, score=2)

    act(planner_client, "evaluation", "anonymise_selected", [evaluation], apply="1")

    evaluation.refresh_from_db()
    assert (evaluation.ip_hash, evaluation.score) == ("", 2)
    assert evaluation in Evaluation.objects.counted()


def test_staff_record_feedback_from_a_traditional_channel(planner_client, planner, commitment):
    page = planner_client.get(changelist("suggestion") + "add/")
    assert page.status_code == 200
    channels = [value for value, _label in page.context["adminform"].form.fields["channel"].choices]
    assert "web" not in channels and "assembly" in channels

    data = form_data(
        page,
        kind="suggestion",
        text="Pidieron más talleres en Curaray.\x00",
        commitment=commitment.pk,
        channel="assembly",
        place="Comunidad de Lorocachi",
        language="qu",
        received_on=(timezone.localdate() - timedelta(days=3)).isoformat(),
        phone="0987654321",
    )
    response = planner_client.post(changelist("suggestion") + "add/", data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    suggestion = Suggestion.objects.get()
    assert (suggestion.channel, suggestion.language, suggestion.place) == ("assembly", "qu", "Comunidad de Lorocachi")
    assert suggestion.text == "Pidieron más talleres en Curaray."
    assert (suggestion.moderation, suggestion.entered_by) == (Moderation.APPROVED, planner)
    assert suggestion.tracking_code.startswith("PZ-") and suggestion.phone_hash
    assert suggestion.received_on == timezone.localdate() - timedelta(days=3)


def test_an_offline_entry_needs_a_traditional_channel_and_a_past_date(planner_client):
    page = planner_client.get(changelist("suggestion") + "add/")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    for changes in ({"channel": "web"}, {"received_on": tomorrow}, {"text": "\x00"}):
        data = form_data(
            page,
            kind="question",
            text="¿Cuándo?",
            channel="phone",
            language="es",
            received_on=timezone.localdate().isoformat(),
        )
        data.update(changes)
        response = planner_client.post(changelist("suggestion") + "add/", data)
        assert response.status_code == 200, changes
    assert Suggestion.objects.count() == 0


def answer(client, suggestion, **changes):
    url = changelist("suggestion") + f"{suggestion.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page, **changes))


def test_answering_needs_an_answer_and_e_mails_the_person_once(
    planner_client, planner, commitment, django_capture_on_commit_callbacks
):
    suggestion = SuggestionFactory(email="rosa@example.org", language="qu", moderation=Moderation.APPROVED)

    refused = answer(planner_client, suggestion, status="answered", answer_es="")
    with django_capture_on_commit_callbacks(execute=True):
        answered = answer(
            planner_client,
            suggestion,
            status="answered",
            answer_es="Lo haremos en 2026.",
            answer_qu="",
            is_public=True,
            changed_commitments=[commitment.pk],
        )
    with django_capture_on_commit_callbacks(execute=True):
        answer(planner_client, suggestion, status="closed", answer_es="Lo haremos en 2026, corregido.")

    assert refused.status_code == 200
    assert answered.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.answered_by, suggestion.is_public) == ("closed", planner, True)
    assert suggestion.answered_at and suggestion.closed_at and suggestion.answer_notified_at
    assert list(suggestion.changed_commitments.all()) == [commitment]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rosa@example.org"]
    assert "Lo haremos en 2026." in mail.outbox[0].body


def test_only_an_answered_suggestion_can_be_made_public(planner_client):
    suggestion = SuggestionFactory(moderation=Moderation.APPROVED)

    response = answer(planner_client, suggestion, status="under_review", is_public=True)

    assert response.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.is_public is False


def test_an_official_response_to_a_comment_is_dated_and_signed(planner_client, planner, commitment):
    comment = CommentFactory(commitment=commitment, moderation=Moderation.APPROVED)
    url = changelist("comment") + f"{comment.pk}/change/"

    response = planner_client.post(url, form_data(planner_client.get(url), response_es="Gracias, lo revisamos."))

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.response_es, comment.response_by) == ("Gracias, lo revisamos.", planner)
    assert comment.response_at is not None


def test_the_monitor_reads_the_queues_but_changes_nothing_and_sees_no_contact(monitor_client, commitment):
    suggestion = SuggestionFactory(email="rosa@example.org", phone="0991234567")
    comment = CommentFactory(commitment=commitment)

    queue = monitor_client.get(changelist("suggestion"))
    detail = monitor_client.get(changelist("suggestion") + f"{suggestion.pk}/change/")
    attempt = act(monitor_client, "comment", "approve_selected", [comment])

    assert queue.status_code == 200 and detail.status_code == 200
    assert not queue.context["cl"].actions if hasattr(queue.context["cl"], "actions") else True
    assert 'name="action"' not in queue.text
    assert "rosa@example.org" not in detail.text and "0991234567" not in detail.text
    assert suggestion.text in detail.text
    assert attempt.status_code in (200, 302, 403)
    comment.refresh_from_db()
    assert comment.moderation == Moderation.PENDING
    assert monitor_client.get(changelist("suggestion") + "add/").status_code == 403


def test_implementers_see_no_comments_or_evaluations(implementer_client):
    for model in ("comment", "evaluation"):
        assert implementer_client.get(changelist(model)).status_code == 403


def test_implementers_answer_the_approved_suggestions_about_what_they_lead(
    implementer_client, implementer, commitment, other_commitment
):
    theirs = SuggestionFactory(
        commitment=commitment,
        moderation=Moderation.APPROVED,
        text="Sobre lo suyo",
        email="rosa@example.org",
        phone="0991234567",
    )
    pending = SuggestionFactory(commitment=commitment, text="Aún sin moderar")
    others = SuggestionFactory(commitment=other_commitment, moderation=Moderation.APPROVED, text="De otra dirección")
    unrelated = SuggestionFactory(moderation=Moderation.APPROVED, text="Sin compromiso")

    queue = implementer_client.get(changelist("suggestion"))
    page = implementer_client.get(changelist("suggestion") + f"{theirs.pk}/change/")
    response = implementer_client.post(
        changelist("suggestion") + f"{theirs.pk}/change/",
        {
            **form_data(page),
            "status": "answered",
            "answer_es": "Lo incluimos en el hito 3.",
            "answer_qu": "",
            "kind": "complaint",
            "is_public": "on",
        },
    )

    assert list(queue.context["cl"].queryset) == [theirs]
    assert 'name="action"' not in queue.text
    assert "rosa@example.org" not in page.text and "0991234567" not in page.text
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.status, theirs.answer_es, theirs.answered_by) == (
        "answered",
        "Lo incluimos en el hito 3.",
        implementer,
    )
    assert (theirs.kind, theirs.is_public) == ("suggestion", False)  # the planners' to decide
    for hidden in (pending, others, unrelated):
        assert implementer_client.get(changelist("suggestion") + f"{hidden.pk}/change/").status_code in (302, 404)


def test_nobody_deletes_what_citizens_sent(planner_client, commitment):
    suggestion = SuggestionFactory()

    assert planner_client.get(changelist("suggestion") + f"{suggestion.pk}/delete/").status_code in (302, 403)
    assert Suggestion.objects.count() == 1
