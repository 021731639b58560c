app_name = "questionbank"
urlpatterns: list = []
