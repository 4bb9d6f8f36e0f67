// Types of resources/generate-icons.mjs (used by its test).
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer;
export function generateIcons(): string[];
