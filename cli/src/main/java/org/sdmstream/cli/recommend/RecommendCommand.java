package org.sdmstream.cli.recommend;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sdmstream.cli.options.ClickLogOptions;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.cli.options.SessionRulesOptions;
import org.sdmstream.features.clicklog.ClickLog;
import org.sdmstream.model.retrieval.IndexKind;
import org.sdmstream.model.retrieval.ItemIndex;
import org.sdmstream.model.retrieval.SessionRecommender;
import org.sdmstream.model.scoring.SdmScorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sdm recommend}: the top-K items of an exported model for users of a click log, offline and
 * with the stream's own pieces (session rules, scorer, {@link ItemIndex}, session exclusion), one
 * JSON line per user (after the user's last click) or per click ({@code --every-click}, what the
 * job emits).
 */
@Command(
        name = "recommend",
        sortOptions = false,
        description = {
            "Top-K items of an exported model for the users of a click log, one JSON line each:",
            "{\"userId\":..,\"sessionId\":..,\"sessionPosition\":n,\"eventTime\":ms,\"modelVersion\":..,"
                    + "\"items\":[..],\"scores\":[..]}",
            "after each user's last click, or after every click with --every-click (what the streaming job writes",
            "to topic.recommendations with retrieval.k)."
        },
        mixinStandardHelpOptions = true)
public final class RecommendCommand implements Callable<Integer> {

    @Mixin CommonOptions console;

    @Mixin ClickLogOptions clickLog;

    @Mixin SessionRulesOptions sessionRules;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            required = true,
            order = 30,
            description = "Exported model directory (sdm train --output).")
    Path model;

    @Option(
            names = {"-k", "--k"},
            paramLabel = "K",
            defaultValue = "10",
            order = 31,
            description = "Items per line (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--only-user",
            paramLabel = "ID",
            split = ",",
            order = 32,
            description = "Only these users (comma-separated); default all.")
    List<String> users = List.of();

    @Option(
            names = "--every-click",
            order = 33,
            description = "One line per click instead of one per user.")
    boolean everyClick;

    @Option(
            names = "--include-session",
            order = 34,
            description =
                    "Also recommend items already clicked in the current session (retrieval.exclude-session=false).")
    boolean includeSession;

    @Option(
            names = "--index",
            paramLabel = "KIND",
            defaultValue = "auto",
            order = 35,
            converter = IndexKindConverter.class,
            description =
                    "exact, hnsw, ivf or auto (exact up to "
                            + IndexKind.EXACT_MAX_ITEMS
                            + " items, ivf above), as retrieval.index "
                            + "(default: ${DEFAULT-VALUE}).")
    IndexKind index;

    @Option(
            names = "--titles",
            order = 36,
            description =
                    "Add \"titles\" from the --items file (or the data set's item file), e.g. MovieLens movie titles.")
    boolean titles;

    /** Parses {@code --index}. */
    static final class IndexKindConverter implements picocli.CommandLine.ITypeConverter<IndexKind> {
        @Override
        public IndexKind convert(String value) {
            return IndexKind.parse(value);
        }
    }

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--k must be >= 1");
        }
        long started = System.nanoTime();
        ClickLog log = clickLog.read(console);
        Path itemsFile = clickLog.source().items();
        ItemTitles names =
                titles && itemsFile != null ? ItemTitles.read(itemsFile) : ItemTitles.none();
        try (SdmScorer scorer = SdmScorer.load(model)) {
            ItemIndex items = ItemIndex.load(model, index);
            if (items.warning() != null) {
                console.warn("%s", items.warning());
            }
            SessionRecommender recommender =
                    new SessionRecommender(scorer, items, k, !includeSession);
            List<ClickRecommendations.Recommended> results =
                    ClickRecommendations.of(
                            log.clicks(), sessionRules.rules(), recommender, everyClick, users);
            String version = items.modelVersion() == null ? "unknown" : items.modelVersion();
            write(console.out(), results, version, titles ? names : null);
            console.note(
                    "%d lines, %d items (%s index, %s in %d ms), k %d, %.2f s",
                    results.size(),
                    items.size(),
                    items.kind(),
                    items.origin(),
                    items.buildMillis(),
                    k,
                    (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }

    private static void write(
            PrintWriter out,
            List<ClickRecommendations.Recommended> results,
            String version,
            ItemTitles names)
            throws IOException {
        JsonGenerator json = new JsonFactory().createGenerator(out);
        json.setPrettyPrinter(new MinimalPrettyPrinter(""));
        for (ClickRecommendations.Recommended r : results) {
            json.writeStartObject();
            json.writeStringField("userId", r.input().userId());
            json.writeStringField("sessionId", r.input().sessionId());
            json.writeNumberField("sessionPosition", r.input().session().size());
            json.writeNumberField("eventTime", r.input().eventTime());
            json.writeStringField("modelVersion", version);
            json.writeArrayFieldStart("items");
            for (String item : r.top().itemIds()) {
                json.writeString(item);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("scores");
            for (float s : r.top().scores()) {
                json.writeNumber(s);
            }
            json.writeEndArray();
            if (names != null) {
                json.writeArrayFieldStart("titles");
                for (String item : r.top().itemIds()) {
                    json.writeString(names.of(item));
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeRaw('\n');
        }
        json.flush();
        out.flush();
    }
}
