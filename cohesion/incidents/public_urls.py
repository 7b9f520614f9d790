from django.urls import URLPattern

urlpatterns: list[URLPattern] = []  # filled in by the public report journey
