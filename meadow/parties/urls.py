"""Account, invitation, team, history and convention pages."""

from django.urls import path

from meadow.parties import views

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/login", views.sign_in, name="login"),
    path("account/logout", views.sign_out, name="logout"),
    path("account/password-reset", views.password_reset, name="password_reset"),
    path("account/password-reset/sent", views.password_reset_done, name="password_reset_done"),
    path(
        "account/password-reset/<uidb64>/<token>",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "account/password-reset/done",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("account/password-change", views.password_change, name="password_change"),
    path(
        "account/password-change/done",
        views.password_change_done,
        name="password_change_done",
    ),
    path("account/token/<int:pk>/revoke", views.token_revoke, name="token-revoke"),
    path("invitation/<str:secret>", views.invitation, name="invitation"),
    path("place/<str:code>/team", views.team_page, name="team"),
    path(
        "place/<str:code>/team/invitation/<int:pk>/revoke",
        views.team_invitation_revoke,
        name="team-invitation-revoke",
    ),
    path(
        "place/<str:code>/team/role/<int:pk>/remove",
        views.team_role_remove,
        name="team-role-remove",
    ),
    path("place/<str:code>/history", views.history, name="country-history"),
    path("conventions/", views.convention_list, name="convention-list"),
    path("convention/<slug:code>", views.convention_detail, name="convention-detail"),
]
