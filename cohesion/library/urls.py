"""Library pages. Fixed paths come before `<slug>` so that no slug can hide them."""

from django.urls import URLPattern, path

from cohesion.library import feeds, views_manage, views_public

urlpatterns: list[URLPattern] = [
    path("library/", views_public.item_list, name="library-list"),
    path("library/feed/rss/", feeds.LibraryRssFeed(), name="library-feed-rss"),
    path("library/feed/atom/", feeds.LibraryAtomFeed(), name="library-feed-atom"),
    path("library/events/", views_public.event_list, name="library-event-list"),
    path(
        "library/events/<str:event_uuid>/", views_public.event_detail, name="library-event-detail"
    ),
    path("library/awards/", views_public.award_list, name="library-award-list"),
    path("library/images/<str:image_uuid>/", views_public.image, name="library-image"),
    # Staff pages.
    path("library/manage/", views_manage.manage_list, name="library-manage"),
    path("library/manage/new/", views_manage.item_new, name="library-manage-new"),
    path("library/manage/events/new/", views_manage.event_new, name="library-manage-event-new"),
    path(
        "library/manage/events/<str:event_uuid>/",
        views_manage.event_edit,
        name="library-manage-event-edit",
    ),
    path(
        "library/manage/events/<str:event_uuid>/publish/",
        views_manage.event_publish,
        name="library-manage-event-publish",
    ),
    path("library/manage/awards/new/", views_manage.award_new, name="library-manage-award-new"),
    path(
        "library/manage/awards/<str:award_uuid>/",
        views_manage.award_edit,
        name="library-manage-award-edit",
    ),
    path(
        "library/manage/awards/<str:award_uuid>/publish/",
        views_manage.award_publish,
        name="library-manage-award-publish",
    ),
    path(
        "library/manage/images/<str:image_uuid>/",
        views_manage.image_preview,
        name="library-manage-image",
    ),
    path(
        "library/manage/<str:item_uuid>/",
        views_manage.manage_detail,
        name="library-manage-detail",
    ),
    path(
        "library/manage/<str:item_uuid>/edit/", views_manage.item_edit, name="library-manage-edit"
    ),
    path(
        "library/manage/<str:item_uuid>/submit/",
        views_manage.item_submit,
        name="library-manage-submit",
    ),
    path(
        "library/manage/<str:item_uuid>/publish/",
        views_manage.item_publish,
        name="library-manage-publish",
    ),
    path(
        "library/manage/<str:item_uuid>/withdraw/",
        views_manage.item_withdraw,
        name="library-manage-withdraw",
    ),
    path(
        "library/manage/<str:item_uuid>/return/",
        views_manage.item_return,
        name="library-manage-return",
    ),
    path(
        "library/manage/<str:item_uuid>/images/new/",
        views_manage.image_new,
        name="library-manage-image-new",
    ),
    path("library/<slug:slug>/", views_public.item_detail, name="library-detail"),
]
