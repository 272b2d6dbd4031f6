// The e2e tests wire the API exactly as `rawlight run` does.
export { daemonApiDeps, peoplePort } from '../../src/daemon-api.js';
export { buildWeb } from '../medium/api/harness.js';
