package io.shoal.audit;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One row of {@code segment_lifecycle}: a segment created, retired or split. */
@Entity
@Table(name = "segment_lifecycle")
public class SegmentLifecycleEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "segment_id", nullable = false)
    public Long segmentId;

    /** {@code created | retired | split}. */
    @Column(nullable = false, length = 16)
    public String kind;

    @Column(name = "other_segment_id")
    public Long otherSegmentId;

    public Double weight;

    @Column(name = "model_version", nullable = false)
    public Long modelVersion;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;
}
