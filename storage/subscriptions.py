"""Channel digest subscriptions: the queries, each scoped to a tenant."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DigestSubscription


class Subscriptions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, tenant_id: str, subscription_id: int) -> DigestSubscription | None:
        found = await self.session.get(DigestSubscription, subscription_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def in_channel(self, tenant_id: str, channel_key: str) -> Sequence[DigestSubscription]:
        statement = (
            select(DigestSubscription)
            .where(
                DigestSubscription.tenant_id == tenant_id,
                DigestSubscription.channel_key == channel_key,
            )
            .order_by(col(DigestSubscription.id))
        )
        return (await self.session.exec(statement)).all()
