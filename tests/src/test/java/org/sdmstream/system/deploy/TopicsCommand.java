package org.sdmstream.system.deploy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the compose {@code topics} service's script creates: each {@code kafka-topics.sh --create}
 * call, with its topics (one {@code --topic}, or every name of the {@code for t in ...} loop it
 * stands in), {@code --partitions} (a number or a variable of the service's environment, with
 * Compose's default) and its own {@code --config key=value} settings.
 */
record TopicsCommand(List<Creation> creations) {

    /** One {@code kafka-topics.sh --create} call. */
    record Creation(List<String> topics, int partitions, Map<String, String> configs) {}

    private static final Pattern LOOP = Pattern.compile("for\\s+(\\w+)\\s+in\\s+([^;\\n]+);\\s*do");
    private static final Pattern TOPIC = Pattern.compile("--topic\\s+\"?([\\w.$-]+)\"?");
    private static final Pattern PARTITIONS =
            Pattern.compile("--partitions\\s+\"?\\$*\\{?(\\w+)}?\"?");
    private static final Pattern CONFIG = Pattern.compile("--config\\s+([\\w.]+)=(\\S+)");

    static TopicsCommand of(ComposeService service) {
        String script = String.join(" ", service.argv());
        Matcher loop = LOOP.matcher(script);
        String loopVariable = loop.find() ? loop.group(1) : null;
        List<String> loopTopics =
                loopVariable == null
                        ? List.of()
                        : Arrays.asList(loop.group(2).trim().split("\\s+"));
        List<Creation> creations = new ArrayList<>();
        String[] calls = script.split("kafka-topics\\.sh");
        for (String call : calls) {
            if (!call.contains("--create")) {
                continue;
            }
            Matcher topic = TOPIC.matcher(call);
            Matcher partitions = PARTITIONS.matcher(call);
            if (!topic.find() || !partitions.find()) {
                throw new AssertionError(
                        "a kafka-topics.sh --create of the "
                                + service.name()
                                + " service has no --topic or --partitions: "
                                + call);
            }
            String name = topic.group(1).replace("$", "");
            List<String> topics = name.equals(loopVariable) ? loopTopics : List.of(name);
            String count = partitions.group(1);
            if (!count.matches("\\d+")) {
                count = ComposeFile.withDefaults(service.environment().getOrDefault(count, ""));
            }
            Map<String, String> configs = new LinkedHashMap<>();
            Matcher config = CONFIG.matcher(call);
            while (config.find()) {
                configs.put(config.group(1), config.group(2));
            }
            creations.add(new Creation(topics, Integer.parseInt(count), configs));
        }
        if (creations.isEmpty()) {
            throw new AssertionError(
                    "the " + service.name() + " service's script creates no topic: " + script);
        }
        return new TopicsCommand(creations);
    }

    /** Every topic the script creates. */
    List<String> topics() {
        return creations.stream().flatMap(c -> c.topics().stream()).toList();
    }

    /** The call that creates {@code topic}. */
    Creation creationOf(String topic) {
        return creations.stream()
                .filter(c -> c.topics().contains(topic))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("the topics service does not create " + topic));
    }
}
