package io.shoal.audit;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** One row of {@code segment_history}: a user's move from one segment to another (or first assignment). */
@Entity
@Table(name = "segment_history")
public class SegmentChangeEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "segment_history_seq")
    @SequenceGenerator(name = "segment_history_seq", sequenceName = "segment_history_id_seq", allocationSize = 50)
    public Long id;

    @Column(name = "user_id", nullable = false, length = 128)
    public String userId;

    /** Null on first assignment. */
    @Column(name = "from_segment")
    public Long fromSegment;

    @Column(name = "to_segment", nullable = false)
    public Long toSegment;

    /** Event time of the event that caused the change. */
    @Column(name = "changed_at", nullable = false)
    public Instant changedAt;

    @Column(name = "model_version", nullable = false)
    public Long modelVersion;

    /** Cosine distance to the new segment's centroid. */
    public Double distance;

    /** Similarity margin of the new segment over the runner-up. */
    public Double margin;

    /** {@code assigned | moved | segment_retired}. */
    @Column(nullable = false, length = 32)
    public String reason;

    /** The order Redis applied the change in (its outbox entry's position); null for rows from before V4. */
    @Column(name = "applied_order")
    public Long appliedOrder;

    @Column(name = "recorded_at", insertable = false, updatable = false)
    public Instant recordedAt;
}
