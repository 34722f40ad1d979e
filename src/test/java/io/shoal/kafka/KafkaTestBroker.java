package io.shoal.kafka;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.Assumptions;

/**
 * The Kafka broker the tests run against: {@code KAFKA_BOOTSTRAP_SERVERS} (scripts/kafka.sh start prints it;
 * .ci/run exports it). Unset: the Kafka tests are skipped with that reason. Set but not answering: they fail.
 */
final class KafkaTestBroker {

    static final String ENV = "KAFKA_BOOTSTRAP_SERVERS";

    private KafkaTestBroker() {
    }

    /** The bootstrap address, after checking the broker answers; aborts (skips) the test when none is configured. */
    static String bootstrapServers() {
        String servers = System.getenv(ENV);
        Assumptions.assumeTrue(servers != null && !servers.isBlank(), ENV + " is not set, so the Kafka tests are "
                + "skipped: start a broker with `scripts/kafka.sh start` and export the address it prints");
        try (Admin admin = admin(servers)) {
            admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            fail(ENV + "=" + servers + " but no Kafka broker answers there (" + e
                    + "); start one with `scripts/kafka.sh start` or unset " + ENV + " to skip the Kafka tests");
        }
        return servers;
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
