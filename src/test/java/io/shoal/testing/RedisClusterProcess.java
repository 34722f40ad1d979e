package io.shoal.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Cluster of the test's own: three masters (and, if asked, replicas of each) started from the
 * {@code redis-server} binary on free ports, joined with {@code redis-cli --cluster create}, each in a temporary
 * directory that {@link #close} removes.
 */
public final class RedisClusterProcess implements AutoCloseable {

    public static final int MASTERS = 3;
    private static final Random RANDOM = new Random();

    private final Path dir;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private RedisClusterProcess(Path dir) {
        this.dir = dir;
    }

    public static RedisClusterProcess start() throws IOException, InterruptedException {
        return start(0);
    }

    /**
     * @param replicasPerMaster replicas of each master; with replicas a master that stops answering for 2 s (the
     *                          cluster-node-timeout) is failed over to its replica
     */
    public static RedisClusterProcess start(int replicasPerMaster) throws IOException, InterruptedException {
        RedisClusterProcess c = new RedisClusterProcess(Files.createTempDirectory("shoal-redis-cluster-"));
        try {
            c.launch(replicasPerMaster);
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void launch(int replicasPerMaster) throws IOException, InterruptedException {
        for (int i = 0; i < MASTERS * (1 + replicasPerMaster); i++) {
            int port = nodePort();
            Path node = Files.createDirectory(dir.resolve(Integer.toString(port)));
            processes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", node.resolve("nodes.conf").toString(),
                    "--cluster-node-timeout", "2000",
                    "--save", "", "--appendonly", "no", "--dir", node.toString(),
                    "--logfile", node.resolve("redis.log").toString())
                    .redirectErrorStream(true).redirectOutput(node.resolve("stdout.log").toFile()).start());
            ports.add(port);
        }
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            Process node = processes.get(i);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .failFast("redis-server on " + port + " exited; see " + dir, () -> !node.isAlive())
                    .until(() -> cli(port, "PING").contains("PONG"));
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports.forEach(p -> create.add("127.0.0.1:" + p));
        create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
        Process p = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(dir.resolve("create.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("redis-cli --cluster create failed; see " + dir.resolve("create.log"));
        }
        for (int port : ports) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cli(port, "CLUSTER", "INFO").contains("cluster_state:ok"));
        }
    }

    /**
     * A free port whose cluster-bus port (the port + 10,000, which Redis opens beside it) is free too; an ephemeral
     * port above 55,535 has no bus port at all.
     */
    private static int nodePort() throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            int port = 20_000 + RANDOM.nextInt(30_000);
            if (free(port) && free(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair (p, p + 10000) for a cluster node");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The URL of one master; the client learns the others from it. */
    public String url() {
        return "redis://127.0.0.1:" + ports.get(0);
    }

    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** Runs {@code redis-cli -p port args...} and returns its output. */
    public static String cli(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    /** The port of the master that holds {@code key}'s slot now (the others answer MOVED, stopped ones nothing). */
    public int masterOf(String key) throws IOException, InterruptedException {
        for (int i = 0; i < ports.size(); i++) {
            if (processes.get(i).isAlive() && cli(ports.get(i), "EXISTS", key).trim().matches("[0-9]+")) {
                return ports.get(i);
            }
        }
        throw new IllegalStateException("no master holds the slot of " + key);
    }

    /** Every node's URL, comma separated (the client's seeds: any of them may be down later). */
    public String urls() {
        return String.join(",", ports.stream().map(p -> "redis://127.0.0.1:" + p).toList());
    }

    /** Waits until a replica of the master on {@code port} has every write the master made so far. */
    public void awaitReplicated(int port) throws IOException, InterruptedException {
        String acked = cli(port, "WAIT", "1", "10000").trim();
        if (!acked.equals("1")) {
            throw new IllegalStateException("no replica of " + port + " acknowledged its writes: " + acked);
        }
    }

    /** SIGKILL of the node on {@code port}. */
    public void kill(int port) throws InterruptedException {
        processes.get(ports.indexOf(port)).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** The number of keys each master holds, by port. */
    public List<Long> keysPerMaster() throws IOException, InterruptedException {
        List<Long> out = new ArrayList<>();
        for (int port : ports) {
            out.add(Long.parseLong(cli(port, "DBSIZE").trim()));
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
