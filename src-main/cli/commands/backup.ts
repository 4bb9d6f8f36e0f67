/** wagw backup --out FILE / wagw restore FILE --data-dir D [--force] */
import { ArchiveError, createBackup, restoreBackup } from '../../backup/archive.js';
import { parse, resolveDataDir, UsageError, type CliIo } from '../shared.js';

export async function backup(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { 'data-dir': { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.out) throw new UsageError('--out FILE is required, e.g. --out wagw-backup.tar.gz');
  const dataDir = resolveDataDir(values['data-dir']);
  try {
    const m = await createBackup({ dataDir, out: values.out });
    const media = m.files.filter((f) => f.path.startsWith('media/')).length;
    io.out(`Backup written to ${values.out}: database (schema ${m.schemaVersion}, ${m.counts.messages} messages in ${m.counts.chats} chats) and ${media} media files, sha256 of each in manifest.json.`);
    return 0;
  } catch (err) {
    if (err instanceof ArchiveError) {
      io.err(`error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

export async function restore(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { 'data-dir': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('usage: wagw restore FILE --data-dir DIR [--force]');
  if (!values['data-dir']) throw new UsageError('--data-dir is required: the directory to restore into (empty or new)');
  try {
    const r = await restoreBackup({ archive: positionals[0]!, dataDir: resolveDataDir(values['data-dir']), force: values.force === true });
    io.out(
      `Restored ${positionals[0]} (${r.manifest.createdAt}) into ${resolveDataDir(values['data-dir'])}: integrity ok, ${r.report.counts.messages} messages, ${r.manifest.files.length - 1} media files verified.`,
    );
    if (r.movedAside) io.out(`The previous content of the data dir is kept in ${r.movedAside}.`);
    return 0;
  } catch (err) {
    if (err instanceof ArchiveError) {
      io.err(`error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
