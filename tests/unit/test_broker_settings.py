"""With no broker configured, every file of kombu's filesystem transport stays in its folder."""

from __future__ import annotations

from pathlib import Path

from service.jobs.celery_app import broker_settings


def test_the_filesystem_broker_keeps_its_exchange_tables_in_its_folder(tmp_path):
    settings = broker_settings("", str(tmp_path / "celery"))
    options = settings["broker_transport_options"]
    assert settings["broker_url"] == "filesystem://"
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        assert Path(options[key]).is_relative_to(tmp_path / "celery"), key
        assert Path(options[key]).is_dir(), key


def test_a_configured_broker_is_used_as_is():
    assert broker_settings("redis://127.0.0.1:6379/0", "unused") == {
        "broker_url": "redis://127.0.0.1:6379/0"}
