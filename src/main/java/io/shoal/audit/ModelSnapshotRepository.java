package io.shoal.audit;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/** Snapshots of the segment model in {@code model_version}. */
@ApplicationScoped
public class ModelSnapshotRepository {

    private final Mutiny.SessionFactory sessions;
    private final SafeContext context;

    public ModelSnapshotRepository(Mutiny.SessionFactory sessions, SafeContext context) {
        this.sessions = sessions;
        this.context = context;
    }

    /** Saves a snapshot; a version already saved is left as it is. */
    public Uni<Void> save(ModelVersionEntity snapshot) {
        return context.run(() -> sessions.withTransaction((session, tx) -> session
                .find(ModelVersionEntity.class, snapshot.version)
                .chain(existing -> existing != null ? Uni.createFrom().voidItem() : session.persist(snapshot))));
    }

    /** The newest snapshot, or null. */
    public Uni<ModelVersionEntity> latest() {
        return context.run(() -> sessions.withSession(session -> session
                .createQuery("from ModelVersionEntity order by version desc", ModelVersionEntity.class)
                .setMaxResults(1)
                .getResultList()
                .map(l -> l.isEmpty() ? null : l.get(0))));
    }
}
