package org.sdmstream.cli.options;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.sdmstream.features.Click;
import picocli.CommandLine.Option;

/**
 * {@link ClickLogInputOptions} for commands that replay a click file into Kafka ({@code sdm
 * publish}, {@code sdm demo}): the side files are {@code --item-features} and {@code
 * --user-profiles}, because {@code --items} and {@code --users} size the built-in click generator
 * there.
 */
public final class ReplayLogOptions extends ClickLogInputOptions {

    @Option(
            names = "--item-features",
            paramLabel = "FILE",
            order = 15,
            description = "Item features file joined by item id (as --items of sdm sessions).")
    Path itemFeatures;

    @Option(
            names = "--user-profiles",
            paramLabel = "FILE",
            order = 16,
            description = "User profile file joined by user id (as --users of sdm sessions).")
    Path userProfiles;

    @Override
    protected Path itemFeaturesFile() {
        return itemFeatures;
    }

    @Override
    protected Path userProfilesFile() {
        return userProfiles;
    }

    /**
     * Reads the log and returns its clicks in event-time order (ties in file order), as a live
     * client would have sent them; the stream's watermarks would drop clicks replayed far out of
     * order.
     */
    public List<Click> clicksInEventTimeOrder(CommonOptions console) {
        List<Click> clicks = new ArrayList<>(read(console).clicks());
        clicks.sort(Comparator.comparingLong(Click::eventTime)); // List.sort is stable
        return clicks;
    }
}
