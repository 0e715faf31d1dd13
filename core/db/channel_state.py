"""The SQL chat-channel state: SMS opt-outs, one-time Telegram link tokens, provider delivery reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from core.db.channel_tables import delivery_reports, sms_opt_outs, telegram_links
from core.db.pipeline_rows import ConnectionGetter, aware_utc, upsert_insert
from core.unit_of_work import delivery_rank


class SqlChannelStateRepository:
    """Opt-outs by number, link tokens by hash (used once, before they expire), delivery status by provider id."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def opt_out(self, number: str, at: datetime) -> None:
        statement = upsert_insert(self._c(), sms_opt_outs).values(number=number, opted_out_at=aware_utc(at))
        self._c().execute(statement.on_conflict_do_nothing(index_elements=["number"]))

    def opt_in(self, number: str) -> None:
        self._c().execute(delete(sms_opt_outs).where(sms_opt_outs.c.number == number))

    def is_opted_out(self, number: str) -> bool:
        found = self._c().execute(select(sms_opt_outs.c.number).where(sms_opt_outs.c.number == number)).first()
        return found is not None

    def add_link_token(self, token_hash: str, guardian_id: int, created_at: datetime, expires_at: datetime) -> None:
        values = {
            "token_hash": token_hash,
            "guardian_id": guardian_id,
            "created_at": aware_utc(created_at),
            "expires_at": aware_utc(expires_at),
        }
        self._c().execute(telegram_links.insert().values(values))

    def use_link_token(self, token_hash: str, chat_id: str, now: datetime) -> int | None:
        """Mark an unused, unexpired token used by this chat; its guardian id, or None (in one statement)."""
        t = telegram_links
        statement = (
            update(t)
            .where(t.c.token_hash == token_hash, t.c.used_at.is_(None), t.c.expires_at > aware_utc(now))
            .values(used_at=aware_utc(now), chat_id=chat_id)
            .returning(t.c.guardian_id)
        )
        guardian_id = self._c().execute(statement).scalar()
        return None if guardian_id is None else int(guardian_id)

    def record_delivery(
        self, provider_id: str, channel: str, status: str, at: datetime, error_code: str | None = None
    ) -> str:
        """Keep the most advanced status reported for a provider id; returns the status kept."""
        t = delivery_reports
        rank = delivery_rank(status)
        values = {"status": status, "rank": rank, "error_code": error_code, "updated_at": aware_utc(at)}
        connection = self._c()
        insert = upsert_insert(connection, t).values(provider_id=provider_id, channel=channel, **values)
        connection.execute(insert.on_conflict_do_nothing(index_elements=["provider_id"]))
        connection.execute(update(t).where(t.c.provider_id == provider_id, t.c.rank < rank).values(**values))
        return str(connection.execute(select(t.c.status).where(t.c.provider_id == provider_id)).scalar_one())

    def delivery_status(self, provider_id: str) -> str | None:
        t = delivery_reports
        found = self._c().execute(select(t.c.status).where(t.c.provider_id == provider_id)).scalar()
        return None if found is None else str(found)
