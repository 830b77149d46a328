"""Inline mode: "@NamaBot banjar" in any chat offers region cards to post there.

Each result is one region as the assistant words it (`Assistant.region_card`): its name and province as
the title, score and category as the description, the chart as thumbnail when the server has a public
address, and, once posted, a "Tanya lebih lanjut" button that opens the bot on that region (a deep link).
Nothing here computes or formats a figure.
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot.assistant import RegionCard, chart_url
from core.deeplink import deep_link, start_parameter

# Telegram shows at most 50; ten cover every shared name and the names starting like it.
MAX_RESULTS = 10
# How long Telegram may reuse an answer for the same query text: figures change only on a reload.
CACHE_SECONDS = 300
ASK_MORE = "💬 Tanya lebih lanjut"
START_BUTTON = "Buka asisten IHaI"
NOT_PUBLISHED = "angka belum dipublikasikan"


def results(cards: Iterable[RegionCard], username: str | None, public_url: str | None) -> list[InlineQueryResultArticle]:
    return [_article(card, username, public_url) for card in cards]


def start_button() -> InlineQueryResultsButton:
    """Above the results (and alone for an empty query): opens the bot's private chat."""
    return InlineQueryResultsButton(text=START_BUTTON, start_parameter="inline")


def _article(card: RegionCard, username: str | None, public_url: str | None) -> InlineQueryResultArticle:
    where = card.province if card.province else "provinsi"
    if card.figure is not None:
        description = f"IHaI {card.figure} · {card.category}"
    else:
        description = NOT_PUBLISHED
    markup = None
    if username:
        link = deep_link(username, start_parameter(card.code))
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(ASK_MORE, url=link)]])
    thumbnail = chart_url(card.chart)
    return InlineQueryResultArticle(
        id=card.code,
        title=f"{card.name} ({where})",
        description=description,
        input_message_content=InputTextMessageContent(card.text, parse_mode=ParseMode.HTML),
        reply_markup=markup,
        thumbnail_url=public_url.rstrip("/") + thumbnail if public_url and thumbnail else None,
    )
