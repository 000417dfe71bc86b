package org.sdmstream.job.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.sdmstream.model.export.ModelFiles;
import org.sdmstream.model.export.ModelMetadata;

/**
 * Where a TaskManager loads a model from. A plain path is a local directory, loaded in place (the
 * same path on every TaskManager). A URI ({@code file://}, {@code s3://}, {@code hdfs://}: any
 * scheme a Flink file system serves) is copied once per machine into a local cache directory named
 * by the model's content hash (from its {@code metadata.json}), every file checked against the
 * hashes recorded at export, and loaded from there: a restart or a second TaskManager on the
 * machine reuses the copy, and a new model version never mixes with an old one.
 */
public final class ModelCache {

    /** Cache root under the JVM's temporary directory (a TaskManager's {@code java.io.tmpdir}). */
    static final String CACHE_DIR = "sdm-model-cache";

    private static final String COMPLETE = ".complete";

    private ModelCache() {}

    /**
     * Whether {@code modelDir} names a model by URI (copied to the cache) rather than a local path.
     */
    public static boolean isUri(String modelDir) {
        try {
            String scheme = new URI(modelDir).getScheme();
            return scheme != null && scheme.length() > 1; // "C:" style drive letters are paths
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The local directory to load {@code modelDir} from, copying it into the cache first if it is a
     * URI.
     */
    public static Path localDirectory(String modelDir) {
        return isUri(modelDir)
                ? cached(modelDir, Path.of(System.getProperty("java.io.tmpdir"), CACHE_DIR))
                : Path.of(modelDir);
    }

    /**
     * Checks a model by URI without copying it: its metadata carries file hashes and every recorded
     * file is there (the copy on each TaskManager checks the contents).
     */
    static void checkRemote(String uri) {
        org.apache.flink.core.fs.Path remote = new org.apache.flink.core.fs.Path(uri);
        try {
            FileSystem fs = remote.getFileSystem();
            ModelMetadata metadata = metadata(fs, remote, uri);
            for (String file : metadata.files().keySet()) {
                if (!fs.exists(new org.apache.flink.core.fs.Path(remote, file))) {
                    throw new IllegalArgumentException(
                            "model " + uri + " lacks " + file + ", which its export recorded");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model " + uri, e);
        }
    }

    private static ModelMetadata metadata(
            FileSystem fs, org.apache.flink.core.fs.Path remote, String uri) throws IOException {
        org.apache.flink.core.fs.Path metadataFile =
                new org.apache.flink.core.fs.Path(remote, ModelMetadata.FILE_NAME);
        if (!fs.exists(metadataFile)) {
            throw new IllegalArgumentException(
                    "model "
                            + uri
                            + " has no "
                            + ModelMetadata.FILE_NAME
                            + ": a model loaded by URI needs the content hash its export records");
        }
        ModelMetadata metadata;
        try (InputStream in = fs.open(metadataFile)) {
            metadata = ModelMetadata.read(in, metadataFile.toString());
        }
        if (metadata.contentHash() == null || metadata.files() == null) {
            throw new IllegalArgumentException(
                    "model "
                            + uri
                            + " was exported without file hashes (before"
                            + " 0.2, or by another exporter): export it again, or load it from a local path");
        }
        return metadata;
    }

    /** {@link #localDirectory} with an explicit cache root (tests). */
    static Path cached(String uri, Path cacheRoot) {
        org.apache.flink.core.fs.Path remote = new org.apache.flink.core.fs.Path(uri);
        try {
            FileSystem fs = remote.getFileSystem();
            ModelMetadata metadata = metadata(fs, remote, uri);
            Path target = cacheRoot.resolve(metadata.contentHash());
            if (Files.exists(target.resolve(COMPLETE))) {
                return target;
            }
            Files.createDirectories(cacheRoot);
            Path scratch = cacheRoot.resolve(".copy-" + UUID.randomUUID());
            try {
                copy(fs, remote, scratch);
                ModelFiles.verify(scratch, metadata.files());
                Files.createFile(scratch.resolve(COMPLETE));
                try {
                    Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                    // Another TaskManager on this machine finished the same copy first: use its
                    // copy.
                    if (!Files.exists(target.resolve(COMPLETE))) {
                        throw raced;
                    }
                } catch (IOException moved) {
                    if (!Files.exists(target.resolve(COMPLETE))) {
                        throw moved;
                    }
                }
            } finally {
                deleteRecursively(scratch);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot copy the model " + uri + " into the local cache " + cacheRoot, e);
        }
    }

    private static void copy(FileSystem fs, org.apache.flink.core.fs.Path from, Path to)
            throws IOException {
        Files.createDirectories(to);
        FileStatus[] entries = fs.listStatus(from);
        if (entries == null) {
            throw new IOException(from + " is not a directory");
        }
        for (FileStatus entry : entries) {
            Path local = to.resolve(entry.getPath().getName());
            if (entry.isDir()) {
                copy(fs, entry.getPath(), local);
            } else {
                try (InputStream in = fs.open(entry.getPath())) {
                    Files.copy(in, local);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
