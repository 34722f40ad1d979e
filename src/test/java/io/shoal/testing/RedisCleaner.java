package io.shoal.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** Deletes every key under a prefix (SCAN + UNLINK), for test clean-up after the application has stopped. */
public final class RedisCleaner {

    private RedisCleaner() {
    }

    public static void deleteByPrefix(String redisUrl, String prefix) {
        Vertx vertx = Vertx.vertx();
        try {
            Redis redis = Redis.createClient(vertx, redisUrl);
            String cursor = "0";
            do {
                Response page = await(redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH")
                        .arg(prefix + "*").arg("COUNT").arg(1000)));
                cursor = page.get(0).toString();
                List<String> keys = new ArrayList<>();
                page.get(1).forEach(k -> keys.add(k.toString()));
                if (!keys.isEmpty()) {
                    Request unlink = Request.cmd(Command.UNLINK);
                    keys.forEach(unlink::arg);
                    await(redis.send(unlink));
                }
            } while (!"0".equals(cursor));
            redis.close();
        } finally {
            vertx.close();
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Redis clean-up failed", e);
        }
    }
}
