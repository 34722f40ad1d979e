package io.shoal.segmenting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.shoal.audit.AuditRows;
import io.shoal.audit.SegmentMove;
import io.shoal.config.SegmentationConfig;
import io.shoal.event.SegmentChangeEvent;
import io.shoal.segmentation.SegmentBatchPlanner.Plan;
import io.shoal.segmentation.SegmentBatchPlanner.UserOutcome;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;
import io.shoal.segmentation.SegmentModel;
import io.shoal.segmentation.SegmentRefit;
import io.shoal.segmentation.SegmentationEngine;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.shoal.store.StoredUserCodec;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * After a model swap, re-decides every shopper against the new model, not only the sampled ones: a resumable
 * background sweep over all user states (Redis SCAN in chunks, at most {@code refit.sweep-rate} shoppers per second),
 * each decision by {@link SegmentationEngine#sweep} (the nearest segment), each move audited with the swap's cause
 * ({@code refit}, {@code rescue}, {@code seeded}) so a reader tells model changes from behaviour changes.
 *
 * <h2>Resumable, exactly once</h2>
 * The sweep's state (generation, cause, SCAN cursor, shoppers done) is a Redis hash, saved after each chunk. A
 * chunk's states are written in one script, each only if still the one decided on (a batch planned on the new model
 * may have written it meanwhile), and the audit rows of exactly the states written go to the audit outbox in the
 * same script; then the cursor. A crash between the two redoes the chunk after a restart: decisions already written
 * are no longer "the state decided on", so they are skipped and audited nothing twice. One process sweeps at a time,
 * under a lease that a crashed process's successor takes over when it expires. A newer swap supersedes a running sweep.
 */
@ApplicationScoped
public class SegmentSweeper {

    private static final long LEASE_MILLIS = 30_000;

    private final SegmentStore store;
    private final SegmentWriter writer;
    private final SegmentationConfig config;
    private final SegmentationEngine engine;
    private final String owner = UUID.randomUUID().toString();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean again = new AtomicBoolean();
    private final Counter swept;
    /** Shoppers the running sweep has scanned (-1: it finished), and the profiled shoppers when last looked. */
    private final AtomicLong sweptSoFar = new AtomicLong(-1);
    private final AtomicLong shoppers = new AtomicLong();
    private final Counter sweptMoves;

    public SegmentSweeper(SegmentStore store, SegmentWriter writer,
            SegmentationEngine engine, SegmentationConfig config, MeterRegistry registry) {
        this.store = store;
        this.writer = writer;
        this.config = config;
        this.engine = engine;
        this.swept = Counter.builder("shoal.segmentation.sweep.users")
                .description("Shoppers re-decided by sweeps after model swaps").register(registry);
        this.sweptMoves = Counter.builder("shoal.segmentation.sweep.moves")
                .description("Shoppers moved by sweeps after model swaps").register(registry);
        Gauge.builder("shoal.segmentation.sweep.running", running, r -> r.get() ? 1 : 0)
                .description("1 while this process sweeps").register(registry);
        Gauge.builder("shoal.segmentation.sweep.progress", this, SegmentSweeper::progress).baseUnit("ratio")
                .description("Share of the profiled shoppers the current (or last) sweep of this process has "
                        + "re-decided; 1 when it is done or none ran")
                .register(registry);
    }

    /** See {@code shoal.segmentation.sweep.progress}. */
    double progress() {
        long done = sweptSoFar.get();
        long total = shoppers.get();
        return done < 0 || total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
    }

    /** Whether no sweep runs or waits to run in this process. */
    public boolean idle() {
        return !running.get() && pending.get() == 0 && !again.get();
    }

    /** Starts the sweep of a swapped-in generation (superseding any older one) and runs it in the background. */
    public void start(long generation, SegmentRefit.Cause cause) {
        pending.incrementAndGet();
        Map<String, String> state = Map.of("gen", Long.toString(generation), "cause", cause.name(), "cursor", "0",
                "done", "0", "finished", "0");
        store.saveSweepState(state).subscribe().with(v -> {
            // Start (or flag) the run before the pending count drops, so idle() is never true in between.
            resumeIfUnfinished();
            pending.decrementAndGet();
        }, f -> {
            pending.decrementAndGet();
            Log.warnf("Could not start the sweep of generation %d: %s", generation, f.toString());
        });
    }

    /** Runs the stored sweep to its end if it is unfinished and no other process holds it. */
    public void resumeIfUnfinished() {
        if (!running.compareAndSet(false, true)) {
            // A sweep runs: it looks again before it ends (a newer swap may have restarted the state).
            again.set(true);
            return;
        }
        runUntilQuiet().eventually(() -> {
            running.set(false);
            // A start that came after the last look but before running dropped: look once more.
            if (again.get()) {
                resumeIfUnfinished();
            }
        }).subscribe().with(v -> {
        }, f -> Log.warnf("Sweep failed (it resumes later): %s", f.toString()));
    }

    /**
     * Runs the sweep again while swaps keep asking for it. An iterative repeat, not a recursive chain: a long run of
     * swaps would otherwise nest one subscriber per round and overflow the stack when the last one completes.
     */
    private Uni<Void> runUntilQuiet() {
        return Multi.createBy().repeating().uni(() -> run(Integer.MAX_VALUE).map(ignored -> again.getAndSet(false)))
                .until(lookAgain -> !lookAgain).collect().last().replaceWithVoid();
    }

    /**
     * Runs at most {@code maxChunks} chunks of the stored sweep under the lease (tests stop a sweep midway this way,
     * as a crash would).
     *
     * @return whether the sweep is finished
     */
    Uni<Boolean> run(int maxChunks) {
        return store.tryLock("sweep", owner, LEASE_MILLIS).chain(locked -> {
            if (!locked) {
                return Uni.createFrom().item(false);
            }
            return chunks(maxChunks).eventually(() -> store.unlock("sweep", owner));
        });
    }

    /** What one round of {@link #chunks} found: whether the sweep is done, and whether to go on. */
    private record Round(boolean finished, boolean goOn) {
    }

    /**
     * Runs chunks until the sweep is finished, {@code maxChunks} ran or the lease is lost. Iterative (one repeat per
     * chunk, never a nested chain): a sweep of many chunks must not grow the stack.
     *
     * @return whether the sweep is finished
     */
    private Uni<Boolean> chunks(int maxChunks) {
        AtomicLong left = new AtomicLong(maxChunks);
        return Multi.createBy().repeating().uni(() -> round(left)).until(r -> !r.goOn()).collect().last()
                .map(last -> last != null && last.finished())
                // The round that stops the repeat is not emitted: look at the stored state for the answer.
                .chain(finished -> finished ? Uni.createFrom().item(true) : store.sweepState()
                        .map(state -> state.isEmpty() || "1".equals(state.get("finished"))));
    }

    private Uni<Round> round(AtomicLong left) {
        return store.sweepState().chain(state -> {
            if (state.isEmpty() || "1".equals(state.get("finished"))) {
                return Uni.createFrom().item(new Round(true, false));
            }
            if (left.getAndDecrement() <= 0) {
                return Uni.createFrom().item(new Round(false, false));
            }
            long started = System.nanoTime();
            return chunk(state).chain(finished -> {
                if (finished) {
                    return Uni.createFrom().item(new Round(true, false));
                }
                long minNanos = (long) (1e9 * config.refit().sweepChunk() / Math.max(1, config.refit().sweepRate()));
                long wait = minNanos - (System.nanoTime() - started);
                Uni<Void> pause = wait > 1_000_000 ? Uni.createFrom().voidItem().onItem().delayIt()
                        .by(Duration.ofNanos(wait)) : Uni.createFrom().voidItem();
                return pause.chain(() -> store.renewLock("sweep", owner, LEASE_MILLIS))
                        .map(held -> new Round(false, held));
            });
        });
    }

    /** One chunk: SCAN, decide, audit, write, save the cursor. @return whether the sweep is finished */
    private Uni<Boolean> chunk(Map<String, String> state) {
        long generation = Long.parseLong(state.get("gen"));
        SegmentRefit.Cause cause = SegmentRefit.Cause.valueOf(state.get("cause"));
        String cursor = state.get("cursor");
        long done = Long.parseLong(state.getOrDefault("done", "0"));
        return store.model().chain(model -> {
            if (model == null || model.generation() != generation) {
                // Superseded by a newer swap (whose start runs its own sweep) or the model is gone: this one ends.
                Map<String, String> ended = new HashMap<>(state);
                ended.put("finished", "1");
                return saveIfCurrent(generation, ended).replaceWith(true);
            }
            return store.scanUsers(cursor, config.refit().sweepChunk()).chain(page -> store.rawUsers(page.userIds())
                    .chain(raw -> decide(model, cause, cursor, page.userIds(), raw))
                    .chain(store::profiled)
                    .chain(profiled -> {
                        Map<String, String> next = new HashMap<>(state);
                        next.put("cursor", page.cursor());
                        next.put("done", Long.toString(done + page.userIds().size()));
                        boolean finished = "0".equals(page.cursor());
                        sweptSoFar.set(finished ? -1 : done + page.userIds().size());
                        shoppers.set(profiled);
                        next.put("finished", finished ? "1" : "0");
                        return saveIfCurrent(generation, next).replaceWith(finished);
                    }));
        });
    }

    /** Saves the progress unless a newer swap restarted the sweep meanwhile. */
    private Uni<Void> saveIfCurrent(long generation, Map<String, String> next) {
        return store.sweepState().chain(now -> Long.toString(generation).equals(now.get("gen"))
                && "0".equals(now.get("finished")) ? store.saveSweepState(next) : Uni.createFrom().voidItem());
    }

    private Uni<Void> decide(SegmentModel model, SegmentRefit.Cause cause, String cursor, List<String> ids,
            List<byte[]> raw) {
        Map<String, UserState> states = new HashMap<>();
        Map<String, StoredUser> before = new HashMap<>();
        Map<String, byte[]> bytes = new HashMap<>();
        List<String> decidable = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (raw.get(i) == null) {
                continue;
            }
            StoredUser u = StoredUserCodec.read(raw.get(i));
            if (u.profile() == null) {
                continue;
            }
            states.put(ids.get(i), new UserState(u.profile(), u.segmentId(), u.sinceMillis()));
            before.put(ids.get(i), u);
            bytes.put(ids.get(i), raw.get(i));
            decidable.add(ids.get(i));
        }
        swept.increment(decidable.size());
        if (decidable.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Plan plan = engine.sweep(model, states, decidable);
        List<SegmentMove> moves = new ArrayList<>();
        List<SegmentChangeEvent> events = new ArrayList<>();
        List<SegmentStore.SweepWrite> writes = new ArrayList<>();
        for (UserOutcome o : plan.outcomes()) {
            if (!o.segmentChanged()) {
                continue;
            }
            int had = moves.size();
            writer.collectChange(o, model, cause.reason(), moves, events, new HashMap<>());
            writes.add(new SegmentStore.SweepWrite(o.userId(), bytes.get(o.userId()),
                    writer.record(o, model, before.get(o.userId())), o.fromSegment(), o.segmentId(),
                    moves.size() > had ? AuditRows.row(moves.get(had)) : null));
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String chunkId = "sweep-" + model.generation() + "-" + cursor;
        return store.writeSweep(model.generation(), chunkId, writes)
                .invoke(written -> {
                    if (written >= 0) {
                        sweptMoves.increment(written);
                        writer.published(0, events);
                    }
                }).replaceWithVoid();
    }
}
