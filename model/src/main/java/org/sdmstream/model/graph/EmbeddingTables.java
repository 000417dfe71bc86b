package org.sdmstream.model.graph;

import java.util.List;
import org.sdmstream.model.SdmConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The input embedding tables of every tower (item, category, brand, shop, user, profile) and the
 * two ways a graph reads them: a click's four feature embeddings and the user embedding e_u. The
 * full tower and the step graph both read through here, so they embed a click and a user the same
 * way.
 */
public record EmbeddingTables(
        Variable<TFloat32> item,
        Variable<TFloat32> category,
        Variable<TFloat32> brand,
        Variable<TFloat32> shop,
        Variable<TFloat32> user,
        Variable<TFloat32> profile) {

    /** Initial standard deviation of every embedding table. */
    static final float STD = 0.1f;

    /** Creates the tables in a fixed order: the order seeds their initial values. */
    static EmbeddingTables create(Parameters params, SdmConfig config, SdmGraph.Sizes sizes) {
        return new EmbeddingTables(
                params.normal(
                        VariableNames.ITEM_EMBEDDING,
                        STD,
                        sizes.items(),
                        config.itemEmbeddingDim()),
                params.normal(
                        VariableNames.CATEGORY_EMBEDDING,
                        STD,
                        sizes.categories(),
                        config.categoryEmbeddingDim()),
                params.normal(
                        VariableNames.BRAND_EMBEDDING,
                        STD,
                        sizes.brands(),
                        config.brandEmbeddingDim()),
                params.normal(
                        VariableNames.SHOP_EMBEDDING,
                        STD,
                        sizes.shops(),
                        config.shopEmbeddingDim()),
                params.normal(
                        VariableNames.USER_EMBEDDING,
                        STD,
                        sizes.users(),
                        config.userEmbeddingDim()),
                params.normal(
                        VariableNames.PROFILE_EMBEDDING,
                        STD,
                        sizes.profileValues(),
                        config.userEmbeddingDim()));
    }

    /**
     * The item, category, brand and shop embeddings of clicks: ids [...] each -> four [..., d_f],
     * in that order.
     */
    public List<Operand<TFloat32>> features(
            Layers layers,
            Operand<TInt32> items,
            Operand<TInt32> categories,
            Operand<TInt32> brands,
            Operand<TInt32> shops) {
        return List.of(
                layers.lookup(item, items),
                layers.lookup(category, categories),
                layers.lookup(brand, brands),
                layers.lookup(shop, shops));
    }

    /**
     * e_u: the user-id embedding plus the embeddings of the profile attributes present. users [B],
     * profiles [B, P] -> [B, U].
     */
    public Operand<TFloat32> userEmbedding(
            Layers layers, Operand<TInt32> users, Operand<TInt32> profiles) {
        Ops tf = layers.tf();
        Operand<TFloat32> present =
                tf.dtypes.cast(tf.math.greater(profiles, tf.constant(0)), TFloat32.class);
        Operand<TFloat32> attributes =
                tf.reduceSum(
                        tf.math.mul(
                                layers.lookup(profile, profiles),
                                tf.expandDims(present, tf.constant(-1))),
                        tf.constant(1));
        return tf.math.add(layers.lookup(user, users), attributes);
    }
}
