// Shoal dashboard: plain JavaScript over the service's REST API and Apache ECharts (served as a WebJar).
// Every chart container carries data-state (loading | ready | empty | error) and, once drawn, data-points (how many
// data points it shows), so a person and the browser test can tell a drawn chart from an empty frame.
'use strict';

const KEY_STORAGE = 'shoal.apiKey';
const charts = {};

// ./shoal demo prints the URL with #key=...: the fragment never leaves the browser; keep the key for this tab only
// and take it out of the address bar.
(function keyFromFragment() {
    const match = /(?:^#|&)key=([^&]+)/.exec(location.hash);
    if (match) {
        sessionStorage.setItem(KEY_STORAGE, decodeURIComponent(match[1]));
        history.replaceState(null, '', location.pathname + location.search);
    }
})();

function headers() {
    const key = sessionStorage.getItem(KEY_STORAGE);
    return key ? { 'X-API-Key': key } : {};
}

function status(text, isError) {
    const el = document.getElementById('status');
    el.textContent = text || '';
    el.className = isError ? 'error' : '';
}

class HttpError extends Error {
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}

async function getJson(path) {
    const response = await fetch(path, { headers: headers(), credentials: 'same-origin' });
    if (response.status === 401 || response.status === 403) {
        document.getElementById('key-form').hidden = false;
        throw new HttpError(response.status, response.status === 401
            ? 'This service needs an API key with segments:read.'
            : 'The key does not hold segments:read.');
    }
    if (!response.ok) {
        let message = response.status + ' ' + response.statusText;
        try {
            const body = await response.json();
            message = body.message || body.error || message;
        } catch (ignored) {
            // not JSON: keep the status line
        }
        throw new HttpError(response.status, message);
    }
    return response.json();
}

function chart(id) {
    if (!charts[id]) {
        charts[id] = echarts.init(document.getElementById(id), null, { renderer: 'canvas' });
        window.addEventListener('resize', () => charts[id].resize());
    }
    return charts[id];
}

function done(id, points) {
    const el = document.getElementById(id);
    el.dataset.points = String(points);
    el.dataset.state = points > 0 ? 'ready' : 'empty';
    if (points === 0) {
        chart(id).setOption({ title: { text: 'nothing yet', left: 'center', top: 'middle',
            textStyle: { color: '#6b7785', fontSize: 13, fontWeight: 'normal' } } }, true);
    }
}

function failed(id, error) {
    const el = document.getElementById(id);
    el.dataset.state = 'error';
    chart(id).setOption({ title: { text: error.message, left: 'center', top: 'middle',
        textStyle: { color: '#b42318', fontSize: 13, fontWeight: 'normal' } } }, true);
    if (!(error instanceof HttpError && (error.status === 401 || error.status === 403))) {
        console.error('chart ' + id + ': ' + error.message);
    }
    status(error.message, true);
}

function escapeHtml(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;',
        '"': '&quot;', "'": '&#39;' }[c]));
}

function fmt(x, digits) {
    return x == null ? '–' : Number(x).toFixed(digits == null ? 3 : digits);
}

const labels = {};

function labelOf(id) {
    return labels[id] || ('segment ' + id);
}

// ---- the segments table

async function loadSegments() {
    const table = document.getElementById('segments');
    try {
        const [listing, seeded] = await Promise.all([getJson('/v1/segments'), getJson('/v1/segments/seeded')]);
        const seeds = new Map(seeded.map(s => [s.segmentId, s]));
        document.getElementById('model').textContent = 'model version ' + listing.modelVersion + ' · '
            + listing.segments.length + ' segments';
        const body = table.querySelector('tbody');
        body.innerHTML = '';
        for (const s of listing.segments) {
            labels[s.segmentId] = s.label;
            const tr = document.createElement('tr');
            const seed = seeds.get(s.segmentId);
            tr.innerHTML = '<td>' + s.segmentId + '</td><td><span class="label">' + escapeHtml(s.label) + '</span>'
                + (s.named ? ' <span class="pill">named</span>' : '')
                + (seed ? ' <span class="pill" title="seeded from ' + seed.examples + ' examples">seeded · recall '
                    + Math.round(100 * seed.recall) + '%</span>' : '')
                + ' <button type="button" class="rename" data-segment="' + s.segmentId + '">rename</button></td><td>'
                + s.size + '</td><td class="terms">' + escapeHtml((s.terms || []).join(', ')) + '</td><td class="texts">'
                + escapeHtml((s.description || []).slice(0, 3).join(' · ')) + '</td>';
            tr.querySelector('button.rename').addEventListener('click', () => rename(s.segmentId, s.label));
            body.appendChild(tr);
        }
        table.dataset.points = String(listing.segments.length);
        table.dataset.state = listing.segments.length > 0 ? 'ready' : 'empty';
    } catch (e) {
        table.dataset.state = 'error';
        if (!(e instanceof HttpError && e.status < 500)) {
            console.error('segments: ' + e.message);
        }
        status(e.message, true);
    }
}

// A marketer's name for a segment (PUT /v1/segments/{id}/label, role segments:write); empty gives the derived one back.
async function rename(segmentId, current) {
    const name = window.prompt('Name for segment ' + segmentId + ' (empty: back to the derived label)', current);
    if (name === null) {
        return;
    }
    const path = '/v1/segments/' + segmentId + '/label';
    const response = name.trim() === ''
        ? await fetch(path, { method: 'DELETE', headers: headers() })
        : await fetch(path, { method: 'PUT', headers: Object.assign({ 'Content-Type': 'application/json' }, headers()),
            body: JSON.stringify({ label: name }) });
    if (!response.ok) {
        let message = 'rename: ' + response.status;
        try {
            const body = await response.json();
            message = 'rename: ' + (body.message || body.error || response.status);
        } catch (ignored) {
            // keep the status
        }
        status(message, true);
        return;
    }
    status('segment ' + segmentId + ' renamed');
    await loadAll();
}

// ---- the charts

async function loadMap() {
    try {
        const map = await getJson('/v1/dashboard/map');
        document.getElementById('map-note').textContent = map.segments.length === 0 ? ''
            : '(axes carry ' + Math.round(100 * (map.firstShare + map.secondShare)) + '% of the variance)';
        const series = map.segments.map((s, i) => ({
            name: s.label,
            type: 'scatter',
            symbolSize: 6,
            itemStyle: { opacity: 0.45 },
            data: map.shoppers.filter(u => u.segmentId === s.segmentId).map(u => [u.x, u.y, u.userId]),
            color: palette(i),
        }));
        series.push({
            name: 'centroids',
            type: 'scatter',
            symbol: 'diamond',
            symbolSize: s => 14 + Math.min(26, Math.sqrt(s[3] || 0)),
            data: map.segments.map(s => [s.x, s.y, s.label, s.size, s.topTexts.join('<br>')]),
            itemStyle: { color: '#1d2733' },
            label: { show: true, position: 'right', formatter: p => p.data[2], fontSize: 11 },
        });
        chart('chart-map').setOption({
            animation: false,
            tooltip: {
                formatter: p => p.seriesName === 'centroids'
                    ? '<b>' + escapeHtml(p.data[2]) + '</b> (' + p.data[3] + ' members)<br>' + p.data[4]
                    : escapeHtml(p.seriesName) + '<br>shopper ' + escapeHtml(p.data[2]),
            },
            legend: { type: 'scroll', bottom: 0 },
            grid: { left: 30, right: 20, top: 10, bottom: 40 },
            xAxis: { type: 'value', scale: true, axisLabel: { show: false } },
            yAxis: { type: 'value', scale: true, axisLabel: { show: false } },
            series,
        }, true);
        done('chart-map', map.segments.length + map.shoppers.length);
    } catch (e) {
        failed('chart-map', e);
    }
}

function palette(i) {
    const colours = ['#2f6fdf', '#e8772e', '#3aa655', '#c93c3c', '#8a5cc2', '#1fa2a8', '#d1a21b', '#d45fa0',
        '#5f7d95', '#7fa33a', '#b65b2c', '#4056a8'];
    return colours[i % colours.length];
}

async function loadSizes() {
    try {
        const sizes = await getJson('/v1/dashboard/sizes?buckets=40');
        const series = sizes.series.map(s => ({
            name: s.label,
            type: 'line',
            showSymbol: false,
            stack: 'members',
            areaStyle: { opacity: 0.25 },
            data: s.sizes.map((v, i) => [sizes.ends[i], v]),
        }));
        chart('chart-sizes').setOption({
            animation: false,
            tooltip: { trigger: 'axis' },
            legend: { type: 'scroll', bottom: 0 },
            grid: { left: 50, right: 20, top: 10, bottom: 50 },
            xAxis: { type: 'time' },
            yAxis: { type: 'value', name: 'members' },
            series,
        }, true);
        done('chart-sizes', series.reduce((n, s) => n + s.data.length, 0));
    } catch (e) {
        failed('chart-sizes', e);
    }
}

let trailSpan = null;

async function loadFlows() {
    try {
        const choice = document.getElementById('flow-window').value;
        document.getElementById('flow-custom').hidden = choice !== 'custom';
        let path = '/v1/dashboard/flows';
        if (choice === 'custom') {
            // A window of one's own, in UTC as the API takes it; it starts as the whole trail.
            const from = document.getElementById('flow-from');
            const to = document.getElementById('flow-to');
            if (!from.value && trailSpan && trailSpan.from) {
                from.value = new Date(trailSpan.from).toISOString().slice(0, 19);
                to.value = new Date(trailSpan.to).toISOString().slice(0, 19);
            }
            if (from.value && to.value) {
                path += '?from=' + encodeURIComponent(new Date(from.value + 'Z').toISOString())
                    + '&to=' + encodeURIComponent(new Date(to.value + 'Z').toISOString());
            }
        } else if (choice !== 'all' && trailSpan && trailSpan.from) {
            const from = Date.parse(trailSpan.from);
            const to = Date.parse(trailSpan.to);
            const start = new Date(to - (to - from) * Number(choice));
            path += '?from=' + encodeURIComponent(start.toISOString()) + '&to=' + encodeURIComponent(trailSpan.to);
        }
        const flows = await getJson(path);
        if (!trailSpan) {
            trailSpan = { from: flows.from, to: flows.to };
        }
        // A Sankey must not have cycles: the left column is where shoppers came from, the right where they went.
        const nodes = new Map();
        const links = flows.flows.map(f => {
            const source = labelOf(f.fromSegment) + ' ▸';
            const target = '▸ ' + labelOf(f.toSegment);
            nodes.set(source, { name: source });
            nodes.set(target, { name: target });
            return { source, target, value: f.shoppers };
        });
        chart('chart-flows').setOption({
            animation: false,
            tooltip: { trigger: 'item' },
            series: [{
                type: 'sankey',
                left: 10, right: 140, top: 10, bottom: 10,
                emphasis: { focus: 'adjacency' },
                data: Array.from(nodes.values()),
                links,
                label: { fontSize: 11 },
                lineStyle: { color: 'gradient', opacity: 0.4 },
            }],
        }, true);
        done('chart-flows', links.length);
    } catch (e) {
        failed('chart-flows', e);
    }
}

async function loadLineage() {
    try {
        const lineage = await getJson('/v1/dashboard/lineage');
        const kinds = Array.from(new Set(lineage.events.map(e => e.kind)));
        const segments = Array.from(new Set(lineage.events.map(e => e.segmentId))).sort((a, b) => a - b);
        const symbols = { created: 'circle', born: 'circle', survived: 'emptyCircle', split: 'triangle',
            merged: 'diamond', died: 'rect', retired: 'rect', seeded: 'pin' };
        const series = kinds.map(kind => ({
            name: kind,
            type: 'scatter',
            symbol: symbols[kind] || 'pin',
            symbolSize: 11,
            // Along the model versions: a refit is one version, however fast a replay made them.
            data: lineage.events.filter(e => e.kind === kind).map(e => [e.modelVersion, String(e.segmentId),
                e.other, e.weight, e.at]),
        }));
        chart('chart-lineage').setOption({
            animation: false,
            tooltip: {
                formatter: p => escapeHtml(p.seriesName) + ' · ' + escapeHtml(labelOf(p.data[1])) + '<br>'
                    + 'model v' + p.data[0] + ', ' + new Date(p.data[4]).toLocaleString()
                    + (p.data[2] != null ? '<br>with segment ' + p.data[2] : '')
                    + (p.data[3] != null ? '<br>weight ' + fmt(p.data[3], 1) : ''),
            },
            legend: { bottom: 0 },
            grid: { left: 60, right: 20, top: 10, bottom: 50 },
            xAxis: { type: 'value', name: 'model version', nameLocation: 'middle', nameGap: 25, minInterval: 1,
                scale: true },
            yAxis: { type: 'category', data: segments.map(String), name: 'segment' },
            series,
        }, true);
        done('chart-lineage', lineage.events.length);
    } catch (e) {
        failed('chart-lineage', e);
    }
}

async function loadCtr() {
    try {
        const stats = await getJson('/v1/recommendations/stats');
        const rows = stats.rows.filter(r => r.impressions > 0);
        const segments = Array.from(new Set(rows.map(r => r.segmentId == null ? 'none' : String(r.segmentId))));
        const strategies = Array.from(new Set(rows.map(r => r.strategy)));
        const series = [];
        for (const strategy of strategies) {
            for (const [measure, field] of [['CTR', 'ctr'], ['conversion', 'conversionRate']]) {
                series.push({
                    name: strategy + ' ' + measure,
                    type: 'bar',
                    data: segments.map(s => {
                        const r = rows.find(x => x.strategy === strategy
                            && (x.segmentId == null ? 'none' : String(x.segmentId)) === s);
                        return r ? r[field] : null;
                    }),
                });
            }
        }
        chart('chart-ctr').setOption({
            animation: false,
            tooltip: { trigger: 'axis', valueFormatter: v => v == null ? '–' : (100 * v).toFixed(1) + '%' },
            legend: { type: 'scroll', bottom: 0 },
            grid: { left: 50, right: 20, top: 10, bottom: 60 },
            xAxis: { type: 'category', data: segments.map(s => s === 'none' ? 'no segment' : labelOf(s)),
                axisLabel: { interval: 0, rotate: 20, fontSize: 10 } },
            yAxis: { type: 'value', axisLabel: { formatter: v => (100 * v).toFixed(0) + '%' } },
            series,
        }, true);
        done('chart-ctr', rows.length);
    } catch (e) {
        failed('chart-ctr', e);
    }
}

// ---- the live feed: Server-Sent Events read through fetch, so the API key travels as a header

async function follow() {
    const feed = document.getElementById('feed');
    try {
        const response = await fetch('/v1/segment-changes', { headers: Object.assign({ Accept: 'text/event-stream' },
            headers()) });
        if (!response.ok) {
            throw new HttpError(response.status, 'live moves: ' + response.status);
        }
        feed.dataset.state = 'connected';
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
            const { value, done: finished } = await reader.read();
            if (finished) {
                break;
            }
            buffer += decoder.decode(value, { stream: true });
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
                const block = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trim()).join('');
                if (data) {
                    show(JSON.parse(data));
                }
            }
        }
        feed.dataset.state = 'closed';
    } catch (e) {
        feed.dataset.state = 'error';
        if (!(e instanceof HttpError && e.status < 500)) {
            console.warn('live moves: ' + e.message);
        }
    }
    setTimeout(follow, 5000);
}

function show(change) {
    const feed = document.getElementById('feed');
    const li = document.createElement('li');
    const arrow = change.kind === 'ENTERED' ? '→' : '←';
    li.innerHTML = '<span class="muted">' + new Date(change.at).toLocaleString() + '</span> '
        + '<a href="#" data-user="' + escapeHtml(change.userId) + '">' + escapeHtml(change.userId) + '</a> '
        + arrow + ' ' + escapeHtml(labelOf(change.segmentId)) + ' <span class="pill">' + escapeHtml(change.reason)
        + '</span>';
    li.querySelector('a').addEventListener('click', ev => {
        ev.preventDefault();
        document.getElementById('shopper').value = change.userId;
        lookup(change.userId);
    });
    feed.insertBefore(li, feed.firstChild);
    while (feed.children.length > 200) {
        feed.removeChild(feed.lastChild);
    }
    feed.dataset.points = String(feed.children.length);
}

// ---- the shopper lookup

async function lookup(userId) {
    const explanation = document.getElementById('explanation');
    const recs = document.getElementById('recommendations');
    explanation.dataset.state = 'loading';
    recs.dataset.state = 'loading';
    const id = encodeURIComponent(userId);
    const [e, h, r] = await Promise.allSettled([getJson('/v1/users/' + id + '/explanation'),
        getJson('/v1/users/' + id + '/history?size=100'), getJson('/v1/users/' + id + '/recommendations')]);
    if (e.status === 'fulfilled') {
        renderExplanation(e.value);
        explanation.dataset.state = 'ready';
    } else {
        explanation.innerHTML = '<p class="error">' + escapeHtml(e.reason.message) + '</p>';
        explanation.dataset.state = e.reason.status === 404 ? 'unknown' : 'error';
    }
    if (h.status === 'fulfilled') {
        renderHistory(h.value);
    } else {
        failed('chart-history', h.reason);
    }
    if (r.status === 'fulfilled') {
        renderRecommendations(r.value);
        recs.dataset.state = r.value.items.length > 0 ? 'ready' : 'empty';
    } else {
        recs.innerHTML = '<p class="error">' + escapeHtml(r.reason.message) + '</p>';
        recs.dataset.state = 'error';
    }
}

function renderExplanation(x) {
    const el = document.getElementById('explanation');
    let html = '<h3>' + escapeHtml(x.segment.label) + '</h3>'
        + '<p>similarity <b>' + fmt(x.segment.similarity) + '</b>'
        + (x.runnerUp ? ', runner-up ' + escapeHtml(x.runnerUp.label) + ' ' + fmt(x.runnerUp.similarity)
            + ', margin <b>' + fmt(x.margin) + '</b>' : '') + '</p>';
    if (x.topItems.length > 0) {
        html += '<table class="pulls"><thead><tr><th>pulls toward it</th><th>weight</th><th>similarity</th>'
            + '<th>share</th></tr></thead><tbody>';
        for (const p of x.topItems) {
            html += '<tr><td>' + escapeHtml(p.text || p.itemId) + '</td><td>' + fmt(p.weight, 2) + '</td><td>'
                + fmt(p.similarity) + '</td><td>' + Math.round(100 * p.share) + '%</td></tr>';
        }
        html += '</tbody></table>';
    }
    if (x.lastMove) {
        const m = x.lastMove;
        html += '<p class="move">last move ' + (m.fromSegment != null ? 'from ' + escapeHtml(labelOf(m.fromSegment))
            + ' ' : '') + 'to <b>' + escapeHtml(labelOf(m.toSegment)) + '</b> on ' + new Date(m.at).toLocaleString()
            + ': <span class="pill">' + escapeHtml(m.cause) + '</span> (' + escapeHtml(m.reason) + ', model v'
            + m.modelVersion + ')</p>';
        if (m.events.length > 0) {
            html += '<ul class="events">' + m.events.map(ev => '<li>' + escapeHtml(ev.type) + ' '
                + escapeHtml(ev.text || ev.itemId) + ' <span class="muted">' + new Date(ev.at).toLocaleString()
                + '</span></li>').join('') + '</ul>';
        }
    }
    el.innerHTML = html;
}

function renderHistory(page) {
    const changes = page.changes.slice().reverse();
    const ids = Array.from(new Set(changes.map(c => c.toSegment))).sort((a, b) => a - b);
    chart('chart-history').setOption({
        animation: false,
        tooltip: { trigger: 'item', formatter: p => escapeHtml(labelOf(p.data[1])) + '<br>' + p.data[2] + '<br>'
            + new Date(p.data[0]).toLocaleString() },
        grid: { left: 60, right: 20, top: 10, bottom: 30 },
        xAxis: { type: 'time' },
        yAxis: { type: 'category', data: ids.map(String), name: 'segment' },
        series: [{ type: 'line', step: 'end', symbolSize: 8,
            data: changes.map(c => [c.changedAt, String(c.toSegment), c.reason]) }],
    }, true);
    done('chart-history', changes.length);
}

function renderRecommendations(list) {
    const el = document.getElementById('recommendations');
    el.innerHTML = '<h3>Recommended (' + escapeHtml(list.strategy) + ')</h3><ol>' + list.items.map(i => '<li><b>'
        + escapeHtml(i.text || i.itemId) + '</b><br><span class="muted">' + escapeHtml(i.reason) + '</span></li>')
        .join('') + '</ol>';
}

// ---- wiring

async function loadAll() {
    status('');
    await loadSegments();
    await Promise.all([loadMap(), loadSizes(), loadFlows(), loadLineage(), loadCtr()]);
}

document.getElementById('key-form').addEventListener('submit', ev => {
    ev.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, document.getElementById('api-key').value);
    document.getElementById('key-form').hidden = true;
    loadAll();
});
document.getElementById('lookup-form').addEventListener('submit', ev => {
    ev.preventDefault();
    lookup(document.getElementById('shopper').value.trim());
});
document.getElementById('flow-window').addEventListener('change', loadFlows);
document.getElementById('flow-from').addEventListener('change', loadFlows);
document.getElementById('flow-to').addEventListener('change', loadFlows);

loadAll().then(() => {
    follow();
    const user = new URLSearchParams(location.search).get('user');
    if (user) {
        document.getElementById('shopper').value = user;
        lookup(user);
    }
});
setInterval(() => { if (!document.hidden) { loadAll(); } }, 30000);
