from django.apps import AppConfig


class QuestionbankConfig(AppConfig):
    name = "apps.questionbank"
    label = "questionbank"
