package io.shoal.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the Lua scripts under {@code src/main/resources/redis/}; each documents its own rule. */
final class RedisScripts {

    private RedisScripts() {
    }

    /** The sources of {@code redis/<name>}s joined in order: a prelude (shared Lua functions), then the script. */
    static String load(String prelude, String name) {
        return load(prelude) + "\n" + load(name);
    }

    /** The source of {@code redis/<name>} from the classpath; fails loudly when the build left it out. */
    static String load(String name) {
        try (InputStream in = RedisScripts.class.getClassLoader().getResourceAsStream("redis/" + name)) {
            if (in == null) {
                throw new IllegalStateException("Redis script redis/" + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Redis script redis/" + name, e);
        }
    }
}
