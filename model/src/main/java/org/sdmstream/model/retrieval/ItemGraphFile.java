package org.sdmstream.model.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * An HNSW graph stored beside the model's item table ({@code item_index.hnsw}, written by {@code
 * sdm index}, {@link org.sdmstream.model.export.ModelDirectory#itemIndex()}), so that loading the
 * model maps the graph instead of building it again: a build takes minutes for a large catalogue,
 * longer than a TaskManager restart may stall the stream.
 *
 * <p>The file is keyed to the item table it was built from by a SHA-256 of the table's vectors (the
 * graph depends on nothing else), and records the graph settings (M, build beam). {@link #open}
 * refuses, with a message saying why and what to do, a file of another table, of other settings, of
 * another format, or damaged (CRC-32C over the whole file).
 *
 * <p>Layout, little-endian: magic {@code SDMHNSW1}, format version, items, dimension, M, build
 * beam, levels, entry node, CRC-32C of everything after the header, the table's SHA-256 (32 bytes);
 * per level its node count and slot stride; the sorted node list of each level above 0; the slot
 * table of each level ({@link HnswGraphLayers}).
 */
public final class ItemGraphFile {

    private static final byte[] MAGIC = "SDMHNSW1".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;

    /** magic, 8 ints, the fingerprint. */
    private static final int HEADER_BYTES = 8 + 8 * Integer.BYTES + 32;

    private ItemGraphFile() {}

    /**
     * Writes {@code index}'s graph to {@code file} (through a temporary file and an atomic move, so
     * a reader never sees half a graph).
     */
    public static void write(Path file, HnswInnerProductIndex index) {
        HnswGraphLayers layers = index.layers();
        int levels = layers.levels();
        Path scratch = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out =
                FileChannel.open(
                        scratch,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.READ)) {
            out.position(HEADER_BYTES);
            CRC32C crc = new CRC32C();
            Ints body = new Ints(out, crc);
            for (int level = 0; level < levels; level++) {
                body.put(level == 0 ? layers.size() : layers.nodesOnLevel(level).length);
                body.put(layers.stride(level));
            }
            for (int level = 1; level < levels; level++) {
                for (int node : layers.nodesOnLevel(level)) {
                    body.put(node);
                }
            }
            for (int level = 0; level < levels; level++) {
                IntBuffer slots = layers.slots(level);
                for (int i = 0; i < slots.capacity(); i++) {
                    body.put(slots.get(i));
                }
            }
            body.flush();
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            header.put(MAGIC)
                    .putInt(FORMAT_VERSION)
                    .putInt(layers.size())
                    .putInt(index.dimension())
                    .putInt(index.settings().maxConnections())
                    .putInt(index.settings().buildBeam())
                    .putInt(levels)
                    .putInt(layers.entryNode())
                    .putInt((int) crc.getValue())
                    .put(fingerprint(index.vectors()))
                    .flip();
            out.position(0);
            while (header.hasRemaining()) {
                out.write(header);
            }
            out.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the item graph " + scratch, e);
        }
        moveIntoPlace(scratch, file, "item graph");
    }

    /**
     * Replaces {@code file} by the fully written {@code scratch} in one step, so a reader sees the
     * old file or the new one, never a part (shared with {@link ItemListsFile}).
     */
    static void moveIntoPlace(Path scratch, Path file, String what) {
        try {
            Files.move(
                    scratch,
                    file,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the " + what + " to " + file, e);
        }
    }

    /**
     * The stored graph in {@code file} as an index over {@code vectors}, searched with {@code
     * settings}; its slot tables stay mapped from the file.
     *
     * @throws StoredIndexRefused when the file is of another table (its vectors differ in any bit),
     *     was built with another M or build beam, is of another format or is damaged
     */
    public static HnswInnerProductIndex open(Path file, float[][] vectors, HnswSettings settings) {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = in.size();
            if (fileSize < HEADER_BYTES) {
                throw refused(file, "is too short to be a stored graph");
            }
            ByteBuffer header = in.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES);
            header.order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            int version = header.getInt();
            if (!Arrays.equals(magic, MAGIC) || version != FORMAT_VERSION) {
                throw refused(
                        file,
                        "is not a stored graph of this format (written by sdm index --kind hnsw)");
            }
            int items = header.getInt();
            int dimension = header.getInt();
            HnswSettings builtWith =
                    new HnswSettings(header.getInt(), header.getInt(), settings.searchBeam());
            int levels = header.getInt();
            int entryNode = header.getInt();
            int crc = header.getInt();
            byte[] stored = new byte[32];
            header.get(stored);
            byte[] table = fingerprint(vectors);
            if (items != vectors.length
                    || (items > 0 && dimension != vectors[0].length)
                    || !Arrays.equals(stored, table)) {
                throw refused(
                        file,
                        anotherTable(items, dimension, stored, vectors, table)
                                + "run sdm index --kind hnsw again");
            }
            if (!builtWith.sameGraphAs(settings)) {
                throw refused(
                        file,
                        "was built with M "
                                + builtWith.maxConnections()
                                + ", build beam "
                                + builtWith.buildBeam()
                                + " but the settings ask for M "
                                + settings.maxConnections()
                                + ", build beam "
                                + settings.buildBeam()
                                + " (retrieval.hnsw.*): run sdm index --kind hnsw with those");
            }
            if (fileSize > HEADER_BYTES && crc(in, fileSize) != crc) {
                throw refused(
                        file, "is damaged (CRC-32C mismatch): run sdm index --kind hnsw again");
            }
            return new HnswInnerProductIndex(
                    vectors, settings, layers(file, in, fileSize, items, levels, entryNode));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the item graph " + file, e);
        }
    }

    private static HnswGraphLayers layers(
            Path file, FileChannel in, long fileSize, int items, int levels, int entryNode)
            throws IOException {
        if (items == 0) {
            return HnswGraphLayers.EMPTY;
        }
        if (levels < 1 || entryNode < 0 || entryNode >= items) {
            throw refused(file, "is damaged (levels " + levels + ", entry node " + entryNode + ")");
        }
        long position = HEADER_BYTES;
        IntBuffer counts = map(in, position, 2L * levels);
        position += 2L * levels * Integer.BYTES;
        int[] nodeCount = new int[levels];
        int[] stride = new int[levels];
        long expected = position;
        for (int level = 0; level < levels; level++) {
            nodeCount[level] = counts.get(2 * level);
            stride[level] = counts.get(2 * level + 1);
            boolean fits = level == 0 ? nodeCount[level] == items : nodeCount[level] <= items;
            if (!fits || nodeCount[level] < 0 || stride[level] < 1) {
                throw refused(file, "is damaged (level " + level + ")");
            }
            expected += (level == 0 ? 0L : nodeCount[level]) * Integer.BYTES;
            expected += (long) nodeCount[level] * stride[level] * Integer.BYTES;
        }
        if (expected != fileSize) {
            throw refused(file, "is damaged (" + fileSize + " bytes, expected " + expected + ")");
        }
        int[][] nodesOnLevel = new int[levels][];
        for (int level = 1; level < levels; level++) {
            nodesOnLevel[level] = new int[nodeCount[level]];
            map(in, position, nodeCount[level]).get(nodesOnLevel[level]);
            position += (long) nodeCount[level] * Integer.BYTES;
        }
        IntBuffer[] slots = new IntBuffer[levels];
        for (int level = 0; level < levels; level++) {
            long ints = (long) nodeCount[level] * stride[level];
            if (ints > Integer.MAX_VALUE) {
                throw refused(file, "has a level too large to map (" + ints + " ints)");
            }
            slots[level] = map(in, position, ints);
            position += ints * Integer.BYTES;
        }
        return new HnswGraphLayers(items, entryNode, nodesOnLevel, slots, stride);
    }

    /**
     * Why a stored file of an {@code items} x {@code dimension} table with SHA-256 {@code stored}
     * cannot serve {@code vectors} (SHA-256 {@code table}); the caller appends what to run.
     */
    static String anotherTable(
            int items, int dimension, byte[] stored, float[][] vectors, byte[] table) {
        return "belongs to another item table ("
                + items
                + " x "
                + dimension
                + ", SHA-256 "
                + HexFormat.of().formatHex(stored, 0, 8)
                + "...; the model's table is "
                + vectors.length
                + " x "
                + (vectors.length == 0 ? 0 : vectors[0].length)
                + ", "
                + HexFormat.of().formatHex(table, 0, 8)
                + "...): the table changed after sdm index; ";
    }

    /** SHA-256 of the table's vectors: their count, width and every component's bits. */
    static byte[] fingerprint(float[][] vectors) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        int dimension = vectors.length == 0 ? 0 : vectors[0].length;
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(vectors.length).putInt(dimension);
        for (float[] row : vectors) {
            if (buffer.remaining() < row.length * Float.BYTES) {
                sha.update(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            for (float v : row) {
                buffer.putInt(Float.floatToRawIntBits(v));
            }
        }
        sha.update(buffer.array(), 0, buffer.position());
        return sha.digest();
    }

    private static int crc(FileChannel in, long fileSize) throws IOException {
        CRC32C crc = new CRC32C();
        long chunk = 1L << 30;
        for (long position = HEADER_BYTES; position < fileSize; position += chunk) {
            crc.update(
                    in.map(
                            FileChannel.MapMode.READ_ONLY,
                            position,
                            Math.min(chunk, fileSize - position)));
        }
        return (int) crc.getValue();
    }

    private static IntBuffer map(FileChannel in, long position, long ints) throws IOException {
        return in.map(FileChannel.MapMode.READ_ONLY, position, ints * Integer.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer();
    }

    private static StoredIndexRefused refused(Path file, String why) {
        return new StoredIndexRefused("the stored HNSW graph " + file + " " + why);
    }

    /** Buffered little-endian int writes to a channel, checksummed as they go. */
    private static final class Ints {
        private final FileChannel out;
        private final CRC32C crc;
        private final ByteBuffer buffer =
                ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

        Ints(FileChannel out, CRC32C crc) {
            this.out = out;
            this.crc = crc;
        }

        void put(int value) throws IOException {
            if (!buffer.hasRemaining()) {
                flush();
            }
            buffer.putInt(value);
        }

        void flush() throws IOException {
            buffer.flip();
            crc.update(buffer.duplicate());
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            buffer.clear();
        }
    }
}
