export { isUsableGps, type Place, type PlaceSummary, type ReverseGeocoder, type GeocoderStats } from './place.js';
export { createReverseGeocoder, loadGeocoderData, DefaultReverseGeocoderOptions, type ReverseGeocoderOptions, type CreateReverseGeocoderArgs, type GeocoderData } from './reverse-geocoder.js';
export { placesDatasetVersion } from './dataset-version.js';
export { createThreadedGeocoder, type ThreadedGeocoder, type ThreadedGeocoderArgs } from './threaded-geocoder.js';
export { placeForFile, filesInPlace, getPlaceRow, hasTowns, type PlaceMatch, type PlaceRow } from './place.repository.js';
