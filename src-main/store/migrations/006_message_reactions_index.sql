-- 006: reactions by their target. The API shows each message's reactions on it (docs/API.md "The archive in
-- use"; MessagesRepository.reactionsTo, one query per page), and ingestion replaces a person's reaction
-- (removeReactions). Both look reactions up by (session, chat, target id); without this index each lookup
-- scanned every message of the chat. Partial: only reaction rows are indexed.
CREATE INDEX messages_reactions ON messages(session_id, chat_jid, quoted_message_id) WHERE type = 'reaction';
