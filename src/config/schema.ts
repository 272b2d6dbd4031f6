import { z } from 'zod';

const cron = z.string().min(1);

/** Passes that can be switched off. The spine's scan/metadata/preview always run. */
export const PassSwitches = z
  .object({
    faces: z.boolean().default(true),
    embed: z.boolean().default(true),
    tags: z.boolean().default(true),
    places: z.boolean().default(true),
    writeback: z.boolean().default(true),
    ocr: z.boolean().default(true),
  })
  .strict()
  .default({ faces: true, embed: true, tags: true, places: true, writeback: true, ocr: true });

export const ConfigSchema = z
  .object({
    /** Library folders to watch and index (absolute paths, `~` allowed). */
    libraries: z.array(z.string().min(1)).default([]),
    /** Path fragments or globs (`*` within a name, `**` across folders) to leave out. */
    exclude: z.array(z.string().min(1)).default([]),
    passes: PassSwitches,
    /** auto: write XMP as results arrive; review: queue changes for `rawlight writeback`; off. */
    writeback: z.enum(['auto', 'review', 'off']).default('auto'),
    xmp: z
      .object({
        /** Write into DNG/JPEG/HEIC/TIFF instead of a sidecar (verified by ImageDataHash). Never RAW. */
        embedded: z.boolean().default(false),
        /** Sidecar name when none exists yet: adobe = IMG_1.xmp, darktable = IMG_1.CR3.xmp. */
        sidecarStyle: z.enum(['adobe', 'darktable', 'ext']).default('adobe'),
        /** Root of rawlight's keywords in lr:hierarchicalSubject. */
        keywordRoot: z.string().min(1).regex(/^[^|]+$/, 'must not contain "|"').default('rawlight'),
        /** Minimum tag score to write a keyword. */
        minTagScore: z.number().min(0).max(1).default(0.25),
        /** Also mirror people as Finder tags on macOS. */
        finderTags: z.boolean().default(false),
        /** Set Spotlight-indexed xattrs (macOS). */
        spotlight: z.boolean().default(true),
        writeTimeoutMs: z.number().int().positive().default(30_000),
      })
      .strict()
      .prefault({}),
    api: z
      .object({
        port: z.number().int().min(0).max(65535).default(7414),
        /** Loopback only unless allowRemote is set explicitly (then a token is still required). */
        host: z.string().default('127.0.0.1'),
        allowRemote: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /** Folder with model files; RAWLIGHT_MODELS overrides. Default: <data>/models. */
    modelsDir: z.string().nullable().default(null),
    /** Pin a model per role by id (see models/manifest.json). */
    models: z
      .object({
        faceDetector: z.string().optional(),
        faceEmbedder: z.string().optional(),
        clip: z.string().optional(),
        classifier: z.string().optional(),
        ocr: z.string().optional(),
      })
      .strict()
      .prefault({}),
    queue: z
      .object({
        maxAttempts: z.number().int().min(1).max(50).default(5),
        leaseSeconds: z.number().int().min(5).default(600),
        /** CPU workers (previews, faces, tags, CLIP): `auto` = one per core while there is a backlog. */
        cpuConcurrency: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default('auto'),
        /**
         * I/O workers (hashing, ExifTool reads): enough waiting reads to fill each ExifTool batch
         * (a command has a fixed cost; 8 workers left ~3 files a command, 24 give ~8). Hashing
         * itself is capped apart (passes/hash-slots.ts), so more workers do not hold more files.
         */
        ioConcurrency: z.number().int().min(1).max(64).default(24),
        /** Backoff base for retries, doubled per attempt. */
        retryBaseSeconds: z.number().min(0).default(30),
        /** Failed runs are kept this many days in the run history (the latest run of each file and pass always). */
        runHistoryDays: z.number().min(0).default(30),
      })
      .strict()
      .prefault({}),
    watch: z
      .object({
        enabled: z.boolean().default(true),
        /** Wait until a file's size is stable this long before hashing (copies in progress). */
        settleMs: z.number().int().min(0).default(2000),
        /** auto: recursive fs.watch on macOS, chokidar elsewhere. */
        backend: z.enum(['auto', 'chokidar', 'recursive']).default('auto'),
        /**
         * A library on a file server (SMB, AFP, NFS …) is walked this often: its change events only
         * report this computer's own changes, not a photo another Mac or the NAS adds. 0: only the
         * nightly walk.
         */
        networkRescanMinutes: z.number().min(0).default(60),
      })
      .strict()
      .prefault({}),
    schedule: z
      .object({
        reconcile: cron.default('30 3 * * *'),
        regroup: cron.default('0 4 * * *'),
        backup: cron.default('0 5 * * *'),
        optimize: cron.default('15 5 * * *'),
        prune: cron.default('30 5 * * 0'),
        retryDead: cron.default('0 */6 * * *'),
        // Weekly, Sunday night: removes duplicates of rawlight's own values older versions wrote.
        repair: cron.default('45 5 * * 0'),
        backupsKept: z.number().int().min(1).max(100).default(7),
        /**
         * Days a deleted photo's faces, names, tags and previews are kept in case it comes back (put
         * back from the Trash, its folder moved back in); the weekly prune then forgets it. 0: kept
         * for ever. 30, as Photos' "Recently Deleted".
         */
        deletedKeptDays: z.number().int().min(0).max(36_500).default(30),
      })
      .strict()
      .prefault({}),
    agent: z
      .object({
        /** Run without launchd's Background throttling until the first import's queue is empty. */
        turbo: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    faces: z
      .object({
        minScore: z.number().min(0).max(1).optional(),
        minFaceSize: z.number().int().min(8).default(24),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
