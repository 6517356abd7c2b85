"""Mailboxes (mbox, .eml, folders of .eml) -> chunks of feedback rows, agent replies skipped.

Which mail is the company's own: the addresses or ``@domains`` the source names
(``company_addresses``); without them, the address most messages of the mailbox were sent
to (a support inbox receives from everyone), with its whole domain unless that is a
public mail domain. A cheap pre-pass over the header blocks finds it. Agent replies are
counted in :attr:`FeedbackChunk.agent_messages`, never imported and never silently lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from journeymap.ingest.feedback.mailboxes import (
    RawMessage,
    eml_messages,
    main_recipient,
    mbox_messages,
)
from journeymap.ingest.feedback.messages import (
    AgentMessage,
    MailItem,
    company_matcher,
    read_message,
)
from journeymap.ingest.feedback.rows import feedback_batch
from journeymap.ingest.feedback.source import (
    NOTES,
    SENDER,
    FeedbackChunk,
    FeedbackFormat,
    FeedbackSource,
)
from journeymap.ingest.rejects import Reject
from journeymap.model.canonical import (
    FEEDBACK_ID,
    SOURCE,
    SUBJECT,
    TEXT,
    THREAD_ID,
    TS,
)

MAIL_CHUNK: Final = 2_000
"""Messages per chunk at most: parsing is slow next to Arrow, so chunks are small enough for
the progress bar to move every second or two."""


def read_mail(source: FeedbackSource) -> Iterator[FeedbackChunk]:
    """The chunks of a mailbox (see the module docstring)."""
    limit = min(source.batch_rows, MAIL_CHUNK)
    company = company_matcher(
        source.company_addresses,
        None if source.company_addresses else main_recipient(_messages(source)),
    )
    items: list[MailItem] = []
    rejects: list[Reject] = []
    agents = read = 0
    position = 0
    for raw in _messages(source):
        outcome = read_message(raw, company)
        read += 1
        position = raw.end
        if isinstance(outcome, MailItem):
            items.append(outcome)
        elif isinstance(outcome, AgentMessage):
            agents += 1
        else:
            rejects.append(outcome)
        if read >= limit:
            yield _chunk(source, items, rejects, read, position, agents)
            items, rejects, agents, read = [], [], 0, 0
    if read or not position:
        yield _chunk(source, items, rejects, read, position, agents)


def _messages(source: FeedbackSource) -> Iterator[RawMessage]:
    if source.format is FeedbackFormat.MBOX:
        return mbox_messages(source.path)
    return eml_messages(source.path)


def _chunk(
    source: FeedbackSource,
    items: list[MailItem],
    rejects: list[Reject],
    read: int,
    position: int,
    agents: int,
) -> FeedbackChunk:
    columns: dict[str, list[object]] = {
        FEEDBACK_ID: [item.feedback_id for item in items],
        TS: [item.ts for item in items],
        SOURCE: [source.kind.source] * len(items),
        SUBJECT: [item.subject for item in items],
        TEXT: [item.text for item in items],
        THREAD_ID: [item.thread_id for item in items],
        SENDER: [item.sender for item in items],
        NOTES: ["; ".join(item.notes) or None for item in items],
    }
    batch = feedback_batch(columns, size=len(items))
    return FeedbackChunk(batch, tuple(rejects), read, position, agents)
