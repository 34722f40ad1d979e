// Open-loop load on POST /v1/events: requests of PER events at a fixed rate (scripts/open-loop.mjs), latency from
// the scheduled send time, every event with a unique eventId (the same events as scripts/ingest.lua). Plain Node 20,
// no packages.
// Usage: node scripts/load-ingest-rate.mjs URL REQUESTS_PER_S SECONDS PER [RUN_ID]
// COLD_EVERY=N: every N-th event gets a text nobody sent before (the model must embed it; 0 or unset: none).
import http from 'node:http';
import { openLoop } from './open-loop.mjs';

const [url, rate = '100', seconds = '10', per = '100', run = String(Date.now())] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(url);
const total = Math.round(Number(rate) * Number(seconds));
const headers = { 'Content-Type': 'application/json' };
if (process.env.SHOAL_API_KEY) headers['X-API-Key'] = process.env.SHOAL_API_KEY; // a key with events:write
const titles = ['white hanging heart t-light holder', 'regency cakestand 3 tier', 'jumbo bag red retrospot',
    'party bunting', 'lunch bag red retrospot', 'set of 3 cake tins pantry design', 'pack of 72 retrospot cake cases',
    'assorted colour bird ornament'];
const coldEvery = Number(process.env.COLD_EVERY || 0);
const statuses = new Map();
let counter = 0;
const count = status => statuses.set(status, (statuses.get(status) || 0) + 1);

function body() {
    const events = [];
    for (let i = 0; i < Number(per); i++) {
        counter++;
        events.push(`{"eventId":"${run}-${counter}","userId":"u${counter % 5000}","type":"view",`
            + `"text":"${coldEvery > 0 && counter % coldEvery === 0 ? `new item ${run} ${counter}`
                : titles[counter % titles.length]}"}`);
    }
    return Number(per) === 1 ? events[0] : '[' + events.join(',') + ']';
}

openLoop(Number(rate), total, (i, due, finish) => {
    const payload = body();
    const req = http.request({ host: target.hostname, port: target.port, agent, method: 'POST', path: '/v1/events',
        headers: { ...headers, 'Content-Length': Buffer.byteLength(payload) } }, res => {
        res.resume();
        res.on('end', () => { count(res.statusCode); finish(due); });
    });
    req.on('error', () => { count('error'); finish(due); });
    req.end(payload);
}, (q, elapsed) => {
    const answered = [...statuses.entries()].map(([s, n]) => `${s}: ${n}`).join(', ');
    console.log(`requests ${total} in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s, `
        + `${(total * Number(per) / elapsed).toFixed(0)} events/s), answers ${answered}`);
    console.log(`latency ms: p50 ${q(0.5)}  p90 ${q(0.9)}  p99 ${q(0.99)}  p99.9 ${q(0.999)}  max ${q(1)}`);
    agent.destroy();
});
