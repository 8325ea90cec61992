"""The production WSGI server that `training-app serve` runs (gunicorn, pre-forked workers)."""

from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication

from training_app import mail


class _Server(BaseApplication):
    def __init__(self, app: Flask, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def run(app: Flask, host: str, port: int, workers: int) -> None:
    # The engine was made before the fork: each worker must open its own connections.
    app.extensions["db_engine"].dispose()
    _Server(app, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": 60,
        "accesslog": "-",
        "post_fork": lambda _server, _worker: app.extensions["db_engine"].dispose(close=False),
        # A stopping worker lets the mails it is sending in the background go out first (systemd allows 60 s).
        "worker_exit": lambda _server, _worker: mail.wait_for_senders(app),
    }).run()
