import type { FastifyInstance } from 'fastify';

/**
 * Every route the server answers, as [method, path], read from fastify's own route tree
 * (printRoutes), so a route added later is covered by the security matrix without editing it.
 */
export function listRoutes(app: FastifyInstance): [string, string][] {
  const out: [string, string][] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)── (\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length;
    while (stack.length && stack.at(-1)!.depth >= depth) stack.pop();
    const parent = stack.at(-1)?.path ?? '';
    const seg = m[2]!;
    const full = parent.endsWith('/') || seg.startsWith('/') || parent === '' ? parent + seg : `${parent}/${seg}`;
    stack.push({ depth, path: full });
    for (const method of m[3]!.split(', ')) out.push([method, full]);
  }
  return out;
}
