app_name = "resumes"
urlpatterns: list = []
