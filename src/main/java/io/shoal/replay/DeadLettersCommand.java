package io.shoal.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code ./shoal dead-letters list | replay}: the dead-letter table of a running service, through its REST API
 * ({@code /v1/dead-letters}). Exit codes: 0 done, 64 usage, 69 service unreachable or refusing.
 */
public final class DeadLettersCommand {

    static final String USAGE = """
            usage: ./shoal dead-letters list [--all] [--limit N] [--url URL]
                   ./shoal dead-letters replay [--id ID]... [--url URL]
              list     dead letters, oldest first (open ones; --all includes replayed)
              replay   hand dead letters back to ingestion (the given ids, or every open one)
              --url    the service (default http://127.0.0.1:8080)""";

    private DeadLettersCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).build()));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, HttpClient client) {
        if (args.length == 0 || !(args[0].equals("list") || args[0].equals("replay"))) {
            err.println(USAGE);
            return 64;
        }
        String url = "http://127.0.0.1:8080";
        boolean all = false;
        int limit = 100;
        List<Long> ids = new ArrayList<>();
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--url" -> url = args[++i];
                    case "--all" -> all = true;
                    case "--limit" -> limit = Integer.parseInt(args[++i]);
                    case "--id" -> ids.add(Long.parseLong(args[++i]));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            err.println("dead-letters: " + e.getMessage() + "\n" + USAGE);
            return 64;
        }
        ObjectMapper json = new ObjectMapper();
        try {
            HttpResponse<String> r;
            if (args[0].equals("list")) {
                r = client.send(ApiKey.authorize(HttpRequest.newBuilder(
                        URI.create(url + "/v1/dead-letters?open=" + !all + "&limit=" + limit)))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
            } else {
                ObjectNode body = json.createObjectNode();
                if (!ids.isEmpty()) {
                    ids.forEach(body.putArray("ids")::add);
                }
                r = client.send(ApiKey.authorize(HttpRequest.newBuilder(URI.create(url + "/v1/dead-letters/replay")))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                err.println("dead-letters: " + ApiKey.hint(r.statusCode(), r.body()));
                return 77;
            }
            if (r.statusCode() != 200) {
                err.println("dead-letters: the service answered " + r.statusCode() + ": " + r.body());
                return 69;
            }
            JsonNode answer = json.readTree(r.body());
            if (args[0].equals("list")) {
                out.printf("%d open dead letters%n", answer.path("open").asLong());
                for (JsonNode d : answer.path("deadLetters")) {
                    out.printf("%6d  %s  user=%s event=%s attempts=%d%s%n        %s%n", d.path("id").asLong(),
                            d.path("failedAt").asText(), d.path("userId").asText(), d.path("eventId").asText(),
                            d.path("attempts").asInt(), d.path("replayedAt").isNull() ? ""
                                    : " replayed=" + d.path("replayedAt").asText(), d.path("error").asText());
                }
            } else {
                out.printf("replayed %d (accepted %d, duplicates %d, rejected %d)%n",
                        answer.path("replayedIds").size(), answer.path("replayed").asInt(),
                        answer.path("duplicates").asInt(), answer.path("rejected").size());
                for (JsonNode x : answer.path("rejected")) {
                    out.printf("  rejected: %s: %s%n", x.path("field").asText(), x.path("message").asText());
                }
            }
            return 0;
        } catch (IOException e) {
            err.println("dead-letters: cannot reach the service at " + url + ": " + e);
            return 69;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 69;
        }
    }
}
