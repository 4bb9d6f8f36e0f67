/**
 * The media kinds, apart from downloader.ts: policy.ts and the API's schemas need them at startup, and
 * downloader.ts imports Baileys, which the gateway loads only after the HTTP server listens
 * (gateway/whatsapp-loader.ts).
 */
export const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
