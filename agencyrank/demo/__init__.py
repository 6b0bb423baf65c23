"""The demo data set behind ``manage.py seed_demo``.

``vocabulary`` holds the words, ``stories`` and ``review_writing`` the pure rules of how an
engagement unfolds and what its candidate writes about it, ``plan`` draws the whole data set
from a seed, and ``load`` saves it (or finds and deletes the one already saved).
"""
