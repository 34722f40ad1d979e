// Open-loop load on POST /v1/events: requests of PER events at a fixed rate (not as fast as answers come back, so
// queueing shows in the latency), latency from the scheduled send time, every event with a unique eventId (the
// same events as scripts/ingest.lua). Plain Node 20, no packages.
// Usage: node scripts/load-ingest-rate.mjs URL REQUESTS_PER_S SECONDS PER [RUN_ID]
import http from 'node:http';

const [url, rate = '100', seconds = '10', per = '100', run = String(Date.now())] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(url);
const total = Math.round(Number(rate) * Number(seconds));
const headers = { 'Content-Type': 'application/json' };
if (process.env.SHOAL_API_KEY) headers['X-API-Key'] = process.env.SHOAL_API_KEY; // a key with events:write
const titles = ['white hanging heart t-light holder', 'regency cakestand 3 tier', 'jumbo bag red retrospot',
    'party bunting', 'lunch bag red retrospot', 'set of 3 cake tins pantry design', 'pack of 72 retrospot cake cases',
    'assorted colour bird ornament'];
const latencies = [];
const statuses = new Map();
let done = 0, counter = 0;
const start = performance.now();

function body() {
    const events = [];
    for (let i = 0; i < Number(per); i++) {
        counter++;
        events.push(`{"eventId":"${run}-${counter}","userId":"u${counter % 5000}","type":"view","text":"${titles[counter % titles.length]}"}`);
    }
    return Number(per) === 1 ? events[0] : '[' + events.join(',') + ']';
}

function send(i) {
    const scheduled = start + (i * 1000) / Number(rate);
    const payload = body();
    const req = http.request({ host: target.hostname, port: target.port, agent, method: 'POST', path: '/v1/events',
        headers: { ...headers, 'Content-Length': Buffer.byteLength(payload) } }, res => {
        res.resume();
        res.on('end', () => {
            statuses.set(res.statusCode, (statuses.get(res.statusCode) || 0) + 1);
            latencies.push(performance.now() - scheduled);
            finish();
        });
    });
    req.on('error', () => { statuses.set('error', (statuses.get('error') || 0) + 1); latencies.push(performance.now() - scheduled); finish(); });
    req.end(payload);
}

function finish() {
    if (++done < total) return;
    latencies.sort((a, b) => a - b);
    const q = p => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2);
    const elapsed = (performance.now() - start) / 1000;
    const answered = [...statuses.entries()].map(([s, n]) => `${s}: ${n}`).join(', ');
    console.log(`requests ${total} in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s, `
        + `${(total * Number(per) / elapsed).toFixed(0)} events/s), answers ${answered}`);
    console.log(`latency ms: p50 ${q(0.5)}  p90 ${q(0.9)}  p99 ${q(0.99)}  p99.9 ${q(0.999)}  max ${q(1)}`);
    agent.destroy();
}

let next = 0;
const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - start) * Number(rate)) / 1000);
    while (next < total && next <= due) send(next++);
    if (next >= total) clearInterval(timer);
}, 1);
