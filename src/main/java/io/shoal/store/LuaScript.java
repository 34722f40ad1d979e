package io.shoal.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}): a call sends the 40-character digest, not the source. Sent with
 * {@code EVAL}, the source (up to 11 KB here, comments included) crosses the socket on every call and Redis reads and
 * hashes it each time (measured with redis-benchmark on Redis 7.0: 8.8 µs of Redis CPU per call for a 2.8 KB source,
 * 18.4 µs for 11 KB, 7.1 µs by digest). When Redis does not know the script (the first call after a restart,
 * {@code SCRIPT FLUSH} or a failover: {@code NOSCRIPT}), the same call is sent once more with {@code EVAL} and the
 * source, which also caches it. The digest is computed here, as Redis computes it, so no {@code SCRIPT LOAD} round
 * trip is needed.
 */
final class LuaScript {

    private final String source;
    private final String sha;

    LuaScript(String source) {
        this.source = source;
        this.sha = sha1Hex(source);
    }

    /** {@code redis/<name>} (see {@link RedisScripts#load(String)}). */
    static LuaScript of(String name) {
        return new LuaScript(RedisScripts.load(name));
    }

    /** {@code redis/<prelude>} then {@code redis/<name>} (see {@link RedisScripts#load(String, String)}). */
    static LuaScript of(String prelude, String name) {
        return new LuaScript(RedisScripts.load(prelude, name));
    }

    String source() {
        return source;
    }

    /** The digest Redis knows the script by (lower-case hex SHA-1 of the source). */
    String sha() {
        return sha;
    }

    /**
     * Runs the script.
     *
     * @param keys how many of the arguments {@code fill} adds are keys (they come first)
     * @param fill adds the keys, then the other arguments; called again for the {@code EVAL} retry
     */
    Uni<Response> run(Redis redis, int keys, Consumer<Request> fill) {
        return redis.send(request(Command.EVALSHA, sha, keys, fill))
                .onFailure(LuaScript::unknownScript)
                .recoverWithUni(f -> redis.send(request(Command.EVAL, source, keys, fill)));
    }

    private static Request request(Command command, String script, int keys, Consumer<Request> fill) {
        Request r = Request.cmd(command).arg(script).arg(keys);
        fill.accept(r);
        return r;
    }

    static boolean unknownScript(Throwable f) {
        return f.getMessage() != null && f.getMessage().startsWith("NOSCRIPT");
    }

    static String sha1Hex(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java runtime", e);
        }
    }
}
