// Load generator thread for bench/_load.ts (plain JS: worker threads don't get the TypeScript loader).
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
{
  const { url, headers, concurrency, seconds, paths } = workerData;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const u = new URL(url);
  const latencies = [];
  let errors = 0;
  let n = 0;
  const end = Date.now() + seconds * 1000;
  const one = (p) =>
    new Promise((res) => {
      const t0 = performance.now();
      const req = http.request({ host: u.hostname, port: u.port, path: p, method: 'GET', headers, agent }, (r) => {
        r.resume();
        r.on('end', () => {
          if (r.statusCode !== 200) errors++;
          latencies.push(performance.now() - t0);
          res();
        });
      });
      req.on('error', () => {
        errors++;
        res();
      });
      req.end();
    });
  const client = async () => {
    while (Date.now() < end) await one(paths[n++ % paths.length]);
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  parentPort.postMessage({ requests: latencies.length, errors, seconds: (Date.now() - t0) / 1000, latencies });
  agent.destroy();
}

