import type { ReadableDb } from '../store/db.js';
import type { FileRow } from '../store/repositories/file.repository.js';
import { isEmbeddable } from './formats.js';

/**
 * ExifTool FileType values of camera RAW formats (DNG included). The kind of a photo comes from
 * its content as ExifTool reads it, not from its extension: a NEF renamed `.TIF` is a RAW.
 */
const RAW_FILE_TYPES = new Set([
  '3FR', 'ARI', 'ARW', 'ARQ', 'CR2', 'CR3', 'CRW', 'CRM', 'DCR', 'DNG', 'ERF', 'FFF', 'GPR', 'IIQ', 'K25', 'KDC', 'MEF', 'MOS', 'MRW',
  'NEF', 'NRW', 'ORF', 'ORI', 'PEF', 'RAF', 'RAW', 'RW2', 'RWL', 'SR2', 'SRF', 'SRW', 'X3F',
]);

/** Formats that may be written into (opt-in), by FileType: no proprietary RAW ever is. */
const EMBEDDABLE_FILE_TYPES = new Set(['JPEG', 'HEIC', 'HEIF', 'TIFF', 'DNG']);

export interface PhotoKind {
  isRaw: boolean;
  embeddable: boolean;
  /** ExifTool's FileType, or null before metadata was read (then the extension decides). */
  fileType: string | null;
}

export function kindFromFileType(fileType: string | null, fallback: Pick<FileRow, 'kind' | 'ext'>): PhotoKind {
  const ft = fileType?.trim().toUpperCase() || null;
  if (ft) return { isRaw: RAW_FILE_TYPES.has(ft), embeddable: EMBEDDABLE_FILE_TYPES.has(ft), fileType: ft };
  return { isRaw: fallback.kind === 'raw', embeddable: isEmbeddable(fallback.ext), fileType: null };
}

export function photoKind(db: ReadableDb, file: Pick<FileRow, 'id' | 'kind' | 'ext'>): PhotoKind {
  const row = db.prepare('SELECT file_type FROM metadata WHERE file_id = ?').get(file.id) as { file_type: string | null } | undefined;
  return kindFromFileType(row?.file_type ?? null, file);
}
