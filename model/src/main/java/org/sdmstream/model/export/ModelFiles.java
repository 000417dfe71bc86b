package org.sdmstream.model.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * SHA-256 of every file of an exported model but {@code metadata.json}, recorded in the metadata at
 * export and checked at load: a vocabulary edited, reordered or swapped after export would silently
 * map ids to the wrong embedding rows, so the scorer refuses it and names the file. Their digest
 * together is the model's content hash, which identifies the model's bytes wherever they are
 * copied.
 */
public final class ModelFiles {

    private ModelFiles() {}

    /**
     * Relative path ('/'-separated) → SHA-256 (hex) of every regular file under {@code root} but
     * the metadata.
     */
    public static Map<String, String> hashes(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = relativeName(root, file);
                if (!name.equals(ModelMetadata.FILE_NAME)) {
                    out.put(name, sha256(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model files under " + root, e);
        }
        return out;
    }

    /** One digest of all files' names and digests, in name order. */
    public static String contentHash(Map<String, String> hashes) {
        MessageDigest digest = newDigest();
        new TreeMap<>(hashes)
                .forEach(
                        (name, hash) ->
                                digest.update(
                                        (name + "=" + hash + "\n")
                                                .getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Checks the files under {@code root} against the hashes {@code recorded} at export.
     *
     * @throws IllegalArgumentException naming every file that changed or is missing
     */
    public static void verify(Path root, Map<String, String> recorded) {
        List<String> problems = new ArrayList<>();
        recorded.forEach(
                (name, hash) -> {
                    Path file = root.resolve(name);
                    if (!Files.isRegularFile(file)) {
                        problems.add(file + " is missing");
                    } else if (!sha256(file).equals(hash)) {
                        problems.add(file + " differs from the file exported with the model");
                    }
                });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "model "
                            + root
                            + " does not match the content recorded in its "
                            + ModelMetadata.FILE_NAME
                            + " at export: "
                            + String.join("; ", problems)
                            + ". Vocabularies and variables belong together: export the model again instead of editing it");
        }
    }

    private static String relativeName(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    private static String sha256(Path file) {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
