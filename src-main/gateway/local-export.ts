/**
 * `wagw export` without a running gateway: the data dir's database (opened like every local command, see
 * data-dir.ts) and media files, the same export service the API calls, and the organization's owner as the
 * caller (whoever can read the data dir owns it). Nothing connects to WhatsApp: session factories refuse.
 */
import { join } from 'node:path';
import pino from 'pino';
import { ulid } from 'ulid';
import { createExportService, type ExportInput, type ExportJob } from '../app/export.js';
import { createSessionsService } from '../app/sessions.js';
import { ValidationError } from '../core/errors.js';
import { ROLE_CAPABILITIES, type Principal, type Session } from '../core/types.js';
import { createFileStore } from '../media/file-store.js';
import { openDataDir } from './data-dir.js';
import { createSessionManager } from './session-manager.js';

export interface LocalExport {
  /** The organization's sessions (to pick one when --session is not given). */
  sessions(): Session[];
  exportChat(sessionId: string, chatJid: string, input: ExportInput): ExportJob;
  close(): void;
}

export function openLocalExport(dataDir: string, nativeBinding: string | null = null): LocalExport {
  const store = openDataDir(dataDir, nativeBinding);
  const org = store.organizations.ensureDefault(ulid);
  const refuse = () => {
    throw new Error('wagw export does not connect to WhatsApp');
  };
  const manager = createSessionManager({
    store,
    publisher: { publish: () => undefined },
    logger: pino({ level: 'silent' }),
    baileysFactory: refuse,
    sandboxFactory: null,
  });
  const sessions = createSessionsService({ control: manager, sandbox: null });
  const service = createExportService({ store, sessions, mediaFiles: createFileStore(join(dataDir, 'media')) });
  const owner: Principal = { kind: 'user', subject: 'local-cli', organizationId: org.id, role: 'owner', capabilities: ROLE_CAPABILITIES.owner };
  return {
    sessions: () => manager.list(org.id),
    exportChat(sessionId, chatJid, input) {
      if (!sessionId) throw new ValidationError('no session given', { field: 'session' });
      return service.exportChat(owner, sessionId, chatJid, input);
    },
    close: () => store.close(),
  };
}
