"""Calculator JSON API. (Filled in by the calculator issue.)"""

app_name = "calculator-api"
urlpatterns: list = []
