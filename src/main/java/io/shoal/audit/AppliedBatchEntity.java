package io.shoal.audit;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Marks a batch whose audit rows are written, so a retried batch writes nothing twice. */
@Entity
@Table(name = "applied_batch")
public class AppliedBatchEntity {

    @Id
    @Column(name = "batch_id", length = 64)
    public String batchId;

    @Column(name = "applied_at", nullable = false)
    public Instant appliedAt;
}
