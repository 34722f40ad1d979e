package io.shoal.kafka;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka broker the tests run against: {@code KAFKA_BOOTSTRAP_SERVERS} when set; otherwise the tests start one
 * with {@code scripts/kafka.sh start} (KRaft, from its Maven Central jars) and stop it when the JVM exits, so that
 * {@code ./mvnw -B verify} runs every Kafka test on a fresh machine. A broker that does not answer fails the tests.
 */
final class KafkaTestBroker {

    static final String ENV = "KAFKA_BOOTSTRAP_SERVERS";
    private static final Path SCRIPT = Path.of("scripts", "kafka.sh");
    private static String started;

    private KafkaTestBroker() {
    }

    /** The bootstrap address, after checking the broker answers. */
    static synchronized String bootstrapServers() {
        String servers = System.getenv(ENV);
        if (servers == null || servers.isBlank()) {
            servers = startOwn();
        }
        try (Admin admin = admin(servers)) {
            admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            fail("no Kafka broker answers at " + servers + " (" + e + "); see target/kafka/kafka.log");
        }
        return servers;
    }

    /** Whether the broker is the one of scripts/kafka.sh in this checkout, which a test may kill and resume. */
    static boolean restartable() {
        return Files.exists(Path.of("target", "kafka", "kafka.pid"));
    }

    /** SIGKILLs the broker (data kept). */
    static void kill() throws Exception {
        script("kill");
    }

    /** Starts the killed broker again on the same port and data. */
    static void resume() throws Exception {
        script("resume");
    }

    private static String startOwn() {
        if (started != null) {
            return started;
        }
        try {
            String out = script("start");
            String line = out.lines().filter(l -> l.startsWith(ENV + "=")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("scripts/kafka.sh start printed no address: " + out));
            started = line.substring(ENV.length() + 1).trim();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    script("stop");
                } catch (Exception e) {
                    System.err.println("could not stop the test Kafka broker: " + e);
                }
            }, "kafka-test-broker-stop"));
            return started;
        } catch (Exception e) {
            fail("could not start a Kafka broker with scripts/kafka.sh start (" + e + "); set " + ENV
                    + " to use a running one");
            return null;
        }
    }

    /** Runs scripts/kafka.sh with one command; its standard output, or a failure with its log. */
    private static String script(String command) throws Exception {
        Path err = Files.createTempFile("kafka-sh-", ".log");
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), command).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/kafka.sh " + command + " failed: " + out + Files.readString(err));
        }
        Files.deleteIfExists(err);
        return out;
    }

    static Admin admin(String servers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return Admin.create(p);
    }

    static void createTopics(String servers, int partitions, String... topics) throws Exception {
        try (Admin admin = admin(servers)) {
            admin.createTopics(java.util.Arrays.stream(topics).map(t -> new NewTopic(t, partitions, (short) 1))
                    .toList()).all().get(30, TimeUnit.SECONDS);
        }
    }

    static void deleteTopics(String servers, String... topics) {
        try (Admin admin = admin(servers)) {
            admin.deleteTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort: the broker's data is under target/ and goes with scripts/kafka.sh stop.
        }
    }

    static KafkaProducer<String, byte[]> producer(String servers) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static void send(String servers, String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(servers)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** The offset a consumer group committed for a partition (the next one it reads), 0 when none. */
    static long committed(String servers, String group, TopicPartition partition) throws Exception {
        try (Admin admin = admin(servers)) {
            var c = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS)
                    .get(partition);
            return c == null ? 0 : c.offset();
        }
    }

    /** Records of a topic not yet committed by a consumer group (a partition it never committed counts whole). */
    static long committedLag(String servers, String group, String topic) throws Exception {
        try (Admin admin = admin(servers)) {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(15, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(15, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition tp : partitions) {
                var c = committed.get(tp);
                lag += ends.get(tp).offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }

    /** Every record of a topic from the beginning (reads until the end offsets known at the start). */
    static List<ConsumerRecord<String, byte[]>> readAll(String servers, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> out = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    fail("could not read " + topic + " to its end within 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}
