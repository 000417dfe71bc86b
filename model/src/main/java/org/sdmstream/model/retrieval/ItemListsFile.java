package org.sdmstream.model.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The inverted lists of an {@link IvfInnerProductIndex} stored beside the model's item table
 * ({@code item_index.ivf}, written by {@code sdm index --kind ivf}), so that loading the model
 * reads them instead of running the k-means again: at a million items that takes over a minute,
 * longer than a TaskManager restart may stall the stream. Only the grouping is stored (centres,
 * radii, the members of each list, the cap on lists visited); the vectors stay in {@code
 * item_embeddings.tsv}.
 *
 * <p>Keyed to the table like {@link ItemGraphFile}, by the SHA-256 of its vectors; {@link #open}
 * refuses, with a message saying why and what to do, a file of another table, of another format, or
 * damaged (CRC-32C over everything after the header).
 *
 * <p>Layout, little-endian: magic {@code SDMIVF01}, format version, items, dimension, lists, the
 * cap on lists visited, CRC-32C, the table's SHA-256 (32 bytes); then per list its member count,
 * the centres (lists x dimension floats), the radii (lists floats), and the members of each list in
 * turn (items ints).
 */
public final class ItemListsFile {

    private static final byte[] MAGIC = "SDMIVF01".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;

    /** magic, 6 ints, the fingerprint. */
    private static final int HEADER_BYTES = 8 + 6 * Integer.BYTES + 32;

    private ItemListsFile() {}

    /**
     * Writes {@code index}'s lists to {@code file} (through a temporary file and an atomic move).
     */
    public static void write(Path file, IvfInnerProductIndex index, float[][] vectors) {
        int lists = index.lists();
        int dimension = index.dimension();
        ByteBuffer body =
                ByteBuffer.allocate(
                                Math.toIntExact(
                                        (long) Integer.BYTES
                                                * (lists
                                                        + (long) lists * dimension
                                                        + lists
                                                        + index.size())))
                        .order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < lists; c++) {
            body.putInt(index.members(c).length);
        }
        for (int c = 0; c < lists; c++) {
            for (float v : index.centre(c)) {
                body.putFloat(v);
            }
        }
        for (int c = 0; c < lists; c++) {
            body.putFloat(index.radius(c));
        }
        for (int c = 0; c < lists; c++) {
            for (int row : index.members(c)) {
                body.putInt(row);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(body.array());
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC)
                .putInt(FORMAT_VERSION)
                .putInt(index.size())
                .putInt(dimension)
                .putInt(lists)
                .putInt(index.maxProbes())
                .putInt((int) crc.getValue())
                .put(ItemGraphFile.fingerprint(vectors));
        Path scratch = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            byte[] all = new byte[HEADER_BYTES + body.capacity()];
            System.arraycopy(header.array(), 0, all, 0, HEADER_BYTES);
            System.arraycopy(body.array(), 0, all, HEADER_BYTES, body.capacity());
            Files.write(scratch, all);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the item lists " + scratch, e);
        }
        ItemGraphFile.moveIntoPlace(scratch, file, "item lists");
    }

    /**
     * The stored lists in {@code file} as an index over {@code vectors}.
     *
     * @throws StoredIndexRefused when the file is of another table (its vectors differ in any bit),
     *     of another format, or damaged
     */
    public static IvfInnerProductIndex open(Path file, float[][] vectors) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the item lists " + file, e);
        }
        if (all.length < HEADER_BYTES) {
            throw refused(file, "is too short to be stored lists");
        }
        ByteBuffer header = ByteBuffer.wrap(all, 0, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        header.get(magic);
        if (!Arrays.equals(magic, MAGIC) || header.getInt() != FORMAT_VERSION) {
            throw refused(file, "is not stored lists of this format (written by sdm index)");
        }
        int items = header.getInt();
        int dimension = header.getInt();
        int lists = header.getInt();
        int maxProbes = header.getInt();
        int crc = header.getInt();
        byte[] stored = new byte[32];
        header.get(stored);
        byte[] table = ItemGraphFile.fingerprint(vectors);
        if (items != vectors.length
                || (items > 0 && dimension != vectors[0].length)
                || !Arrays.equals(stored, table)) {
            throw refused(
                    file,
                    ItemGraphFile.anotherTable(items, dimension, stored, vectors, table)
                            + "run sdm index --kind ivf again");
        }
        long expected =
                HEADER_BYTES
                        + (long) Integer.BYTES * (lists + (long) lists * dimension + lists + items);
        if (lists < 1 || maxProbes < 1 || all.length != expected) {
            throw refused(file, "is damaged (" + all.length + " bytes, expected " + expected + ")");
        }
        CRC32C check = new CRC32C();
        check.update(all, HEADER_BYTES, all.length - HEADER_BYTES);
        if ((int) check.getValue() != crc) {
            throw refused(file, "is damaged (CRC-32C mismatch): run sdm index --kind ivf again");
        }
        ByteBuffer body =
                ByteBuffer.wrap(all, HEADER_BYTES, all.length - HEADER_BYTES)
                        .order(ByteOrder.LITTLE_ENDIAN);
        int[][] members = new int[lists][];
        long total = 0;
        for (int c = 0; c < lists; c++) {
            int size = body.getInt();
            if (size < 0 || size > items) {
                throw refused(file, "is damaged (list " + c + " of " + size + " items)");
            }
            members[c] = new int[size];
            total += size;
        }
        if (total != items) {
            throw refused(file, "is damaged (lists hold " + total + " of " + items + " items)");
        }
        float[][] centres = new float[lists][dimension];
        for (float[] centre : centres) {
            for (int j = 0; j < dimension; j++) {
                centre[j] = body.getFloat();
            }
        }
        float[] radii = new float[lists];
        for (int c = 0; c < lists; c++) {
            radii[c] = body.getFloat();
        }
        boolean[] seen = new boolean[items];
        for (int[] list : members) {
            for (int i = 0; i < list.length; i++) {
                int row = body.getInt();
                if (row < 0 || row >= items || seen[row]) {
                    throw refused(file, "is damaged (member " + row + ")");
                }
                seen[row] = true;
                list[i] = row;
            }
        }
        return IvfInnerProductIndex.of(vectors, centres, radii, members).withMaxProbes(maxProbes);
    }

    private static StoredIndexRefused refused(Path file, String why) {
        return new StoredIndexRefused("the stored item lists " + file + " " + why);
    }
}
