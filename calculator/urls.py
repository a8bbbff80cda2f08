"""Calculator pages. (Filled in by the calculator issue.)"""

app_name = "calculator"
urlpatterns: list = []
