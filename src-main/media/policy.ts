/**
 * Per-session media policy (issue 9, point 3): which kinds download on receipt and up to what size, whether
 * history-sync media (old messages) downloads eagerly or only when first requested, and a storage cap.
 * Stored as JSON in media_policies (migration 005); missing fields take the defaults, so adding a field later
 * needs no migration. The API route validates a patch with `mediaPolicyPatchSchema` and stores the merge.
 */
import { z } from 'zod';
import { MEDIA_KINDS, type MediaKind } from './kinds.js';

export interface MediaPolicy {
  /** Download on receipt, per kind. */
  autoDownload: Record<MediaKind, boolean>;
  /** Largest file downloaded on receipt, per kind (bytes); larger ones wait for a request. */
  maxBytes: Record<MediaKind, number>;
  /** History-sync media: 'lazy' = on first request (the default: a phone's history can hold gigabytes), 'auto' = downloaded automatically once the sync is over (queue.ts). */
  history: 'lazy' | 'auto';
  /** Total bytes of this session's media; once reached nothing more downloads on receipt. null = no cap. */
  storageCapBytes: number | null;
}

const MiB = 1024 * 1024;

export const DEFAULT_MEDIA_POLICY: MediaPolicy = {
  autoDownload: { image: true, audio: true, sticker: true, video: true, document: true },
  maxBytes: { image: 16 * MiB, audio: 16 * MiB, sticker: 1 * MiB, video: 64 * MiB, document: 100 * MiB },
  history: 'lazy',
  storageCapBytes: 5 * 1024 * MiB,
};

/** The share of the cap at which the storage report starts warning. */
export const STORAGE_WARN_RATIO = 0.9;

const kindRecord = <T extends z.ZodType>(t: T) => z.object(Object.fromEntries(MEDIA_KINDS.map((k) => [k, t.optional()])) as Record<MediaKind, z.ZodOptional<T>>).strict();

/** A partial policy as the API accepts it (PATCH body). */
export const mediaPolicyPatchSchema = z
  .object({
    autoDownload: kindRecord(z.boolean()).optional(),
    maxBytes: kindRecord(z.number().int().min(0).max(4 * 1024 * MiB)).optional(),
    history: z.enum(['lazy', 'auto']).optional(),
    storageCapBytes: z.number().int().min(0).nullable().optional(),
  })
  .strict();

export type MediaPolicyPatch = z.infer<typeof mediaPolicyPatchSchema>;

export function mergePolicy(base: MediaPolicy, patch: MediaPolicyPatch): MediaPolicy {
  const pick = <T>(b: Record<MediaKind, T>, p: Partial<Record<MediaKind, T | undefined>> | undefined) =>
    Object.fromEntries(MEDIA_KINDS.map((k) => [k, p?.[k] ?? b[k]])) as Record<MediaKind, T>;
  return {
    autoDownload: pick(base.autoDownload, patch.autoDownload),
    maxBytes: pick(base.maxBytes, patch.maxBytes),
    history: patch.history ?? base.history,
    storageCapBytes: patch.storageCapBytes === undefined ? base.storageCapBytes : patch.storageCapBytes,
  };
}

/** Reads stored JSON; anything unreadable or missing falls back to the defaults field by field. */
export function parsePolicy(json: string | undefined): MediaPolicy {
  if (!json) return DEFAULT_MEDIA_POLICY;
  try {
    const parsed = mediaPolicyPatchSchema.safeParse(JSON.parse(json));
    return parsed.success ? mergePolicy(DEFAULT_MEDIA_POLICY, parsed.data) : DEFAULT_MEDIA_POLICY;
  } catch {
    return DEFAULT_MEDIA_POLICY;
  }
}

export type AutoDecision = 'download' | 'lazy' | 'kind_off' | 'too_large' | 'over_cap';

/** Should a message's media download on receipt? Pure. */
export function decideAuto(
  policy: MediaPolicy,
  item: { kind: MediaKind; size: number | null; history: boolean },
  usedBytes: number,
): AutoDecision {
  if (item.history && policy.history === 'lazy') return 'lazy';
  if (!policy.autoDownload[item.kind]) return 'kind_off';
  if (item.size !== null && item.size > policy.maxBytes[item.kind]) return 'too_large';
  if (policy.storageCapBytes !== null && usedBytes + (item.size ?? 0) > policy.storageCapBytes) return 'over_cap';
  return 'download';
}
