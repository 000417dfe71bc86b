package org.sdmstream.cli.options;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@link ClickLogInputOptions} with the side files as {@code --items FILE} and {@code --users
 * FILE}. Add with {@code @Mixin ClickLogOptions}, then call {@link #read(CommonOptions)}.
 */
public final class ClickLogOptions extends ClickLogInputOptions {

    @Option(
            names = "--items",
            paramLabel = "FILE",
            order = 15,
            description =
                    "Item features file (header; item_id plus category/brand/shop columns; RecBole .item "
                            + "with --preset movielens), joined by item id.")
    Path items;

    @Option(
            names = "--users",
            paramLabel = "FILE",
            order = 16,
            description =
                    "User profile file (header; user_id plus attribute columns; RecBole .user with "
                            + "--preset movielens), joined by user id.")
    Path users;

    @Override
    protected Path itemFeaturesFile() {
        return items;
    }

    @Override
    protected Path userProfilesFile() {
        return users;
    }
}
