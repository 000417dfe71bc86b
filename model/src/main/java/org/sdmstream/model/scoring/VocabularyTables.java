package org.sdmstream.model.scoring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sdmstream.features.encoding.FeatureVocabularies;
import org.sdmstream.features.encoding.Vocabulary;
import org.sdmstream.model.graph.VariableNames;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;

/**
 * Checks that each vocabulary file of a model has exactly as many rows as the embedding table it
 * indexes: a longer vocabulary would look rows up past the table's end, a shorter one means the
 * files belong to another model. Works for any exported graph (ours or another exporter's), whether
 * or not its metadata has file hashes.
 */
final class VocabularyTables {

    private record Table(String variable, String file, Vocabulary vocabulary) {}

    private VocabularyTables() {}

    /**
     * @throws IllegalArgumentException naming every vocabulary file whose size differs from its
     *     table
     */
    static void check(Graph graph, FeatureVocabularies vocabularies, Path vocabularyDir) {
        List<Table> tables =
                List.of(
                        new Table(VariableNames.ITEM_EMBEDDING, "items.txt", vocabularies.items()),
                        new Table(
                                VariableNames.CATEGORY_EMBEDDING,
                                "categories.txt",
                                vocabularies.categories()),
                        new Table(
                                VariableNames.BRAND_EMBEDDING, "brands.txt", vocabularies.brands()),
                        new Table(VariableNames.SHOP_EMBEDDING, "shops.txt", vocabularies.shops()),
                        new Table(VariableNames.USER_EMBEDDING, "users.txt", vocabularies.users()),
                        new Table(
                                VariableNames.PROFILE_EMBEDDING,
                                "profile.txt",
                                vocabularies.profileValues()));
        List<String> problems = new ArrayList<>();
        for (Table table : tables) {
            long rows = rows(graph, table.variable());
            if (rows >= 0 && rows != table.vocabulary().size()) {
                problems.add(
                        vocabularyDir.resolve(table.file())
                                + " has "
                                + table.vocabulary().size()
                                + " rows (2 reserved + "
                                + table.vocabulary().values().size()
                                + " values) but the model's "
                                + table.variable()
                                + " table has "
                                + rows);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "the model's vocabularies do not match its embedding tables: "
                            + String.join("; ", problems));
        }
    }

    /**
     * Rows of the variable's declared shape, or -1 when the graph has no such variable or no known
     * shape.
     */
    private static long rows(Graph graph, String variable) {
        GraphOperation op = graph.operation(variable);
        if (op == null) {
            return -1;
        }
        try {
            var shape = op.attributes().getAttrShape("shape");
            return shape.isUnknown() || shape.numDimensions() < 1 ? -1 : shape.size(0);
        } catch (RuntimeException e) {
            return -1; // not a variable op with a declared shape
        }
    }
}
