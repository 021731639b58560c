"""Answer by voice: the Dictate button appears only where the browser has speech recognition, and the
transcript lands in the answer box, editable, before the learner submits."""

import pytest

from apps.interviews import services
from apps.interviews.models import Answer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_RECOGNITION = "delete window.SpeechRecognition; delete window.webkitSpeechRecognition;"
# A stand-in for the browser's recogniser: on start() it "hears" two phrases, then ends.
FAKE_RECOGNITION = """
window.SpeechRecognition = class {
  start() {
    window.__dictationStarted = true;
    const said = [[{transcript: "Dropout randomly zeroes activations"}], [{transcript: " during training."}]];
    said.forEach((r) => { r.isFinal = true; });
    setTimeout(() => { this.onresult({results: said, resultIndex: 0}); this.onend(); }, 50);
  }
  stop() { this.onend && this.onend(); }
};
"""


@pytest.fixture
def interview_page(catalog_committed, signed_in_page, user):
    interview = services.interview_start(user=user, round="ml_fundamentals", num_questions=1)
    return signed_in_page, f"/interviews/{interview.pk}/"


def test_dictate_button_is_hidden_without_speech_recognition(interview_page):
    page, url = interview_page
    page.add_init_script(NO_RECOGNITION)
    page.goto(url)
    page.get_by_role("textbox", name="Your answer").wait_for()
    assert page.get_by_role("button", name="Dictate").count() == 0


def test_dictated_words_land_in_the_answer_box_and_can_be_edited(interview_page):
    page, url = interview_page
    page.add_init_script(FAKE_RECOGNITION)
    page.goto(url)
    box = page.get_by_role("textbox", name="Your answer")
    box.fill("My answer:")
    page.get_by_role("button", name="Dictate").click()
    page.wait_for_function("document.getElementById('answer-text').value.includes('during training')")
    assert box.input_value() == "My answer: Dropout randomly zeroes activations during training."
    assert "check and edit" in page.get_by_test_id("dictate-status").inner_text()
    assert page.locator("#word-count").inner_text() == "8 words"
    assert page.get_by_role("button", name="Dictate").get_attribute("aria-pressed") == "false"
    box.press("End")
    box.type(" It prevents co-adaptation.")
    page.get_by_role("button", name="Submit answer").click()
    page.locator(".answer-card").first.wait_for()
    assert Answer.objects.get().text == "My answer: Dropout randomly zeroes activations during training. It prevents co-adaptation."
