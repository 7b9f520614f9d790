from django.urls import path

from cohesion.audit import views

urlpatterns = [path("audit/", views.audit_search, name="audit-search")]
