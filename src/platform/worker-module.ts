/**
 * The URL of a worker thread's module beside the module at `fromUrl` (its import.meta.url): the
 * `.ts` source when running under tsx (tests, benches), the compiled `.js` once installed.
 */
export function workerModule(fromUrl: string, name: string): URL {
  return new URL(`./${name}${fromUrl.endsWith('.ts') ? '.ts' : '.js'}`, fromUrl);
}
