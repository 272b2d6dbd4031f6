/**
 * The words a photographer wrote about a photo: its title, its caption and the place they named
 * (Lightroom's Title, Caption and Location fields; IPTC and XMP as Photo Mechanic, Capture One,
 * Bridge and digiKam write them). Search finds photos by them (metadata_text, migration 0210).
 * A sidecar's values win over the file's, as for every value the user sets.
 */

type Tags = Record<string, unknown>;

const text = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  const s = (Array.isArray(v) ? v.join(', ') : String(v)).replace(/\s+/g, ' ').trim();
  return s === '' ? null : s;
};

/**
 * What cameras and programs write into a description field by themselves ("OLYMPUS DIGITAL
 * CAMERA", "SONY DSC", "KONICA MINOLTA DIGITAL CAMERA", "SAMSUNG CAMERA PICTURES",
 * "Exif_JPEG_PICTURE", "Created with GIMP"): nobody's caption. A camera's is short, in capitals,
 * and names the camera or the picture; a person's caption in capitals without those words is kept.
 */
function isBoilerplate(s: string): boolean {
  if (s.length <= 40 && s === s.toUpperCase() && /\b(?:CAMERA|DSCF?|PICTURES?)\b/.test(s)) return true;
  return /^(?:Exif_JPEG_PICTURE|Created with GIMP|default|untitled)$/i.test(s);
}

/** The first of these tags holding a caption someone wrote. */
function firstCaption(tags: Tags, keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = text(tags[k]);
    if (v && !isBoilerplate(v)) return v;
  }
  return null;
}

/**
 * The caption. A sidecar holds it as XMP (dc:description). In the file, EXIF's ImageDescription
 * first, then XMP's dc:description, then IPTC's Caption-Abstract: the Metadata Working Group's
 * reading order (ExifTool's MWG Description); Lightroom writes all three alike anyway.
 */
export function captionOf(file: Tags, sidecar: Tags | null): string | null {
  return (sidecar && firstCaption(sidecar, ['Description', 'ImageDescription'])) || firstCaption(file, ['ImageDescription', 'Description', 'Caption-Abstract']);
}

/**
 * The title: XMP's dc:title (sidecar first), else IPTC's Object Name (what Photo Mechanic and older
 * tools write), else the Headline (photoshop:Headline, IPTC Headline: Lightroom's and Photo
 * Mechanic's IPTC panels have it, and press photographers fill it rather than a title).
 */
export function titleOf(file: Tags, sidecar: Tags | null): string | null {
  return (sidecar && text(sidecar.Title)) || text(file.Title) || text(file.ObjectName) || (sidecar && text(sidecar.Headline)) || text(file.Headline);
}

export interface NamedPlace {
  location: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
}

const PLACE_KEYS: Record<keyof NamedPlace, readonly string[]> = {
  // XMP (Iptc4xmpCore:Location, photoshop:City/State/Country) before IPTC-IIM's, then the
  // "location shown" structure (IPTC Extension) as a last resort.
  location: ['Location', 'Sub-location', 'LocationShownSublocation'],
  city: ['City', 'LocationShownCity'],
  state: ['State', 'Province-State', 'LocationShownProvinceState'],
  country: ['Country', 'Country-PrimaryLocationName', 'LocationShownCountryName'],
};

function placeIn(tags: Tags): NamedPlace | null {
  const pick = (keys: readonly string[]) => keys.map((k) => text(tags[k])).find((v) => v !== null) ?? null;
  const p: NamedPlace = { location: pick(PLACE_KEYS.location), city: pick(PLACE_KEYS.city), state: pick(PLACE_KEYS.state), country: pick(PLACE_KEYS.country) };
  return p.location || p.city || p.state || p.country ? p : null;
}

/**
 * The place the photo's metadata names, as one group (place-group.ts): a sidecar that names any
 * part of a place names the whole of it, so its "Moab" never sits beside the file's "Denver".
 * Whoever wrote it: the user, another program, or rawlight's own writeback of the GPS place.
 */
export function namedPlaceOf(file: Tags, sidecar: Tags | null): NamedPlace {
  return (sidecar && placeIn(sidecar)) || placeIn(file) || { location: null, city: null, state: null, country: null };
}
