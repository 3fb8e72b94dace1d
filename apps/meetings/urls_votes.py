from django.urls import path

from apps.meetings import views_votes as views

urlpatterns = [
    path("<int:meeting_id>/votes/", views.vote_open, name="vote_open"),
    path("votes/<int:vote_id>/counts/", views.vote_counts, name="vote_counts"),
    path("votes/<int:vote_id>/paper/", views.vote_paper, name="vote_paper"),
    path("votes/<int:vote_id>/close/", views.vote_close, name="vote_close"),
    path("votes/<int:vote_id>/void/", views.vote_void, name="vote_void"),
    path("votes/<int:vote_id>/ballot/", views.ballot, name="ballot"),
]
