package org.sdmstream.job;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.ingest.IngestOptions;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.kafka.WireOptions;
import org.sdmstream.job.retrieval.RetrievalOptions;
import org.sdmstream.job.retrieval.RetrievalSettings;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.job.scoring.ScoringSettings;
import org.sdmstream.job.sessionizer.SessionizerOptions;
import org.sdmstream.job.sessionizer.SessionizerSettings;
import org.sdmstream.model.retrieval.HnswSettings;

/**
 * The one typed configuration of {@link UserInterestJob}: a value for every option of {@link
 * JobOptions}, {@link KafkaOptions}, {@link IngestOptions}, {@link SessionizerOptions}, {@link
 * ScoringOptions}, {@link RetrievalOptions} and {@link WireOptions}, set in code ({@link #with},
 * {@link #builder}) or read from a properties file plus {@code key=value} overrides. Every option
 * has a safe default and is documented in README.md; an unknown key is an error (a typo must not
 * silently fall back to a default), and the values are checked together once, when it is built.
 */
public final class JobConfig implements Serializable {

    private static final long serialVersionUID = 2L;

    /** Every option of the job, area by area in declaration order. */
    public static final List<ConfigOption<?>> OPTIONS =
            optionsOf(
                    JobOptions.class,
                    KafkaOptions.class,
                    IngestOptions.class,
                    SessionizerOptions.class,
                    ScoringOptions.class,
                    RetrievalOptions.class,
                    WireOptions.class);

    private static final Map<String, ConfigOption<?>> BY_KEY = byKey(OPTIONS);

    /** Option key to its typed value, for every option. */
    private final Map<String, Object> values;

    /** The kafka.producer.* and kafka.consumer.* keys as given. */
    private final Map<String, String> clientSettings;

    private JobConfig(Map<String, Object> values, Map<String, String> clientSettings) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.clientSettings = Collections.unmodifiableMap(new LinkedHashMap<>(clientSettings));
        validate();
    }

    /** The defaults only. */
    public static JobConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.clientSettings.putAll(clientSettings);
        return b;
    }

    /** Defaults, overridden by settings in text form. */
    public static JobConfig of(Map<String, String> overrides) {
        return builder().setAll(overrides, "override").build();
    }

    /** Defaults, then the properties file (if not null), then {@code overrides}. */
    public static JobConfig load(Path file, Map<String, String> overrides) throws IOException {
        Builder b = builder();
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            Map<String, String> fromFile = new LinkedHashMap<>();
            p.stringPropertyNames().forEach(k -> fromFile.put(k, p.getProperty(k).trim()));
            b.setAll(fromFile, file.toString());
        }
        return b.setAll(overrides, "override").build();
    }

    /**
     * From command-line arguments {@code [--config FILE] [key=value ...]} (a leading {@code --} on
     * a key is allowed): defaults, then the file, then the overrides in order.
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
                overrides.put(
                        pair.substring(0, pair.indexOf('=')).trim(),
                        pair.substring(pair.indexOf('=') + 1).trim());
            } else {
                throw new IllegalArgumentException(
                        "usage: [--config FILE] [key=value ...] (keys in README.md); got '"
                                + arg
                                + "'");
            }
        }
        return load(file, overrides);
    }

    /** A copy with one option changed. */
    public <T> JobConfig with(ConfigOption<T> option, T value) {
        return toBuilder().set(option, value).build();
    }

    /** A copy with settings in text form changed (flags, files). */
    public JobConfig with(Map<String, String> overrides) {
        return toBuilder().setAll(overrides, "override").build();
    }

    /** The value of {@code option}. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigOption<T> option) {
        requireKnown(option);
        return (T) values.get(option.key());
    }

    /**
     * Builds a {@link JobConfig}: options set in code or in text form, checked together by {@link
     * #build()}.
     */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, String> clientSettings = new LinkedHashMap<>();

        private Builder() {
            OPTIONS.forEach(o -> values.put(o.key(), o.defaultValue()));
        }

        public <T> Builder set(ConfigOption<T> option, T value) {
            requireKnown(option);
            values.put(option.key(), Objects.requireNonNull(value, option.key()));
            return this;
        }

        /**
         * Settings in text form: known keys parsed to their option's type, Kafka client keys passed
         * through; {@code origin} (a file name, "override") says in an error where an unknown key
         * came from.
         */
        public Builder setAll(Map<String, String> settings, String origin) {
            for (Map.Entry<String, String> e : settings.entrySet()) {
                ConfigOption<?> option = BY_KEY.get(e.getKey());
                if (option != null) {
                    values.put(option.key(), OptionText.parse(option, e.getValue()));
                } else if (isClientSetting(e.getKey())) {
                    clientSettings.put(e.getKey(), e.getValue());
                } else {
                    throw new IllegalArgumentException(
                            "unknown configuration key '"
                                    + e.getKey()
                                    + "' in "
                                    + origin
                                    + "; known keys: "
                                    + new TreeSet<>(BY_KEY.keySet())
                                    + ", and Kafka client settings as "
                                    + KafkaOptions.PRODUCER_PREFIX
                                    + "<name> / "
                                    + KafkaOptions.CONSUMER_PREFIX
                                    + "<name>");
                }
            }
            return this;
        }

        /** The configuration; a bad value or combination fails here, naming the key. */
        public JobConfig build() {
            return new JobConfig(values, clientSettings);
        }
    }

    private void validate() {
        // Everything is checked once so a bad value fails at start-up with the key's name, not
        // mid-job.
        if (get(JobOptions.PARALLELISM) < 0) {
            throw invalid(JobOptions.PARALLELISM, "must be >= 0");
        }
        sessionizerSettings();
        nonNegative(IngestOptions.WATERMARK_OUT_OF_ORDERNESS);
        positive(IngestOptions.WATERMARK_IDLENESS, "must be positive");
        nonNegative(IngestOptions.WATERMARK_ALIGNMENT_MAX_DRIFT);
        positive(IngestOptions.WATERMARK_ALIGNMENT_UPDATE_INTERVAL, "must be positive");
        positive(
                JobOptions.WATERMARK_INTERVAL,
                "must be positive (0 would turn periodic watermarks off)");
        nonNegative(JobOptions.BUFFER_TIMEOUT);
        nonNegative(IngestOptions.MAX_FUTURE);
        if (get(IngestOptions.MAX_ID_LENGTH) < 1) {
            throw invalid(IngestOptions.MAX_ID_LENGTH, "must be >= 1");
        }
        positive(JobOptions.CHECKPOINT_INTERVAL, "must be positive");
        Duration timeout = get(KafkaOptions.TRANSACTION_TIMEOUT);
        if (timeout.compareTo(Duration.ofMinutes(15)) > 0
                || timeout.compareTo(get(JobOptions.CHECKPOINT_INTERVAL)) <= 0) {
            throw invalid(
                    KafkaOptions.TRANSACTION_TIMEOUT,
                    "must exceed checkpoint.interval and not exceed 15 min (the broker's default transaction.max.timeout.ms)");
        }
        if (get(ScoringOptions.ENABLED) == ScoringOptions.Switch.TRUE
                && get(ScoringOptions.MODEL_DIR).isBlank()) {
            throw invalid(ScoringOptions.ENABLED, "scoring needs scoring.model-dir");
        }
        if (scoringEnabled()) {
            scoringSettings();
        }
        nonNegative(ScoringOptions.MIN_INTERVAL);
        if (get(RetrievalOptions.K) < 0) {
            throw invalid(RetrievalOptions.K, "must be >= 0 (0 = no recommendations)");
        }
        if (get(RetrievalOptions.K) > 0 && !scoringEnabled()) {
            throw invalid(RetrievalOptions.K, "recommendations need scoring (scoring.model-dir)");
        }
        hnswSettings();
        if (!scoringEnabled() && !writesSessionFeatures()) {
            throw invalid(
                    ScoringOptions.SESSION_FEATURES_OUTPUT,
                    "with scoring off the job must write session features");
        }
        if (get(KafkaOptions.TRANSACTIONAL_ID_PREFIX).isBlank()) {
            throw invalid(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "must not be blank");
        }
        List.of(
                        WireOptions.CLICKS,
                        WireOptions.USER_VECTORS,
                        WireOptions.SESSION_FEATURES,
                        WireOptions.DEAD_LETTERS,
                        WireOptions.LATE_CLICKS)
                .forEach(topic -> WireOptions.settings(this, topic));
    }

    /**
     * Producer settings of every Kafka sink: {@code kafka.producer.<name>} keys, prefix removed,
     * over the job's defaults.
     */
    public Map<String, String> producerProperties() {
        Map<String, String> p = new LinkedHashMap<>(KafkaOptions.PRODUCER_DEFAULTS);
        p.putAll(clientSettings(KafkaOptions.PRODUCER_PREFIX));
        return p;
    }

    /**
     * Consumer settings of the click source: {@code kafka.consumer.<name>} keys, prefix removed.
     */
    public Map<String, String> consumerProperties() {
        return clientSettings(KafkaOptions.CONSUMER_PREFIX);
    }

    private Map<String, String> clientSettings(String prefix) {
        Map<String, String> p = new LinkedHashMap<>();
        clientSettings.forEach(
                (k, v) -> {
                    if (k.startsWith(prefix)) {
                        p.put(k.substring(prefix.length()), v);
                    }
                });
        return p;
    }

    private static boolean isClientSetting(String key) {
        return List.of(KafkaOptions.PRODUCER_PREFIX, KafkaOptions.CONSUMER_PREFIX).stream()
                .anyMatch(prefix -> key.startsWith(prefix) && key.length() > prefix.length());
    }

    /**
     * All values in text form, defaults included: what {@link #of(Map)} reads back (secrets in
     * clear).
     */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, OptionText.format(v)));
        m.putAll(clientSettings);
        return m;
    }

    /**
     * {@link #asMap()} with the values of secret Kafka client settings masked: what logs and
     * messages may show.
     */
    public Map<String, String> asRedactedMap() {
        Map<String, String> m = asMap();
        m.replaceAll((k, v) -> isSecret(k) ? REDACTED : v);
        return m;
    }

    static final String REDACTED = "******";

    /**
     * Whether a key's value is a secret: Kafka client settings (SASL JAAS configs, SSL key and
     * store passwords, OAuth client secrets, keys) must never reach a log, where anyone with log
     * access would read them.
     */
    static boolean isSecret(String key) {
        if (!key.startsWith(KafkaOptions.PRODUCER_PREFIX)
                && !key.startsWith(KafkaOptions.CONSUMER_PREFIX)) {
            return false;
        }
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password")
                || k.contains("jaas")
                || k.contains("secret")
                || k.contains("credential")
                || k.endsWith("key");
    }

    /**
     * Whether every vector also goes to the topic of each user's newest vector ({@code
     * topic.latest-vectors}).
     */
    public boolean writesLatestVectors() {
        return !get(KafkaOptions.LATEST_VECTORS_TOPIC).isBlank();
    }

    /**
     * Whether clicks are scored into user vectors: {@code auto} (the default) means when a model
     * directory is set.
     */
    public boolean scoringEnabled() {
        return switch (get(ScoringOptions.ENABLED)) {
            case AUTO -> !get(ScoringOptions.MODEL_DIR).isBlank();
            case TRUE -> true;
            case FALSE -> false;
        };
    }

    /**
     * Whether the per-click session features are written too: {@code auto} means only when scoring
     * is off.
     */
    public boolean writesSessionFeatures() {
        return switch (get(ScoringOptions.SESSION_FEATURES_OUTPUT)) {
            case AUTO -> !scoringEnabled();
            case TRUE -> true;
            case FALSE -> false;
        };
    }

    /**
     * The topic with one output per click: user interest vectors when scoring, else session
     * features.
     */
    public String outputTopic() {
        return get(
                scoringEnabled()
                        ? KafkaOptions.USER_VECTORS_TOPIC
                        : KafkaOptions.SESSION_FEATURES_TOPIC);
    }

    /**
     * Every topic the job with this configuration reads or writes (they must exist: the job never
     * creates one).
     */
    public List<String> topics() {
        List<String> topics =
                new ArrayList<>(
                        List.of(
                                get(KafkaOptions.CLICKS_TOPIC),
                                get(KafkaOptions.DEAD_LETTERS_TOPIC),
                                get(KafkaOptions.LATE_CLICKS_TOPIC)));
        if (writesSessionFeatures()) {
            topics.add(get(KafkaOptions.SESSION_FEATURES_TOPIC));
        }
        if (scoringEnabled()) {
            topics.add(get(KafkaOptions.USER_VECTORS_TOPIC));
            if (writesLatestVectors()) {
                topics.add(get(KafkaOptions.LATEST_VECTORS_TOPIC));
            }
            if (recommends()) {
                topics.add(get(RetrievalOptions.RECOMMENDATIONS_TOPIC));
            }
        }
        return topics;
    }

    /** Whether every vector also gets its top-K items ({@code retrieval.k} > 0). */
    public boolean recommends() {
        return get(RetrievalOptions.K) > 0;
    }

    /** What the job recommends; only when {@link #recommends()}. */
    public RetrievalSettings retrievalSettings() {
        return new RetrievalSettings(
                get(ScoringOptions.MODEL_DIR),
                get(RetrievalOptions.K),
                get(RetrievalOptions.EXCLUDE_SESSION),
                get(RetrievalOptions.INDEX),
                hnswSettings());
    }

    /** The HNSW graph and search settings of {@code retrieval.hnsw.*}, each checked by its key. */
    public HnswSettings hnswSettings() {
        int m = get(RetrievalOptions.HNSW_MAX_CONNECTIONS);
        int build = get(RetrievalOptions.HNSW_BUILD_BEAM);
        int search = get(RetrievalOptions.HNSW_SEARCH_BEAM);
        if (m < 1 || m > HnswSettings.MAX_CONNECTIONS_LIMIT) {
            throw invalid(
                    RetrievalOptions.HNSW_MAX_CONNECTIONS,
                    "must be between 1 and " + HnswSettings.MAX_CONNECTIONS_LIMIT);
        }
        if (build < 1 || build > HnswSettings.BUILD_BEAM_LIMIT) {
            throw invalid(
                    RetrievalOptions.HNSW_BUILD_BEAM,
                    "must be between 1 and " + HnswSettings.BUILD_BEAM_LIMIT);
        }
        if (search < 1) {
            throw invalid(RetrievalOptions.HNSW_SEARCH_BEAM, "must be >= 1");
        }
        return new HnswSettings(m, build, search);
    }

    public ScoringSettings scoringSettings() {
        int intra = get(ScoringOptions.INTRA_OP_THREADS);
        int inter = get(ScoringOptions.INTER_OP_THREADS);
        if (intra < 0) {
            throw invalid(ScoringOptions.INTRA_OP_THREADS, "must be >= 0 (0 = all cores)");
        }
        if (inter < -1) {
            throw invalid(
                    ScoringOptions.INTER_OP_THREADS,
                    "must be >= -1 (-1 = each subtask's own thread, 0 = TF default)");
        }
        int maxSize = get(ScoringOptions.BATCH_MAX_SIZE);
        if (maxSize < 1) {
            throw invalid(ScoringOptions.BATCH_MAX_SIZE, "must be >= 1");
        }
        ScoringSettings.ScorerLoader loader =
                switch (get(ScoringOptions.SCORER)) {
                    case INCREMENTAL -> {
                        int cacheMb = get(ScoringOptions.STATE_CACHE_MB);
                        if (cacheMb < 1) {
                            throw invalid(ScoringOptions.STATE_CACHE_MB, "must be >= 1");
                        }
                        yield new ScoringSettings.IncrementalLoader(
                                (long) cacheMb << 20, get(ScoringOptions.BURSTS).scorer());
                    }
                    case FULL_TOWER -> ScoringSettings.FULL_TOWER;
                };
        return new ScoringSettings(
                get(ScoringOptions.MODEL_DIR),
                intra,
                inter,
                maxSize,
                nonNegative(ScoringOptions.BATCH_MAX_DELAY),
                loader);
    }

    public SessionRules sessionRules() {
        try {
            return new SessionRules(
                    get(SessionizerOptions.SESSION_GAP),
                    get(SessionizerOptions.SESSION_MAX_LENGTH),
                    get(SessionizerOptions.HISTORY_HORIZON),
                    get(SessionizerOptions.HISTORY_MAX_LENGTH));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "invalid session rules (session.*, history.*): " + e.getMessage(), e);
        }
    }

    public SessionizerSettings sessionizerSettings() {
        try {
            return new SessionizerSettings(
                    sessionRules(),
                    get(SessionizerOptions.ALLOWED_LATENESS),
                    get(SessionizerOptions.MAX_PENDING_CLICKS),
                    get(SessionizerOptions.STATE_TTL),
                    get(SessionizerOptions.EXPIRY_TIMER_RESOLUTION),
                    get(KafkaOptions.CLICKS_TOPIC),
                    get(SessionizerOptions.MAX_WAIT),
                    get(SessionizerOptions.HEAP_PENDING_CLICKS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "invalid sessionizer settings: " + e.getMessage(), e);
        }
    }

    private Duration nonNegative(ConfigOption<Duration> option) {
        Duration d = get(option);
        if (d.isNegative()) {
            throw invalid(option, "must not be negative");
        }
        return d;
    }

    private void positive(ConfigOption<Duration> option, String why) {
        Duration d = get(option);
        if (d.isNegative() || d.isZero()) {
            throw invalid(option, why);
        }
    }

    private IllegalArgumentException invalid(ConfigOption<?> option, String why) {
        return OptionText.invalid(option, OptionText.format(values.get(option.key())), why);
    }

    private static void requireKnown(ConfigOption<?> option) {
        if (!option.equals(BY_KEY.get(option.key()))) {
            throw new IllegalArgumentException(
                    "'" + option.key() + "' is not an option of the job");
        }
    }

    /** The public static ConfigOption fields of {@code holders}, in declaration order. */
    private static List<ConfigOption<?>> optionsOf(Class<?>... holders) {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Class<?> holder : holders) {
            for (Field f : holder.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        && ConfigOption.class.isAssignableFrom(f.getType())) {
                    try {
                        options.add((ConfigOption<?>) f.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return List.copyOf(options);
    }

    private static Map<String, ConfigOption<?>> byKey(List<ConfigOption<?>> options) {
        Map<String, ConfigOption<?>> m = new LinkedHashMap<>();
        for (ConfigOption<?> o : options) {
            if (m.put(o.key(), o) != null) {
                throw new IllegalStateException("two options with the key " + o.key());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return "JobConfig" + asRedactedMap();
    }
}
