package org.sdmstream.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the pipeline's topics before a job starts (the job never relies on auto-creation). Topics
 * keep records forever by default because records carry event time, and replays of old logs would
 * otherwise be deleted by retention at once.
 */
public final class KafkaTopics {

    public static final Map<String, String> KEEP_FOREVER = Map.of("retention.ms", "-1");

    private KafkaTopics() {}

    /** Creates each topic unless it exists; returns the names that were created. */
    public static Set<String> ensure(
            String bootstrapServers,
            Collection<String> topics,
            int partitions,
            Map<String, String> configs) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, (short) 1).configs(configs));
                }
            }
            try {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            Set<String> created = new java.util.LinkedHashSet<>();
            missing.forEach(t -> created.add(t.name()));
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + topics, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "could not create topics "
                            + topics
                            + " on "
                            + bootstrapServers
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
