/** People: faces grouped into persons, named once, remembered forever. The public surface. */
export { regroupInWorker } from './threaded-regroup.js';
export { attachNewFaces, regroupAll, DefaultGroupingOptions, type AttachReport, type GroupingOptions, type RegroupReport } from './grouping.js';
export {
  ignorePerson,
  markNotFace,
  mergePeople,
  moveFace,
  namePerson,
  removeFace,
  renamePerson,
  resolvePerson,
  undoLast,
  type ActionResult,
} from './actions.js';
export { listPeople, peopleInFile, personForFace, suggestionsFor, type FacePerson, type PeopleListing, type PersonListing, type Suggestion, type NamedFace } from './read.js';
export {
  listPersonTiles,
  personTile,
  suggestNames,
  type PersonTile,
  type PersonTileFace,
} from './read.js';
export { faceExists, filesOfPerson, getPerson } from './people.repository.js';
export { importXmpNames } from './import.js';
export { resolveThresholds, thresholdsFor, DefaultGroupingThresholds, type GroupingThresholds } from './thresholds.js';
