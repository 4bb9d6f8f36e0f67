/** wagw keys create|list|revoke */
import { ulid } from 'ulid';
import { createApiKeyService } from '../../auth/api-keys.js';
import { CAPABILITIES, type Capability } from '../../core/types.js';
import { openDataStore, parse, UsageError, type CliIo } from '../shared.js';

const KEYS_OPTIONS = {
  'data-dir': { type: 'string' },
  name: { type: 'string' },
  caps: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCaps(raw: string | undefined): Capability[] {
  if (!raw) throw new UsageError('--caps is required, e.g. --caps read,send');
  const caps = raw.split(',').map((c) => c.trim()).filter(Boolean);
  const bad = caps.find((c) => !(CAPABILITIES as readonly string[]).includes(c));
  if (bad) throw new UsageError(`unknown capability '${bad}': use read, send, manage`);
  if (!caps.length) throw new UsageError('--caps must name at least one capability');
  return [...new Set(caps)] as Capability[];
}

export function keys(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, KEYS_OPTIONS);
  if (sub === 'create') {
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (!values.name) throw new UsageError('--name is required');
    const caps = parseCaps(values.caps);
    const store = openDataStore(values['data-dir']);
    try {
      const org = store.organizations.ensureDefault(ulid);
      const { key, info } = createApiKeyService({ store }).create(org.id, values.name, caps);
      io.out(`Created API key ${info.id} '${info.name}' with ${info.capabilities.join(',')}. It is shown only once:`);
      io.out(key);
    } finally {
      store.close();
    }
    return 0;
  }
  if (sub === 'list') {
    const store = openDataStore(values['data-dir']);
    try {
      const org = store.organizations.ensureDefault(ulid);
      const list = createApiKeyService({ store }).list(org.id);
      if (!list.length) io.out('No API keys. Create one with: wagw keys create --name NAME --caps read,send');
      for (const k of list) {
        const state = k.revokedAt ? 'revoked' : 'active';
        const used = k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : 'never';
        io.out(`${k.id}  ${k.prefix}…  ${k.capabilities.join(',').padEnd(17)} ${state.padEnd(8)} last used ${used}  ${k.name}`);
      }
    } finally {
      store.close();
    }
    return 0;
  }
  if (sub === 'revoke') {
    const id = positionals[0];
    if (!id || positionals.length > 1) throw new UsageError('usage: wagw keys revoke <id>');
    const store = openDataStore(values['data-dir']);
    try {
      const org = store.organizations.ensureDefault(ulid);
      if (!createApiKeyService({ store }).revoke(org.id, id)) {
        io.err(`error: no active API key with id ${id}`);
        return 1;
      }
      io.out(`Revoked API key ${id}.`);
    } finally {
      store.close();
    }
    return 0;
  }
  throw new UsageError(sub ? `unknown keys command '${sub}'` : 'keys needs a command: create, list or revoke');
}
