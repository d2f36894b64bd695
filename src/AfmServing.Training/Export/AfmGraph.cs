using AfmServing.Training.Model;
using Onnx;
using static AfmServing.Training.Export.OnnxGraphBuilder;
using DataType = Onnx.TensorProto.Types.DataType;

namespace AfmServing.Training.Export;

/// <summary>
/// Builds the ONNX graph of an AFM (or FM) from its parameters. Shapes: N rows, F fields, P pairs, k embedding,
/// t attention. The work is kept in few, large operators that ONNX Runtime runs well on CPU and CUDA:
/// one Gather of the embedding table, two Gathers for the pair sides, one MatMul for the attention MLP,
/// a masked Softmax over the pair axis.
/// </summary>
public static class AfmGraph
{
    /// <summary>Score given to masked pairs before the softmax: exp underflows to exactly 0 for it.</summary>
    public const float MaskedScore = -1e30f;

    public static ModelProto Build(AfmParameters m, string docString = "")
    {
        ArgumentNullException.ThrowIfNull(m);
        int f = m.FieldCount, k = m.EmbeddingSize, t = m.AttentionSize, pairs = m.PairCount;
        var g = new OnnxGraphBuilder(m.UseAttention ? "afm" : "fm");
        g.Input(OnnxContract.IdsInput, DataType.Int64, OnnxContract.BatchDim, f);
        g.Input(OnnxContract.ValuesInput, DataType.Float, OnnxContract.BatchDim, f);

        // Pair sides in DESIGN.md order (0,1),(0,2),…,(F-2,F-1).
        var left = new long[pairs];
        var right = new long[pairs];
        int p = 0;
        for (int i = 0; i < f; i++)
            for (int j = i + 1; j < f; j++, p++)
            {
                left[p] = i;
                right[p] = j;
            }
        g.Int64s("pair_left", left, pairs);
        g.Int64s("pair_right", right, pairs);
        g.Int64s("axis_last", [2], 1);
        g.Int64s("axis_fields", [1], 1);
        g.Floats("embeddings", m.Embeddings, m.TableSize, k);
        g.Floats("linear", m.Linear, m.TableSize);
        g.Floats("bias", m.Bias);
        g.Floats("projection", m.Projection, k);

        string ids = OnnxContract.IdsInput, values = OnnxContract.ValuesInput;

        // e_i = v_i · x_i : [N, F, k]
        g.Node("Unsqueeze", "x3", [values, "axis_last"]);
        g.Node("Gather", "v", ["embeddings", ids], Int("axis", 0));
        g.Node("Mul", "e", ["v", "x3"]);

        // p_ij = e_i ⊙ e_j : [N, P, k]
        g.Node("Gather", "e_left", ["e", "pair_left"], Int("axis", 1));
        g.Node("Gather", "e_right", ["e", "pair_right"], Int("axis", 1));
        g.Node("Mul", "pair_products", ["e_left", "e_right"]);

        // Pairs with x_i·x_j = 0 are masked: [N, P] bool.
        g.Node("Gather", "x_left", [values, "pair_left"], Int("axis", 1));
        g.Node("Gather", "x_right", [values, "pair_right"], Int("axis", 1));
        g.Node("Mul", "x_pair", ["x_left", "x_right"]);
        g.Scalar("zero", 0f);
        g.Node("Equal", "masked", ["x_pair", "zero"]);

        string attention;
        if (m.UseAttention)
        {
            g.Floats("attention_w", m.AttentionW, k, t);
            g.Floats("attention_b", m.AttentionB, t);
            g.Floats("attention_h", m.AttentionH, t);
            g.Scalar("masked_score", MaskedScore);
            // a'_ij = hᵀ ReLU(W p_ij + b); MatMul with a 1-D h yields [N, P] directly.
            g.Node("MatMul", "hidden_linear", ["pair_products", "attention_w"]);
            g.Node("Add", "hidden_biased", ["hidden_linear", "attention_b"]);
            g.Node("Relu", "hidden", ["hidden_biased"]);
            g.Node("MatMul", "score", ["hidden", "attention_h"]);
            // Softmax over the pair axis only, masked pairs at -1e30; Where then zeroes them, so a row with no
            // present pair (uniform softmax over all-masked scores) gets attention 0 and pooled 0.
            g.Node("Where", "score_masked", ["masked", "masked_score", "score"]);
            g.Node("Softmax", "softmax", ["score_masked"], Int("axis", -1));
            attention = g.Node("Where", OnnxContract.AttentionOutput, ["masked", "zero", "softmax"]);
        }
        else
        {
            g.Scalar("one", 1f);
            attention = g.Node("Where", OnnxContract.AttentionOutput, ["masked", "zero", "one"]);
        }

        // pᵀ Σ a_ij p_ij = Σ a_ij (pᵀ p_ij): project each pair first (MatMul with 1-D p gives [N, P]).
        g.Node("MatMul", "pair_projected", ["pair_products", "projection"]);
        g.Node("Mul", "pair_weighted", [attention, "pair_projected"]);
        g.Node("ReduceSum", "interaction", ["pair_weighted", "axis_fields"], Int("keepdims", 0));

        // First-order term Σ w_i x_i : [N].
        g.Node("Gather", "w", ["linear", ids], Int("axis", 0));
        g.Node("Mul", "wx", ["w", values]);
        g.Node("ReduceSum", "first_order", ["wx", "axis_fields"], Int("keepdims", 0));

        g.Node("Add", "first_plus_bias", ["first_order", "bias"]);
        g.Node("Add", OnnxContract.LogitOutput, ["first_plus_bias", "interaction"]);
        g.Node("Sigmoid", OnnxContract.ProbabilityOutput, [OnnxContract.LogitOutput]);

        g.Output(OnnxContract.ProbabilityOutput, DataType.Float, OnnxContract.BatchDim);
        g.Output(OnnxContract.LogitOutput, DataType.Float, OnnxContract.BatchDim);
        g.Output(OnnxContract.AttentionOutput, DataType.Float, OnnxContract.BatchDim, pairs);

        var model = new ModelProto
        {
            IrVersion = OnnxContract.IrVersion,
            ProducerName = "AfmServing",
            ProducerVersion = typeof(AfmGraph).Assembly.GetName().Version?.ToString() ?? "1.0",
            DocString = docString,
            Graph = g.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxContract.Opset });
        return model;
    }
}
