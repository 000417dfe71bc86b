package org.sdmstream.job;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.TimeUtils;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.scoring.ScoringSettings;
import org.sdmstream.job.sessionizer.SessionizerSettings;

/**
 * The one typed configuration of the streaming job ({@link UserInterestJob}), read from a properties file plus
 * {@code key=value} overrides. Every key has a safe default and is documented in docs/streaming.md
 * (scoring keys: docs/scoring.md);
 * an unknown key is an error (a typo must not silently fall back to a default).
 */
public final class JobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Every key with its default, in documentation order. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("job.name", "sdm-session-features");
        d.put("job.parallelism", "0");
        d.put("kafka.bootstrap-servers", "localhost:9092");
        d.put("kafka.group-id", "sdm-session-features");
        d.put("kafka.starting-offsets", "committed");
        d.put("kafka.bounded", "false");
        d.put("topic.clicks", "clicks");
        d.put("topic.session-features", "session-features");
        d.put("topic.dead-letters", "clicks-dead-letters");
        d.put("topic.late-clicks", "clicks-late");
        d.put("topic.user-vectors", "user-vectors");
        d.put("output.session-features", "auto");
        d.put("scoring.enabled", "auto");
        d.put("scoring.model-dir", "");
        d.put("scoring.intra-op-threads", "1");
        d.put("scoring.inter-op-threads", "-1");
        d.put("scoring.batch.max-size", "256");
        d.put("scoring.batch.max-delay", "5 ms");
        d.put("scoring.min-interval", "0 ms");
        d.put("scoring.scorer", "incremental");
        d.put("scoring.state-cache-mb", "256");
        d.put("session.gap", "10 min");
        d.put("session.max-length", "50");
        d.put("history.horizon", "7 d");
        d.put("history.max-length", "20");
        d.put("watermark.out-of-orderness", "5 s");
        d.put("watermark.idleness", "1 min");
        d.put("watermark.interval", "20 ms");
        d.put("watermark.max-wait", "0 ms");
        d.put("network.buffer-timeout", "10 ms");
        d.put("lateness.allowed", "1 min");
        d.put("validation.max-future", "1 h");
        d.put("validation.max-id-length", "256");
        d.put("pending.max-clicks", "1000");
        d.put("state.backend", "rocksdb");
        d.put("state.incremental", "true");
        d.put("state.ttl", "8 d");
        d.put("state.expiry-timer-resolution", "1 h");
        d.put("checkpoint.interval", "30 s");
        d.put("checkpoint.dir", "");
        d.put("sink.delivery-guarantee", "EXACTLY_ONCE");
        d.put("sink.transactional-id-prefix", "sdm-session-features");
        d.put("sink.transaction-timeout", "10 min");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    /** Keys with this prefix are Kafka producer settings for every sink (e.g. kafka.producer.compression.type). */
    public static final String PRODUCER_PREFIX = "kafka.producer.";
    /** Keys with this prefix are Kafka consumer settings for the click source (e.g. kafka.consumer.fetch.min.bytes). */
    public static final String CONSUMER_PREFIX = "kafka.consumer.";

    /**
     * The job's producer defaults, which kafka.producer.* keys override. Outputs are large (a session-features
     * record is ~560 bytes) and repetitive: bigger batches and lz4 cut the requests and bytes the brokers handle.
     */
    static final Map<String, String> PRODUCER_DEFAULTS = Map.of(
            "batch.size", "131072",
            "linger.ms", "5",
            "compression.type", "lz4");

    private final Map<String, String> values;

    private JobConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        validate();
    }

    /** The defaults only. */
    public static JobConfig defaults() {
        return new JobConfig(DEFAULTS);
    }

    /** Defaults, overridden by {@code overrides}. */
    public static JobConfig of(Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        putChecked(v, overrides, "override");
        return new JobConfig(v);
    }

    /** Defaults, then the properties file (if not null), then {@code overrides}. */
    public static JobConfig load(Path file, Map<String, String> overrides) throws IOException {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            Map<String, String> fromFile = new LinkedHashMap<>();
            p.stringPropertyNames().forEach(k -> fromFile.put(k, p.getProperty(k).trim()));
            putChecked(v, fromFile, file.toString());
        }
        putChecked(v, overrides, "override");
        return new JobConfig(v);
    }

    /**
     * From command-line arguments {@code [--config FILE] [key=value ...]} (a leading {@code --} on a
     * key is allowed): defaults, then the file, then the overrides in order.
     */
    public static JobConfig fromArgs(String... args) throws IOException {
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--config needs a file");
                }
                file = Path.of(args[++i]);
            } else if (arg.indexOf('=') > 0) {
                String pair = arg.startsWith("--") ? arg.substring(2) : arg;
                overrides.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
            } else {
                throw new IllegalArgumentException(
                        "usage: [--config FILE] [key=value ...] (keys in docs/streaming.md); got '" + arg + "'");
            }
        }
        return load(file, overrides);
    }

    /** A copy with some keys changed. */
    public JobConfig with(Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(values);
        putChecked(v, overrides, "override");
        return new JobConfig(v);
    }

    public JobConfig with(String key, String value) {
        return with(Map.of(key, value));
    }

    private static void putChecked(Map<String, String> into, Map<String, String> from, String origin) {
        for (Map.Entry<String, String> e : from.entrySet()) {
            if (!DEFAULTS.containsKey(e.getKey()) && passThroughPrefix(e.getKey()) == null) {
                throw new IllegalArgumentException("unknown configuration key '" + e.getKey() + "' in " + origin
                        + "; known keys: " + new TreeSet<>(DEFAULTS.keySet()) + ", and Kafka client settings as "
                        + PRODUCER_PREFIX + "<name> / " + CONSUMER_PREFIX + "<name>");
            }
            into.put(e.getKey(), e.getValue());
        }
    }

    private void validate() {
        // Parse everything once so a bad value fails at start-up with the key's name, not mid-job.
        sessionizerSettings();
        watermarkOutOfOrderness();
        watermarkIdleness();
        watermarkInterval();
        bufferTimeout();
        maxFuture();
        maxIdLength();
        checkpointInterval();
        deliveryGuarantee();
        transactionTimeout();
        parallelism();
        startingOffsets();
        bounded();
        incrementalCheckpoints();
        if (!"rocksdb".equals(stateBackend()) && !"hashmap".equals(stateBackend())) {
            throw invalid("state.backend", "expected rocksdb or hashmap");
        }
        scoringEnabled();
        writesSessionFeatures();
        if (scoringEnabled()) {
            scoringSettings();
        }
        minInterval();
        if (!scoringEnabled() && !writesSessionFeatures()) {
            throw invalid("output.session-features", "with scoring off the job must write session features");
        }
        if (transactionalIdPrefix().isBlank()) {
            throw invalid("sink.transactional-id-prefix", "must not be blank");
        }
    }

    public String raw(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("unknown configuration key '" + key + "'");
        }
        return v;
    }

    /** All values, defaults included (for logging at start-up). */
    /** Producer settings of every Kafka sink: {@code kafka.producer.<name>} keys, prefix removed, over the job's defaults. */
    public Map<String, String> producerProperties() {
        Map<String, String> p = new LinkedHashMap<>(PRODUCER_DEFAULTS);
        p.putAll(passThrough(PRODUCER_PREFIX));
        return p;
    }

    /** Consumer settings of the click source: {@code kafka.consumer.<name>} keys, prefix removed. */
    public Map<String, String> consumerProperties() {
        return passThrough(CONSUMER_PREFIX);
    }

    private Map<String, String> passThrough(String prefix) {
        Map<String, String> p = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                p.put(k.substring(prefix.length()), v);
            }
        });
        return p;
    }

    private static String passThroughPrefix(String key) {
        for (String prefix : List.of(PRODUCER_PREFIX, CONSUMER_PREFIX)) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                return prefix;
            }
        }
        return null;
    }

    public Map<String, String> asMap() {
        return values;
    }

    public String jobName() {
        return raw("job.name");
    }

    /** 0 means the environment's default parallelism. */
    public int parallelism() {
        int p = intValue("job.parallelism");
        if (p < 0) {
            throw invalid("job.parallelism", "must be >= 0");
        }
        return p;
    }

    public String bootstrapServers() {
        return raw("kafka.bootstrap-servers");
    }

    public String groupId() {
        return raw("kafka.group-id");
    }

    /** Where a fresh job starts reading: committed (group offsets, else earliest), earliest or latest. */
    public String startingOffsets() {
        String s = raw("kafka.starting-offsets");
        if (!s.equals("committed") && !s.equals("earliest") && !s.equals("latest")) {
            throw invalid("kafka.starting-offsets", "expected committed, earliest or latest");
        }
        return s;
    }

    /** Whether the source stops at the offsets that were latest at start (backfills, tests). */
    public boolean bounded() {
        return booleanValue("kafka.bounded");
    }

    public String clicksTopic() {
        return raw("topic.clicks");
    }

    public String sessionFeaturesTopic() {
        return raw("topic.session-features");
    }

    public String deadLettersTopic() {
        return raw("topic.dead-letters");
    }

    public String lateClicksTopic() {
        return raw("topic.late-clicks");
    }

    public String userVectorsTopic() {
        return raw("topic.user-vectors");
    }

    /** Whether clicks are scored into user vectors: {@code auto} (the default) means when a model directory is set. */
    public boolean scoringEnabled() {
        String s = raw("scoring.enabled").trim();
        if (s.equals("auto")) {
            return !modelDir().isBlank();
        }
        boolean on = booleanValue("scoring.enabled");
        if (on && modelDir().isBlank()) {
            throw invalid("scoring.enabled", "scoring needs scoring.model-dir");
        }
        return on;
    }

    /** Whether the per-click session features are written too: {@code auto} means only when scoring is off. */
    public boolean writesSessionFeatures() {
        String s = raw("output.session-features").trim();
        return s.equals("auto") ? !scoringEnabled() : booleanValue("output.session-features");
    }

    /** The exported model directory (docs/model.md); empty when the job does not score. */
    public String modelDir() {
        return raw("scoring.model-dir").trim();
    }

    public ScoringSettings scoringSettings() {
        int intra = intValue("scoring.intra-op-threads");
        int inter = intValue("scoring.inter-op-threads");
        if (intra < 0) {
            throw invalid("scoring.intra-op-threads", "must be >= 0 (0 = all cores)");
        }
        if (inter < -1) {
            throw invalid("scoring.inter-op-threads", "must be >= -1 (-1 = each subtask's own thread, 0 = TF default)");
        }
        int maxSize = intValue("scoring.batch.max-size");
        if (maxSize < 1) {
            throw invalid("scoring.batch.max-size", "must be >= 1");
        }
        String scorer = raw("scoring.scorer").trim();
        ScoringSettings.ScorerLoader loader = switch (scorer) {
            case "incremental" -> {
                int cacheMb = intValue("scoring.state-cache-mb");
                if (cacheMb < 1) {
                    throw invalid("scoring.state-cache-mb", "must be >= 1");
                }
                yield new ScoringSettings.IncrementalLoader((long) cacheMb << 20);
            }
            case "full-tower" -> ScoringSettings.FULL_TOWER;
            default -> throw invalid("scoring.scorer", "expected incremental or full-tower");
        };
        return new ScoringSettings(modelDir(), intra, inter, maxSize, nonNegative("scoring.batch.max-delay"), loader);
    }

    /** Per user, at least this much event time between two emitted vectors; zero emits one vector per click. */
    public Duration minInterval() {
        return nonNegative("scoring.min-interval");
    }

    public SessionRules sessionRules() {
        try {
            return new SessionRules(duration("session.gap"), intValue("session.max-length"),
                    duration("history.horizon"), intValue("history.max-length"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid session rules (session.*, history.*): " + e.getMessage(), e);
        }
    }

    public SessionizerSettings sessionizerSettings() {
        try {
            return new SessionizerSettings(sessionRules(), duration("lateness.allowed"), intValue("pending.max-clicks"),
                    duration("state.ttl"), duration("state.expiry-timer-resolution"), clicksTopic(),
                    duration("watermark.max-wait"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid sessionizer settings: " + e.getMessage(), e);
        }
    }

    public Duration watermarkOutOfOrderness() {
        return nonNegative("watermark.out-of-orderness");
    }

    /** How often sources emit watermarks (Flink's pipeline.auto-watermark-interval); a click waits for one. */
    public Duration watermarkInterval() {
        Duration d = duration("watermark.interval");
        if (d.isZero()) {
            throw invalid("watermark.interval", "must be positive (0 would turn periodic watermarks off)");
        }
        return d;
    }

    /** How long a partly filled network buffer may wait before it is sent (Flink's execution.buffer-timeout.interval). */
    public Duration bufferTimeout() {
        return duration("network.buffer-timeout");
    }

    public Duration watermarkIdleness() {
        Duration d = duration("watermark.idleness");
        if (d.isNegative() || d.isZero()) {
            throw invalid("watermark.idleness", "must be positive");
        }
        return d;
    }

    public Duration maxFuture() {
        return nonNegative("validation.max-future");
    }

    public int maxIdLength() {
        int n = intValue("validation.max-id-length");
        if (n < 1) {
            throw invalid("validation.max-id-length", "must be >= 1");
        }
        return n;
    }

    public String stateBackend() {
        return raw("state.backend");
    }

    public boolean incrementalCheckpoints() {
        return booleanValue("state.incremental");
    }

    public Duration checkpointInterval() {
        Duration d = duration("checkpoint.interval");
        if (d.isNegative() || d.isZero()) {
            throw invalid("checkpoint.interval", "must be positive");
        }
        return d;
    }

    /** Checkpoint directory URI; empty means the cluster's own setting. */
    public String checkpointDir() {
        return raw("checkpoint.dir");
    }

    public DeliveryGuarantee deliveryGuarantee() {
        String s = raw("sink.delivery-guarantee");
        if (s.equals("EXACTLY_ONCE")) {
            return DeliveryGuarantee.EXACTLY_ONCE;
        }
        if (s.equals("AT_LEAST_ONCE")) {
            return DeliveryGuarantee.AT_LEAST_ONCE;
        }
        throw invalid("sink.delivery-guarantee", "expected EXACTLY_ONCE or AT_LEAST_ONCE");
    }

    public String transactionalIdPrefix() {
        return raw("sink.transactional-id-prefix");
    }

    public Duration transactionTimeout() {
        Duration d = duration("sink.transaction-timeout");
        if (d.compareTo(Duration.ofMinutes(15)) > 0 || d.compareTo(checkpointIntervalUnchecked()) <= 0) {
            throw invalid("sink.transaction-timeout",
                    "must exceed checkpoint.interval and not exceed 15 min (the broker's default transaction.max.timeout.ms)");
        }
        return d;
    }

    private Duration checkpointIntervalUnchecked() {
        return duration("checkpoint.interval");
    }

    private Duration nonNegative(String key) {
        Duration d = duration(key);
        if (d.isNegative()) {
            throw invalid(key, "must not be negative");
        }
        return d;
    }

    private Duration duration(String key) {
        try {
            return TimeUtils.parseDuration(raw(key));
        } catch (IllegalArgumentException e) {
            throw invalid(key, "expected a duration such as '10 min', '30 s' or '7 d'");
        }
    }

    private int intValue(String key) {
        try {
            return Integer.parseInt(raw(key).trim());
        } catch (NumberFormatException e) {
            throw invalid(key, "expected an integer");
        }
    }

    private boolean booleanValue(String key) {
        String s = raw(key).trim();
        if (!s.equals("true") && !s.equals("false")) {
            throw invalid(key, "expected true or false");
        }
        return Boolean.parseBoolean(s);
    }

    private IllegalArgumentException invalid(String key, String why) {
        return new IllegalArgumentException("invalid value '" + values.get(key) + "' for " + key + ": " + why);
    }

    @Override
    public String toString() {
        return "JobConfig" + values;
    }
}
