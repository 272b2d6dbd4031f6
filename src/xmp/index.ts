export { readDesiredState, desiredStateHash, isDesiredEmpty, type DesiredState } from './desired-state.js';
export { planChanges, planIsNoop, type Plan, type Change, type Conflict, type ValueRecord } from './plan.js';
export { resolveTarget, prepareWriteback, applyWriteback, reviewCommit, recordWritebackFailure, type Target, type WritebackDeps, type PreparedWriteback, type WritebackResult } from './writeback.js';
export { isOwnWrite, reconcileJournal, type ReconcileReport } from './own-writes.js';
export { createSpotlight, spotlightReport, SpotlightAdapter, type SpotlightOptions, type SpotlightReport, type SpotlightRecord } from './spotlight.js';
export { xmpStateForFile, type XmpStateView } from './xmp-state.js';
export { writebackCounts, pendingFileIds } from './xmp.repository.js';
export { uprightToStored, storedToUpright, toCentre, fromCentre, type Box } from '../geometry/box.js';
