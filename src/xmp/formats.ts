/**
 * Formats rawlight may write XMP into (only when config.xmp.embedded is on, and verified by
 * ImageDataHash). Everything else, above all proprietary RAW, only ever gets a sidecar: ExifTool's
 * author warns that rewriting RAW files risks corruption.
 */
const EMBEDDABLE = new Set(['dng', 'jpg', 'jpeg', 'jpe', 'heic', 'heif', 'hif', 'tif', 'tiff']);

export function isEmbeddable(ext: string): boolean {
  return EMBEDDABLE.has(ext.toLowerCase().replace(/^\./, ''));
}
