package org.sdmstream.job.scoring;

import java.net.URI;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.local.LocalFileSystem;

/**
 * A second Flink file system scheme for the tests, {@value #SCHEME}{@code :///path}, serving the
 * local directory {@code /path}: found by Flink's file-system discovery (a service entry in the
 * test resources), as an {@code s3://} or {@code hdfs://} plugin is on a cluster, so the model
 * cache is tested through that mechanism and not only through {@code file://}.
 */
public final class MirrorFileSystemFactory implements FileSystemFactory {

    public static final String SCHEME = "sdmmirror";

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileSystem create(URI fsUri) {
        return new LocalFileSystem() {
            @Override
            public URI getUri() {
                return URI.create(SCHEME + ":///");
            }

            @Override
            public boolean isDistributedFS() {
                return true;
            }
        };
    }
}
