import { LOCATION_TAG_NAMES } from './image-locations.js';

/**
 * The tags the metadata pass asks ExifTool for, instead of `-all`. With `-fast` this is most of
 * what makes a read cheap: ExifTool still parses the file's structure, but it converts and prints
 * ~60 values instead of several hundred (maker notes, every IFD), and exiftool-vendored parses a
 * JSON object of that size. Add a tag here before reading it anywhere (a tag not asked for is
 * simply absent). Composite MWG tags (Keywords, City, RegionInfo…) pull in their sources
 * themselves.
 */
export const METADATA_TAGS: readonly string[] = Object.freeze([
  // what the file is; ExifTool's own verdicts
  'FileType', 'MIMEType', 'Error', 'Warning',
  // capture time, and everything exiftool-vendored infers the time zone from
  'SubSecDateTimeOriginal', 'DateTimeOriginal', 'SubSecCreateDate', 'CreateDate', 'DateTimeCreated', 'DigitalCreationDateTime',
  'MediaCreateDate', 'CreationDate', 'TimeCreated', 'OffsetTime', 'OffsetTimeOriginal', 'OffsetTimeDigitized', 'TimeZone',
  'TimeZoneOffset', 'GPSDateTime', 'GPSDateStamp', 'GPSTimeStamp', 'SubSecMediaCreateDate', 'DateTimeUTC', 'SonyDateTime2',
  'SourceImageCreateTime',
  // camera and exposure
  'Make', 'Model', 'LensModel', 'LensID', 'Lens', 'ExposureTime', 'FNumber', 'ISO', 'FocalLength',
  // geometry
  'ImageWidth', 'ImageHeight', 'ExifImageWidth', 'ExifImageHeight', 'ImageSize', 'Orientation',
  // GPS
  'GPSLatitude', 'GPSLongitude', 'GPSAltitude', 'GPSLatitudeRef', 'GPSLongitudeRef', 'GPSAltitudeRef', 'GPSPosition',
  // the user's own values (sidecar or file): ratings, labels, keywords, people, regions, places
  'Rating', 'Label', 'Colorlabels', 'ColorLabel', 'Title', 'ObjectName', 'Headline', 'Description', 'ImageDescription', 'Caption-Abstract', 'Subject', 'Keywords', 'HierarchicalSubject', 'TagsList', 'LastKeywordXMP',
  'CatalogSets', 'PersonInImage', 'RegionInfo', 'RegionInfoMP', 'City', 'State', 'Country', 'CountryCode', 'Location',
  'Sub-location', 'Province-State', 'Country-PrimaryLocationName', 'LocationShownCity', 'LocationShownProvinceState',
  'LocationShownCountryName', 'LocationShownSublocation',
  // motion photos (Google/Samsung): the still is indexed, the embedded video noted
  'MotionPhoto', 'MotionPhotoVersion', 'MicroVideo', 'MicroVideoOffset', 'EmbeddedVideoType', 'EmbeddedVideoFile',
  // the motion photo format's list of what the file holds (where the video starts)
  'ContainerDirectory',
  // where the embedded JPEGs lie, so the preview pass reads one straight from the file (image-locations.ts)
  ...LOCATION_TAG_NAMES,
]);
