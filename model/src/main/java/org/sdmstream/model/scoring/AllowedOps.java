package org.sdmstream.model.scoring;

import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;

/**
 * The TensorFlow op types a model may contain: those our own exports use (SDM with and without the
 * long-term branch, YouTube-DNN, with their step signatures and savers), plus the resource-variable
 * forms of the same variables that other exporters write. A SavedModel is code that runs with the
 * TaskManager's rights, so a graph with any other op (reading or writing files, calling functions,
 * custom kernels) is refused by name.
 */
public final class AllowedOps {

    /** Kept in sync with our exports by {@code AllowedOpsITCase}. */
    static final Set<String> TYPES =
            Set.of(
                    // graph and arithmetic of the towers
                    "Add",
                    "BatchMatMulV3",
                    "BlockLSTMV2",
                    "Cast",
                    "ConcatV2",
                    "Const",
                    "Div",
                    "Equal",
                    "Exp",
                    "ExpandDims",
                    "Fill",
                    "Floor",
                    "GatherV2",
                    "Greater",
                    "Identity",
                    "Less",
                    "LogicalNot",
                    "MatMul",
                    "Max",
                    "Maximum",
                    "Mul",
                    "NoOp",
                    "OneHot",
                    "Pack",
                    "Placeholder",
                    "PlaceholderWithDefault",
                    "Range",
                    "Relu",
                    "Reshape",
                    "Rsqrt",
                    "SelectV2",
                    "Shape",
                    "Sigmoid",
                    "Slice",
                    "Softmax",
                    "Split",
                    "SplitV",
                    "Square",
                    "StatelessRandomUniform",
                    "Sub",
                    "Sum",
                    "Tanh",
                    "Tile",
                    "Transpose",
                    "Unpack",
                    "ZerosLike",
                    // variables, their initialisers and the saver that restores them
                    "VariableV2",
                    "Assign",
                    "TruncatedNormal",
                    "SaveV2",
                    "RestoreV2",
                    // the same variables as resource variables, as other exporters write them
                    "VarHandleOp",
                    "ReadVariableOp",
                    "AssignVariableOp",
                    "VarIsInitializedOp",
                    "ResourceGather",
                    "MergeV2Checkpoints",
                    "ShardedFilename",
                    "StringJoin");

    private AllowedOps() {}

    /** The op types of {@code graph} that are not allowed, sorted; empty when the graph is fine. */
    public static Set<String> disallowed(Graph graph) {
        Set<String> out = new TreeSet<>();
        for (Iterator<GraphOperation> ops = graph.operations(); ops.hasNext(); ) {
            String type = ops.next().type();
            if (!TYPES.contains(type)) {
                out.add(type);
            }
        }
        return out;
    }
}
