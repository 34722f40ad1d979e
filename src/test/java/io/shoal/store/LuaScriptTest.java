package io.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoal.testing.ShoalTestResources;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;

/**
 * Scripts run by digest on the real Redis: the digest computed in Java is the one Redis gives the source, a script
 * Redis has never seen runs anyway (NOSCRIPT, then EVAL with the source) and is cached by that call, and keys and
 * arguments arrive in order either way.
 */
@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class LuaScriptTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ReactiveRedisDataSource reactive;

    private final String key = "luascripttest-" + UUID.randomUUID();

    @AfterEach
    void clean() {
        send(Request.cmd(Command.DEL).arg(key));
    }

    private Redis redis() {
        return reactive.getRedis();
    }

    private Response send(Request r) {
        return redis().send(r).await().atMost(WAIT);
    }

    /** A script no Redis has seen: a fresh comment makes its digest new. */
    private static LuaScript fresh() {
        return new LuaScript("-- " + UUID.randomUUID() + "\n"
                + "redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2]) return redis.call('GET', KEYS[1])");
    }

    private boolean cached(LuaScript script) {
        return send(Request.cmd(Command.SCRIPT).arg("EXISTS").arg(script.sha())).get(0).toInteger() == 1;
    }

    @Test
    void theDigestIsTheOneRedisGivesTheSource() {
        LuaScript script = fresh();
        String loaded = send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source())).toString();
        assertThat(script.sha()).isEqualTo(loaded).hasSize(40);
        // The shipped scripts too (UTF-8 comments included).
        LuaScript shipped = LuaScript.of("stored_user.lua", "apply_recommendation.lua");
        assertThat(send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(RedisScripts.load("stored_user.lua",
                "apply_recommendation.lua"))).toString()).isEqualTo(shipped.sha());
    }

    @Test
    void aScriptRedisDoesNotKnowRunsWithItsSourceOnceAndIsThenKnown() {
        LuaScript script = fresh();
        assertThat(cached(script)).isFalse();
        Response first = script.run(redis(), 1, r -> r.arg(key).arg("a").arg("b")).await().atMost(WAIT);
        assertThat(first.toString()).isEqualTo("a:b");
        assertThat(cached(script)).as("cached by the EVAL fallback").isTrue();
        Response second = script.run(redis(), 1, r -> r.arg(key).arg("c").arg("d")).await().atMost(WAIT);
        assertThat(second.toString()).isEqualTo("c:d");
        assertThat(send(Request.cmd(Command.GET).arg(key)).toString()).isEqualTo("c:d");
    }
}
