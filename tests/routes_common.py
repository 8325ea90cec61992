"""Who requests a route, for the route tables in tests/<capability>/routes.py."""

from training_app.security import Role

ANON, LEARNER, TRAINER, ADMIN = "anonymous", Role.LEARNER, Role.TRAINER, Role.ADMIN
