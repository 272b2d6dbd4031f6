import { ExifDateTime, type Tags } from 'exiftool-vendored';
import { DaemonError } from '../errors/index.js';
import { cameraLabel } from '../exiftool/camera-label.js';
import { motionPhotoOf } from '../exiftool/motion-photo.js';
import { samsungTrailerVideo } from '../image/samsung-trailer.js';
import { imageLocationsOf } from '../exiftool/image-locations.js';
import { saveEmbeddedLocations } from '../store/repositories/embedded-locations.repository.js';
import type { ExifReader } from '../exiftool/reader.js';
import { stmt } from '../store/statements.js';
import { stopIfAborted } from './abort.js';
import type { ReadableDb, WritableDb } from '../store/db.js';
import type { FileRow } from '../store/repositories/file.repository.js';
import type { Pass, PassContext, PassOutcome } from './pass.js';
import { userGps } from './metadata/user-values.js';
import { rawSiblingMark, readUserSidecars } from './metadata/user-sidecars.js';
import { readMicrosoftRegions } from './metadata/foreign-regions.js';
import { captionOf, namedPlaceOf, titleOf } from './metadata/own-words.js';
import type { SidecarStyle } from '../xmp/sidecar-path.js';

/** An MWG face region as read: centre + size, normalised, in stored-image orientation. */
export interface ReadRegion {
  name: string | null;
  type: string | null;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MetadataRow {
  file_type: string | null;
  mime: string | null;
  captured_at: string | null;
  capture_offset: string | null;
  captured_ts: number | null;
  make: string | null;
  model: string | null;
  lens: string | null;
  exposure_time: string | null;
  f_number: number | null;
  iso: number | null;
  focal_length: number | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  gps_lat: number | null;
  gps_lon: number | null;
  gps_alt: number | null;
  rating: number | null;
  label: string | null;
  title: string | null;
  /** The caption (dc:description, EXIF ImageDescription, IPTC Caption-Abstract): own-words.ts. */
  caption: string | null;
  /** The place the photo's metadata names (IPTC/XMP Location, City, State, Country), as written. */
  place_location: string | null;
  place_city: string | null;
  place_state: string | null;
  place_country: string | null;
  keywords: string[];
  hierarchical: string[];
  people: string[];
  regions: ReadRegion[];
  applied_w: number | null;
  applied_h: number | null;
  warnings: string[];
}

/**
 * File types ExifTool reports that are images we can index. Anything else in a photo's clothing is
 * foreign. `INSP`: an Insta360 camera's photo, a JPEG ExifTool names by its extension.
 */
const IMAGE_FILE_TYPES = /^(JPEG|INSP|TIFF|PNG|WEBP|HEIC|HEIF|AVIF|DNG|CR2|CR3|CRW|NEF|NRW|ARW|ARQ|SR2|SRF|RAF|ORF|ORI|RW2|RWL|PEF|3FR|IIQ|ERF|MRW|X3F|GPR|KDC|DCR|MOS|MEF|SRW|RAW|FFF|MIFF|BMP|GIF|JP2|JPX|J2C|JXL|PSD|PSB)$/i;

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v).trim() || null);
const num = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const m = /^-?\d+(\.\d+)?/.exec(v.trim());
    return m ? Number(m[0]) : null;
  }
  return null;
};
const list = (v: unknown): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map((x) => String(x).trim()).filter(Boolean));

interface DateLike {
  rawValue?: string;
  tzoffsetMinutes?: number;
  toMillis?: () => number;
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

/**
 * Where a capture time is found, best first: the camera's own (EXIF, with sub-seconds), then what
 * other writers use (IPTC/XMP creation dates, QuickTime's in HEIC), then instants recorded in UTC
 * (the GPS receiver's fix, some cameras' UTC stamp), then maker-note and 360-camera stamps. The
 * tags are Immich's (metadata.service EXIF_DATE_TAGS) and IPTC's digital creation date, so a photo
 * dates alike in both; a time without a date (IPTC TimeCreated alone) is no capture time, as there.
 */
const CAPTURE_TAGS = [
  'SubSecDateTimeOriginal', 'DateTimeOriginal', 'SubSecCreateDate', 'CreateDate', 'DateTimeCreated', 'DigitalCreationDateTime',
  'SubSecMediaCreateDate', 'CreationDate', 'MediaCreateDate', 'GPSDateTime', 'DateTimeUTC', 'SonyDateTime2', 'SourceImageCreateTime',
] as const;

/** Tags ExifTool records in UTC (exiftool-vendored parses them so): shown in the photo's own zone when it is known. */
const UTC_TAGS: ReadonlySet<string> = new Set(['GPSDateTime', 'DateTimeUTC']);

/** The tags a camera's or a user's clock reading is kept in: all but the UTC instants. */
const CLOCK_TAGS = CAPTURE_TAGS.filter((k) => !UTC_TAGS.has(k));

interface CaptureTime {
  at: string | null;
  offset: string | null;
  ts: number | null;
}

function captureTime(t: Tags, tags: readonly string[] = CAPTURE_TAGS): CaptureTime {
  const rec = t as Record<string, unknown>;
  const readings = tags.map((k) => reading(rec, k)).filter((v): v is DateLike => v !== null);
  const first = readings[0];
  if (!first) return { at: null, offset: null, ts: null };
  // A date without a time of day (XMP photoshop:DateCreated as Photo Mechanic and scanners write
  // it, which ExifTool's MWG DateTimeOriginal then is) yields to a full reading of the same day
  // further down the list: IPTC's DateCreated + TimeCreated of the same file, say. It stands alone
  // only when nothing has the time.
  const v = first.hour === undefined ? (readings.find((r) => r.hour !== undefined && r.year === first.year && r.month === first.month && r.day === first.day) ?? first) : first;
  const pad = (n: number | undefined, l = 2) => String(n ?? 0).padStart(l, '0');
  const at = `${pad(v.year, 4)}-${pad(v.month)}-${pad(v.day)}T${pad(v.hour)}:${pad(v.minute)}:${pad(v.second)}${v.millisecond ? '.' + pad(v.millisecond, 3) : ''}`;
  let offset: string | null = null;
  if (typeof v.tzoffsetMinutes === 'number') {
    const m = Math.abs(v.tzoffsetMinutes);
    offset = `${v.tzoffsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
  }
  // Without an offset the wall time is taken as UTC: good enough to sort and filter by day.
  const ts = Date.parse(at + (offset ?? 'Z'));
  return { at, offset, ts: Number.isFinite(ts) ? ts : null };
}

/** One tag's date as a capture time could be made of it, or null (absent, no date, a broken clock). */
function reading(rec: Record<string, unknown>, k: string): DateLike | null {
  const v = rec[k] as DateLike | string | undefined;
  if (!v || typeof v === 'string' || v.year === undefined) return null;
  if (v.year < 1826 || v.year > 2200) return null; // broken clocks write 0000 or 1904
  // A UTC instant (a GPS fix) reads as the local time where it was taken: the zone from the
  // photo's position or offsets, as for every other date; UTC itself when none is known.
  if (UTC_TAGS.has(k) && v instanceof ExifDateTime && typeof rec.tz === 'string') return v.setZone(rec.tz) as DateLike;
  return v;
}

function readRegions(t: Tags): { regions: ReadRegion[]; w: number | null; h: number | null } {
  const info = (t as Record<string, unknown>).RegionInfo as
    | { AppliedToDimensions?: { W?: number; H?: number }; RegionList?: { Area?: { X?: number; Y?: number; W?: number; H?: number }; Name?: string; Type?: string }[] }
    | undefined;
  const out: ReadRegion[] = [];
  for (const r of info?.RegionList ?? []) {
    const a = r.Area;
    if (!a || [a.X, a.Y, a.W, a.H].some((v) => typeof v !== 'number')) continue;
    out.push({ name: str(r.Name), type: str(r.Type), x: a.X!, y: a.Y!, w: a.W!, h: a.H! });
  }
  // No MWG regions: Microsoft Photo's become faces the same way (see foreign-regions.ts).
  if (out.length === 0) return { regions: readMicrosoftRegions(t as Record<string, unknown>), w: null, h: null };
  return { regions: out, w: num(info?.AppliedToDimensions?.W), h: num(info?.AppliedToDimensions?.H) };
}

/**
 * The image's pixel size as ExifTool's Composite:ImageSize gives it ("3456x2304"). ImageWidth alone
 * is the first IFD's, which in an older Canon CR2 (350D, 5D, 1Ds Mark III) is a reduced preview
 * (1536x1024 for 3456x2304); ExifTool knows which formats keep the real size elsewhere (CR2, IIQ,
 * EIP: ExifImageWidth; RAF: RawImageCroppedSize).
 */
function imageSize(v: unknown): { width: number; height: number } | null {
  const m = typeof v === 'string' ? /^(\d+)[x ](\d+)$/.exec(v.trim()) : null;
  if (!m) return null;
  const [width, height] = [Number(m[1]), Number(m[2])];
  return width > 0 && height > 0 ? { width, height } : null;
}

/**
 * The lens as the camera named it (LensModel), else as ExifTool identifies it (LensID), else the
 * bare focal range (Lens). ExifTool's "Unknown ( )" or "Unknown 18-55mm" (a lens it could not
 * identify) and a camera's "----" (no lens reported) name nothing: the next one is taken, and none
 * at all rather than those (Immich drops them too).
 */
function lensName(rec: Record<string, unknown>): string | null {
  for (const k of ['LensModel', 'LensID', 'Lens']) {
    const v = str(rec[k]);
    if (v && v !== '----' && !/^Unknown\b/i.test(v)) return v;
  }
  return null;
}

/** darktable's colour labels (`darktable:colorlabels`, a Seq of 0–4) by name. */
const DARKTABLE_COLOURS = ['Red', 'Yellow', 'Green', 'Blue', 'Purple'];
/** digiKam's (`digiKam:ColorLabel`, 1–9; 0 is none). */
const DIGIKAM_COLOURS = [null, 'Red', 'Orange', 'Yellow', 'Green', 'Blue', 'Magenta', 'Gray', 'Black', 'White'];

/**
 * The colour label as Lightroom, Bridge and Capture One write it (xmp:Label, a name), else as
 * darktable does (it never writes xmp:Label: its labels are numbers, several at once, kept as
 * "Red, Blue"), else digiKam's number.
 */
function colourLabel(pick: (k: string) => unknown): string | null {
  const named = str(pick('Label'));
  if (named) return named;
  const numbers = (v: unknown) => list(v).flatMap((x) => x.split(/\s*,\s*/)).map(Number).filter(Number.isInteger);
  const dt = [...new Set(numbers(pick('Colorlabels')).map((n) => DARKTABLE_COLOURS[n]).filter((c): c is string => !!c))];
  if (dt.length) return dt.join(', ');
  const dk = numbers(pick('ColorLabel'))[0];
  return dk === undefined ? null : (DIGIKAM_COLOURS[dk] ?? null);
}

/** Maps ExifTool's tags for a photo (and its sidecar's, which win for XMP fields) to our row. */
export function toMetadataRow(t: Tags, sidecar: Tags | null, warnings: string[]): MetadataRow {
  const rec = t as Record<string, unknown>;
  const x = (sidecar ?? {}) as Record<string, unknown>;
  const pick = (k: string) => (x[k] !== undefined ? x[k] : rec[k]);
  // A capture time in a sidecar is the user's (rawlight never writes one): it wins whole, whichever
  // tag holds it (Lightroom 4 wrote only xmp:CreateDate), as in Immich; the photo's own otherwise.
  // A GPS fix in a sidecar (a geotagger's) does not replace the camera's clock: it dates a photo
  // that has no other date.
  const found = (c: CaptureTime) => (c.at ? c : null);
  const time = (sidecar && found(captureTime(sidecar, CLOCK_TAGS))) || found(captureTime(t)) || (sidecar && found(captureTime(sidecar))) || { at: null, offset: null, ts: null };
  const regionsFile = readRegions(t);
  const regionsSide = sidecar ? readRegions(sidecar) : { regions: [], w: null, h: null };
  const regions = regionsSide.regions.length ? regionsSide : regionsFile;
  const keywords = [...new Set([...list(pick('Subject')), ...list(sidecar ? x.Keywords ?? (x.Subject ? [] : rec.Keywords) : rec.Keywords)])];
  const people = [...new Set([...list(pick('PersonInImage')), ...regions.regions.filter((r) => (r.type ?? 'Face') === 'Face' && r.name).map((r) => r.name!)])];
  const gps = userGps(rec, sidecar ? x : null);
  const size = imageSize(rec.ImageSize);
  const named = namedPlaceOf(rec, sidecar ? x : null);
  return {
    file_type: str(rec.FileType),
    mime: str(rec.MIMEType),
    captured_at: time.at,
    capture_offset: time.offset,
    captured_ts: time.ts,
    make: str(rec.Make),
    model: str(rec.Model),
    lens: lensName(rec),
    exposure_time: str(rec.ExposureTime),
    f_number: num(rec.FNumber),
    iso: num(rec.ISO),
    focal_length: num(rec.FocalLength),
    width: size?.width ?? num(rec.ImageWidth) ?? num(rec.ExifImageWidth),
    height: size?.height ?? num(rec.ImageHeight) ?? num(rec.ExifImageHeight),
    orientation: num(pick('Orientation')),
    gps_lat: gps?.lat ?? null,
    gps_lon: gps?.lon ?? null,
    gps_alt: gps?.alt ?? null,
    rating: num(pick('Rating')),
    label: colourLabel(pick),
    title: titleOf(rec, sidecar ? x : null),
    caption: captionOf(rec, sidecar ? x : null),
    place_location: named.location,
    place_city: named.city,
    place_state: named.state,
    place_country: named.country,
    keywords,
    hierarchical: list(pick('HierarchicalSubject')),
    people,
    regions: regions.regions,
    applied_w: regions.w,
    applied_h: regions.h,
    warnings,
  };
}

export interface MetadataPassDeps {
  exif: ExifReader;
  /** Which of two sidecars wins for user values (config.xmp.sidecarStyle; default adobe). */
  sidecarStyle?: SidecarStyle;
}

/**
 * The format ExifTool's FileType names, for the variants it names apart: "Extended WEBP" (a VP8X
 * header: metadata, alpha, animation), "WEBP (lossless)" (ExifTool 13), "JXL Codestream" (a JPEG XL
 * without the box container, what cjxl writes when there is no metadata to carry), "APNG" (a PNG
 * with an animation chunk; its first frame is the picture), "HEIFS" (a HEIF image sequence: a burst
 * or an animation, with a primary still). Each is still that format.
 */
function formatOf(fileType: string | null): string | null {
  return fileType?.replace(/^Extended /, '').replace(/ Codestream$| \([^)]*\)$/, '').replace(/^APNG$/, 'PNG').replace(/^HEIFS$/, 'HEIF') ?? null;
}

/**
 * HEIC and HEIF name one container (`.heic` files are often plain HEIF: sequences, other codecs);
 * JP2, JPX and JPF one JPEG 2000 file format (JPF: the extension of JPX files), J2K and J2C one codestream.
 */
const FORMAT_FAMILIES = [/^HEI[CF]$/, /^(JP2|JPX|JPF)$/, /^J2[KC]$/];
const sameFormat = (a: string, b: string) => a === b || FORMAT_FAMILIES.some((f) => f.test(a) && f.test(b));

/**
 * `metadata`: ExifTool read of the photo and its sidecar: capture time with offset, camera, lens,
 * exposure, dimensions, orientation, GPS, rating, and keywords/people already there. Keyed on the
 * content hash and the sidecar's state, so a sidecar edit re-reads metadata and nothing else.
 */
export function createMetadataPass(deps: MetadataPassDeps): Pass {
  return {
    name: 'metadata',
    // 2: the caption and the named place are kept (migration 0210): every photo is read once more.
    version: 2,
    resource: 'io',
    after: ['scan'],
    description: 'ExifTool: capture time, camera, lens, exposure, size, orientation, GPS, rating, title, caption, named place, keywords, people (file + sidecar)',
    inputKey(db: ReadableDb, f: FileRow) {
      return f.content_hash ? `${f.content_hash}|${f.sidecar_sig ?? '-'}${rawSiblingMark(db, f)}` : null;
    },
    async run(ctx: PassContext): Promise<PassOutcome> {
      const f = ctx.file;
      // Photo and sidecar are asked for together, so the reader answers both with one ExifTool command.
      // Every sidecar of the photo (IMG_1.xmp and IMG_1.CR3.xmp), the style's first: user values from all.
      const [tags, side] = await Promise.all([deps.exif.read(f.path, ctx.signal), readUserSidecars(deps.exif, ctx.db, f, deps.sidecarStyle ?? 'adobe')]);
      stopIfAborted(ctx.signal, 'saving metadata');
      const rec = tags as Record<string, unknown>;
      const errors = [...list(rec.Error), ...((tags.errors as string[] | undefined) ?? [])];
      if (errors.length) throw new DaemonError('METADATA_UNREADABLE', [...new Set(errors)].join('; '));
      const fileType = formatOf(str(rec.FileType));
      if (!fileType || !IMAGE_FILE_TYPES.test(fileType)) {
        throw new DaemonError('METADATA_UNREADABLE', `not a photo: ExifTool reads it as ${fileType ?? 'an unknown type'}`);
      }
      const warnings = [...new Set(list(rec.Warning).concat((tags.warnings as string[] | undefined) ?? []))];
      const ext = f.ext.toUpperCase();
      // A sequence's extension (HEICS, AVIFS) names the format ExifTool names without the S.
      const extType = ext === 'JPG' ? 'JPEG' : ext === 'TIF' ? 'TIFF' : ext === 'HIF' ? 'HEIC' : ext.replace(/^(HEIC|HEIF|AVIF)S$/, '$1');
      if (!fileType.toUpperCase().startsWith(extType) && !sameFormat(extType, fileType.toUpperCase())) {
        warnings.push(`content is ${fileType}, extension says ${ext}`);
      }
      warnings.push(...side.warnings);
      const sidecar = side.tags;
      const row = toMetadataRow(tags, sidecar, warnings);
      let motion = motionPhotoOf(tags);
      // Samsung's motion photos from before the motion photo format's XMP carry the video in a
      // trailer `-fast` does not read: read its directory for Samsung's JPEGs alone.
      if (!motion && fileType === 'JPEG' && /samsung/i.test(row.make ?? '')) {
        const video = await samsungTrailerVideo(f.path).catch(() => null);
        if (video) motion = { format: 'samsung', videoOffsetFromEnd: video.offsetFromEnd };
      }
      const locations = imageLocationsOf(rec);
      return {
        output: {
          fileType: row.file_type, camera: cameraLabel(row) || null, capturedAt: row.captured_at, sidecar: side.paths[0] ?? null, ...(side.paths.length > 1 ? { sidecars: side.paths } : {}),
          ...(motion ? { motionPhoto: motion } : {}),
        },
        warnings,
        commit: (db: WritableDb) => {
          saveMetadata(db, f.id, row);
          saveEmbeddedLocations(db, f.id, f.content_hash, locations);
        },
      };
    },
  };
}

export function saveMetadata(db: WritableDb, fileId: number, m: MetadataRow): void {
  stmt(
    db,
    `INSERT INTO metadata (file_id, file_type, mime, captured_at, capture_offset, captured_ts, make, model, lens, exposure_time, f_number, iso,
       focal_length, width, height, orientation, gps_lat, gps_lon, gps_alt, rating, label, title, caption, place_location, place_city, place_state, place_country, keywords, hierarchical, people, regions, applied_w, applied_h, warnings, read_at)
     VALUES (@file_id, @file_type, @mime, @captured_at, @capture_offset, @captured_ts, @make, @model, @lens, @exposure_time, @f_number, @iso,
       @focal_length, @width, @height, @orientation, @gps_lat, @gps_lon, @gps_alt, @rating, @label, @title, @caption, @place_location, @place_city, @place_state, @place_country, @keywords, @hierarchical, @people, @regions, @applied_w, @applied_h, @warnings, @read_at)
     ON CONFLICT (file_id) DO UPDATE SET file_type=excluded.file_type, mime=excluded.mime, captured_at=excluded.captured_at,
       capture_offset=excluded.capture_offset, captured_ts=excluded.captured_ts, make=excluded.make, model=excluded.model, lens=excluded.lens,
       exposure_time=excluded.exposure_time, f_number=excluded.f_number, iso=excluded.iso, focal_length=excluded.focal_length,
       width=excluded.width, height=excluded.height, orientation=excluded.orientation, gps_lat=excluded.gps_lat, gps_lon=excluded.gps_lon,
       gps_alt=excluded.gps_alt, rating=excluded.rating, label=excluded.label, title=excluded.title, caption=excluded.caption,
       place_location=excluded.place_location, place_city=excluded.place_city, place_state=excluded.place_state, place_country=excluded.place_country, keywords=excluded.keywords,
       hierarchical=excluded.hierarchical, people=excluded.people, regions=excluded.regions, applied_w=excluded.applied_w, applied_h=excluded.applied_h, warnings=excluded.warnings, read_at=excluded.read_at`,
  ).run({
    ...m,
    file_id: fileId,
    keywords: JSON.stringify(m.keywords),
    hierarchical: JSON.stringify(m.hierarchical),
    people: JSON.stringify(m.people),
    regions: JSON.stringify(m.regions),
    warnings: JSON.stringify(m.warnings),
    read_at: Date.now(),
  });
}
