package io.shoal.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import org.eclipse.microprofile.config.ConfigProvider;

/** Requests to the management interface of the service under test (health, metrics, OpenAPI: its own port). */
public final class Management {

    private Management() {
    }

    /** The management port of a {@code @QuarkusTest} ({@code quarkus.management.test-port}, 9001 by default). */
    public static int port() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
    }

    public static RequestSpecification given() {
        return RestAssured.given().port(port());
    }
}
