package org.sdmstream.model.retrieval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dense integer indices for item ids, in first-seen order, so scorers can use arrays instead of
 * maps.
 */
public final class ItemCatalogue {

    private final Map<String, Integer> indexOf = new HashMap<>();
    private final List<String> ids = new ArrayList<>();

    public ItemCatalogue() {}

    public ItemCatalogue(List<String> itemIds) {
        itemIds.forEach(this::add);
    }

    /** The index of {@code itemId}, adding it if new. */
    public int add(String itemId) {
        Integer i = indexOf.get(itemId);
        if (i != null) {
            return i;
        }
        indexOf.put(itemId, ids.size());
        ids.add(itemId);
        return ids.size() - 1;
    }

    /** The index of {@code itemId}, or -1 if unknown. */
    public int indexOf(String itemId) {
        Integer i = indexOf.get(itemId);
        return i == null ? -1 : i;
    }

    public String id(int index) {
        return ids.get(index);
    }

    public int size() {
        return ids.size();
    }

    /** Indices of the known ones among {@code itemIds}; unknown ids are dropped. */
    public int[] indicesOf(Collection<String> itemIds) {
        int[] out = new int[itemIds.size()];
        int n = 0;
        for (String id : itemIds) {
            int i = indexOf(id);
            if (i >= 0) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    public List<String> idsOf(int[] indices) {
        List<String> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            out.add(ids.get(i));
        }
        return out;
    }
}
