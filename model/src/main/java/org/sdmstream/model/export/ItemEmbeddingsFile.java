package org.sdmstream.model.export;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The item embedding table as retrieval systems index it: {@code item_embeddings.tsv}, UTF-8, one
 * item per line, {@code item_id<TAB>v1,v2,...,vD}, floats in Java's shortest round-trip decimal
 * form, no header, rows in model order. Padding and unknown rows are not written. Score = inner
 * product with the model's user vector.
 */
public final class ItemEmbeddingsFile {

    public static final String FILE_NAME = "item_embeddings.tsv";

    /** The table read back: ids and their vectors, row for row. */
    public record ItemEmbeddings(List<String> ids, float[][] vectors) {}

    private ItemEmbeddingsFile() {}

    public static void write(Path file, List<String> ids, float[][] vectors) {
        if (ids.size() != vectors.length) {
            throw new IllegalArgumentException(
                    ids.size() + " ids but " + vectors.length + " vectors");
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < vectors.length; i++) {
                String id = ids.get(i);
                if (id.indexOf('\t') >= 0 || id.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException(
                            "item id '" + id + "' contains a tab or line break");
                }
                line.setLength(0);
                line.append(id).append('\t');
                for (int j = 0; j < vectors[i].length; j++) {
                    if (j > 0) {
                        line.append(',');
                    }
                    line.append(vectors[i][j]);
                }
                w.write(line.toString());
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write item embeddings to " + file, e);
        }
    }

    public static ItemEmbeddings read(Path file) {
        List<String> ids = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        int width = -1;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    throw new IllegalArgumentException(
                            file + " line " + lineNo + ": expected item_id<TAB>comma floats");
                }
                String[] parts = line.substring(tab + 1).split(",");
                if (width >= 0 && parts.length != width) {
                    throw new IllegalArgumentException(
                            file
                                    + " line "
                                    + lineNo
                                    + ": "
                                    + parts.length
                                    + " values, earlier lines have "
                                    + width);
                }
                width = parts.length;
                float[] v = new float[width];
                for (int j = 0; j < width; j++) {
                    v[j] = Float.parseFloat(parts[j]);
                }
                ids.add(line.substring(0, tab));
                rows.add(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read item embeddings from " + file, e);
        }
        return new ItemEmbeddings(List.copyOf(ids), rows.toArray(new float[0][]));
    }
}
