package io.shoal.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The audit database (PostgreSQL): its connection is Quarkus's {@code quarkus.datasource.*}. */
@ConfigMapping(prefix = "shoal.database")
public interface DatabaseConfig {

    /**
     * Create the database named in {@code quarkus.datasource.jdbc.url} at start when the server does not have it
     * (connecting to the server's {@code postgres} database with the same credentials). On in the dev profile, so
     * that {@code ./mvnw quarkus:dev} works on a fresh machine; off elsewhere (a deployment's database is
     * provisioned, and its user usually may not create databases).
     */
    @WithDefault("false")
    boolean createIfMissing();
}
