export { createUpkeep, defaultUpkeepJobs, type Upkeep, type UpkeepOptions, type UpkeepRunResult } from './upkeep.js';
export { upkeepStatus, type UpkeepJobStatus } from './upkeep.repository.js';
export { UPKEEP_JOBS, type UpkeepDeps, type UpkeepJobName } from './upkeep-job.js';
export { listBackups, verifyBackup, backupFileName, BACKUP_DIR } from './backup.job.js';
