package io.shoal.audit;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A snapshot of the segment model in {@code model_version}. */
@Entity
@Table(name = "model_version")
public class ModelVersionEntity {

    @Id
    public Long version;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** {@code kmeans | gmm}. */
    @Column(nullable = false, length = 16)
    public String algorithm;

    /** The parameters the model was built with, as JSON. */
    @Column(nullable = false, columnDefinition = "text")
    public String params;

    /** Centroids, weights and segment ids in the store's binary format. */
    @Column(nullable = false)
    public byte[] centroids;
}
