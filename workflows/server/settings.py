"""The `server:` section of config.yaml (pydantic only: the config loads it without the web libraries)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ServerSettings"]


class ServerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field("127.0.0.1", description="address `alhf serve` binds to; localhost unless told")
    port: int = Field(8765, ge=1, le=65535)
    session_hours: float = Field(12.0, gt=0, le=24 * 30, description="how long a sign-in lasts")
    eval_report: Path | None = Field(None, description="folder written by `alhf eval --report`; unset: "
                                     "./eval-report, else ./docs/eval-report")
    inbox_poll_seconds: float = Field(5.0, ge=0.2, le=3600, description="how often the server learns corrections "
                                      "queued by other processes (`alhf review correct` while it runs)")
    page_size: int = Field(50, ge=5, le=500, description="items per page of the review queue")
