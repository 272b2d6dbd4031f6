import Database from 'better-sqlite3';
const db = new Database(process.argv[2]!, { readonly: true });
for (const r of db.prepare(`SELECT f.path, m.file_type, m.model, m.captured_at, m.gps_lat, p.width, p.height, p.source, (SELECT count(*) FROM faces WHERE file_id=f.id) AS faces, (SELECT group_concat(label) FROM tags WHERE file_id=f.id) AS tags FROM files f LEFT JOIN previews p ON p.file_id=f.id LEFT JOIN metadata m ON m.file_id=f.id ORDER BY f.path`).all() as any[]) console.log(r.path.split('/').pop(), r.file_type, r.model, r.captured_at, r.gps_lat, r.width + 'x' + r.height, r.source, 'faces', r.faces, 'tags', r.tags);
for (const r of db.prepare(`SELECT pass, count(*) n, round(avg(duration_ms)) avg, max(duration_ms) mx FROM pass_runs GROUP BY pass`).all() as any[]) console.log(r);
