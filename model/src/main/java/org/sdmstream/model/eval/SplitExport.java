package org.sdmstream.model.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.OfflineSessionizer;

/**
 * Writes a {@link LeaveLastOutSplit} as plain files, so that models of other libraries (the peers
 * in {@code model/peers/}) train and are evaluated on exactly the split {@code sdm evaluate} uses,
 * computed once, here. Tab-separated with a header line, UTF-8:
 *
 * <ul>
 *   <li>{@code train.tsv}: the training clicks, each user's in the shared event-time order (ties in
 *       log order), users in first-appearance order: {@code user_id item_id category_id brand_id
 *       shop_id event_time}
 *   <li>{@code validation.tsv}, {@code test.tsv}: one case per line: {@code user_id held_out_items
 *       prior_items}, the lists space-separated, {@code prior_items} being every click before the
 *       held-out one, oldest first (the test's includes the validation click)
 *   <li>{@code items.tsv}: the candidates every model ranks (the items of the training clicks, in
 *       first-appearance order of the log) with their side features and training click count
 *   <li>{@code users.tsv}: each user's profile as of the latest training click that carried one
 *   <li>{@code split.json}: the counts that {@code results.json}'s {@code protocol} reports
 * </ul>
 *
 * Empty fields stand for unknown side features.
 */
public final class SplitExport {

    public static final String TRAIN = "train.tsv";
    public static final String VALIDATION = "validation.tsv";
    public static final String TEST = "test.tsv";
    public static final String ITEMS = "items.tsv";
    public static final String USERS = "users.tsv";
    public static final String PROTOCOL = "split.json";

    private final LeaveLastOutSplit split;
    private final String dataset;
    private final int clicks;

    /**
     * @param dataset a human description of the click log, as in {@link EvaluationRun#dataset()}
     * @param clicks clicks in the log before the split
     */
    public SplitExport(LeaveLastOutSplit split, String dataset, int clicks) {
        this.split = split;
        this.dataset = dataset;
        this.clicks = clicks;
    }

    /** Writes the six files into {@code dir} (created if missing). */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        writeTraining(dir.resolve(TRAIN));
        writeCases(dir.resolve(VALIDATION), split.training().validation());
        writeCases(dir.resolve(TEST), split.testCases());
        int candidates = writeItems(dir.resolve(ITEMS));
        writeUsers(dir.resolve(USERS));
        Files.writeString(dir.resolve(PROTOCOL), protocol(candidates), StandardCharsets.UTF_8);
    }

    private void writeTraining(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("user_id\titem_id\tcategory_id\tbrand_id\tshop_id\tevent_time\n");
            for (List<Click> user :
                    OfflineSessionizer.byUserInTimeOrder(split.training().clicks()).values()) {
                for (Click c : user) {
                    Behavior b = c.behavior();
                    w.write(field(c.userId()) + '\t' + item(b.itemId()) + '\t' + sideFeatures(b));
                    w.write("\t" + b.eventTime() + "\n");
                }
            }
        }
    }

    private static void writeCases(Path file, List<EvaluationCase> cases) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("user_id\theld_out_items\tprior_items\n");
            for (EvaluationCase c : cases) {
                w.write(field(c.userId()) + '\t' + items(c.heldOutItems()) + '\t');
                w.write(items(c.priorItems()) + "\n");
            }
        }
    }

    /** Returns the number of candidates written. */
    private int writeItems(Path file) throws IOException {
        Map<String, Behavior> first = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Click c : split.training().clicks()) {
            first.putIfAbsent(c.behavior().itemId(), c.behavior());
            counts.merge(c.behavior().itemId(), 1, Integer::sum);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("item_id\tcategory_id\tbrand_id\tshop_id\ttraining_clicks\n");
            for (Map.Entry<String, Behavior> e : first.entrySet()) {
                w.write(item(e.getKey()) + '\t' + sideFeatures(e.getValue()));
                w.write("\t" + counts.get(e.getKey()) + "\n");
            }
        }
        return first.size();
    }

    private void writeUsers(Path file) throws IOException {
        Map<String, Map<String, String>> profiles = split.training().profiles();
        TreeSet<String> keys = new TreeSet<>();
        profiles.values().forEach(p -> keys.addAll(p.keySet()));
        // Users in first-appearance order, so the file is the same for the same log.
        Set<String> users = new LinkedHashSet<>();
        for (Click c : split.training().clicks()) {
            if (profiles.containsKey(c.userId())) {
                users.add(c.userId());
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder("user_id");
            keys.forEach(k -> header.append('\t').append(field(k)));
            w.write(header + "\n");
            for (String user : users) {
                StringBuilder row = new StringBuilder(field(user));
                for (String k : keys) {
                    row.append('\t').append(field(profiles.get(user).getOrDefault(k, "")));
                }
                w.write(row + "\n");
            }
        }
    }

    private String protocol(int candidates) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("split", "leave-last-out");
        root.put("dataset", dataset);
        root.put("clicks", clicks);
        root.put("trainingClicks", split.training().clicks().size());
        root.put("evaluatedUsers", split.evaluatedUsers());
        root.put("skippedUsers", split.skippedUsers());
        root.put("validationCases", split.training().validation().size());
        root.put("candidateItems", candidates);
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the split's protocol", e);
        }
    }

    private static String sideFeatures(Behavior b) {
        return field(b.categoryId()) + '\t' + field(b.brandId()) + '\t' + field(b.shopId());
    }

    private static String items(List<String> ids) {
        List<String> checked = new ArrayList<>(ids.size());
        ids.forEach(id -> checked.add(item(id)));
        return String.join(" ", checked);
    }

    /** An item id, which also appears in space-separated lists. */
    private static String item(String id) {
        if (id.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(
                    "item id '" + id + "' contains white space and cannot be exported");
        }
        return id;
    }

    /** A tab-separated field; null (unknown) is empty. */
    private static String field(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf('\t') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(
                    "value '" + value + "' contains a tab or line break and cannot be exported");
        }
        return value;
    }
}
