// The open loop of the load scripts: request i is due at start + i / rate and is sent when due, whatever the
// answers, so a slow answer cannot hide the queueing it causes; latency is measured from the due time.
// send(i, due) is called once per request; it calls the returned finish(latencyMs) once its answer (or error) is in,
// and after the last one report(quantile, elapsedSeconds) runs. Plain Node 20, no packages.
export function openLoop(rate, total, send, report) {
    const latencies = [];
    const start = performance.now();
    let done = 0;
    const finish = due => {
        latencies.push(performance.now() - due);
        if (++done < total) return;
        latencies.sort((a, b) => a - b);
        const q = p => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2);
        report(q, (performance.now() - start) / 1000);
    };
    let next = 0;
    const timer = setInterval(() => {
        const due = Math.floor(((performance.now() - start) * rate) / 1000);
        while (next < total && next <= due) {
            const i = next++;
            send(i, start + (i * 1000) / rate, finish);
        }
        if (next >= total) clearInterval(timer);
    }, 1);
}
