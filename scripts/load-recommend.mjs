// Open-loop load on GET /v1/users/{id}/recommendations: a fixed rate (scripts/open-loop.mjs), latency from the
// scheduled send time. Plain Node 20, no packages.
// Usage: node scripts/load-recommend.mjs URL RATE SECONDS USERS_FILE
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { openLoop } from './open-loop.mjs';

const [url, rate = '1000', seconds = '20', usersFile] = process.argv.slice(2);
const users = readFileSync(usersFile, 'utf8').split('\n').filter(Boolean);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(url);
const total = Number(rate) * Number(seconds);
// SHOAL_API_KEY: a key with segments:read (README "Security")
const headers = process.env.SHOAL_API_KEY ? { 'X-API-Key': process.env.SHOAL_API_KEY } : {};
let errors = 0, cold = 0;

openLoop(Number(rate), total, (i, due, finish) => {
    const user = encodeURIComponent(users[i % users.length]);
    const req = http.get({ host: target.hostname, port: target.port, agent, headers,
        path: `/v1/users/${user}/recommendations?limit=10` }, res => {
        let body = '';
        res.on('data', c => body += c);
        res.on('end', () => {
            if (res.statusCode !== 200) errors++;
            else if (body.includes('"coldStart":true')) cold++;
            finish(due);
        });
    });
    req.on('error', () => { errors++; finish(due); });
}, (q, elapsed) => {
    console.log(`requests ${total} in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s), errors ${errors},`
        + ` cold starts ${cold}`);
    console.log(`latency ms: p50 ${q(0.5)}  p90 ${q(0.9)}  p99 ${q(0.99)}  p99.9 ${q(0.999)}  max ${q(1)}`);
    agent.destroy();
});
