/** A real SQLite store in a temp dir with one organization and one session, plus a tiny test ingestor. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toNumber, type WAMessage } from '@whiskeysockets/baileys';
import { openStore, type Store } from '../../../src-main/store/index.js';
import type { Ingestor } from '../../../src-main/whatsapp/ingest-port.js';
import type { ClientUpdate } from '../../../src-main/core/whatsapp-port.js';
import { seedSessionRow } from '../../helpers/store.js';

export const ORG_ID = 'org_test';
export const SESSION_ID = 'ses_test';

export interface TempStore {
  dir: string;
  file: string;
  store: Store;
  reopen(): Store;
  cleanup(): void;
}

export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'wagw-baileys-'));
  const file = join(dir, 'gateway.db');
  const store = openStore(file);
  store.organizations.create(ORG_ID, 'Test org', 1);
  seedSessionRow(store, { id: SESSION_ID, organizationId: ORG_ID });
  const opened: Store[] = [store];
  return {
    dir,
    file,
    store,
    reopen() {
      const s = openStore(file);
      opened.push(s);
      return s;
    },
    cleanup() {
      for (const s of opened) s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Stands in for the real ingestor where a test only needs "upserts are stored insert-or-ignore by id":
 * counts the rows it really inserted, so a duplicate would show.
 */
export function recordingIngestor(store: Store): Ingestor & { inserted: string[]; seen: string[]; attached: number } {
  const ingestor = {
    inserted: [] as string[],
    seen: [] as string[],
    attached: 0,
    attach(sessionId: string, sock: Parameters<Ingestor['attach']>[1]) {
      ingestor.attached += 1;
      const onUpsert = ({ messages }: { messages: WAMessage[] }) => {
        for (const m of messages) {
          const id = m.key.id ?? '';
          ingestor.seen.push(id);
          const pk = store.messages.insert(sessionId, {
            waMessageId: id,
            chatJid: m.key.remoteJid ?? '',
            fromMe: Boolean(m.key.fromMe),
            senderJid: null,
            senderLid: null,
            senderName: null,
            type: 'text',
            body: m.message?.conversation ?? m.message?.extendedTextMessage?.text ?? '',
            media: null,
            mentions: [],
            mentionNames: {},
            quotedMessageId: null,
            timestamp: Number(toNumber(m.messageTimestamp ?? 0)) * 1000,
            ackLevel: m.status ?? 1,
            error: null,
            edited: false,
            deleted: false,
            placeholder: false,
            raw: null,
          });
          if (pk !== null) ingestor.inserted.push(id);
        }
      };
      sock.ev.on('messages.upsert', onUpsert);
      return () => sock.ev.off('messages.upsert', onUpsert);
    },
  };
  return ingestor;
}

export function updateRecorder(): { updates: ClientUpdate[]; onUpdate(u: ClientUpdate): void; kinds(): string[] } {
  const updates: ClientUpdate[] = [];
  return {
    updates,
    onUpdate: (u) => updates.push(u),
    kinds: () => updates.map((u) => u.kind),
  };
}

export const tick = () => new Promise<void>((r) => setImmediate(r));
