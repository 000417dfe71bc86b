package org.sdmstream.cli.recommend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Human-readable item names from an item side file with a header (RecBole's {@code .item}: {@code
 * item_id:token<TAB>movie_title:token_seq...}), so a person can judge recommendations by eye. The
 * name column is the first whose name starts with {@code movie_title}, {@code title} or {@code
 * name}.
 */
public final class ItemTitles {

    private final Map<String, String> titles;

    private ItemTitles(Map<String, String> titles) {
        this.titles = titles;
    }

    /** No titles: every item shows as its id. */
    public static ItemTitles none() {
        return new ItemTitles(Map.of());
    }

    /** The titles in {@code file}, or none when it has no name column. */
    public static ItemTitles read(Path file) {
        Map<String, String> titles = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                return none();
            }
            String separator = header.contains("\t") ? "\t" : ",";
            String[] columns = header.split(separator, -1);
            int id = -1;
            int name = -1;
            for (int c = 0; c < columns.length; c++) {
                String col = columns[c].toLowerCase();
                if (id < 0 && col.startsWith("item_id")) {
                    id = c;
                } else if (name < 0
                        && (col.startsWith("movie_title")
                                || col.startsWith("title")
                                || col.startsWith("name"))) {
                    name = c;
                }
            }
            if (id < 0 || name < 0) {
                return none();
            }
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(separator, -1);
                if (f.length > Math.max(id, name)) {
                    titles.put(f[id], f[name]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read item titles from " + file, e);
        }
        return new ItemTitles(titles);
    }

    /** The item's title, or its id when none is known. */
    public String of(String itemId) {
        return titles.getOrDefault(itemId, itemId);
    }

    /** "title (id)" when a title is known, else the id. */
    public String label(String itemId) {
        String title = titles.get(itemId);
        return title == null ? itemId : title + " (" + itemId + ")";
    }
}
