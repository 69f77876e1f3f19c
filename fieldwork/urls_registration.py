# Owned by one area; gathered into the "fieldwork" namespace by fieldwork/urls.py.
urlpatterns: list = []
