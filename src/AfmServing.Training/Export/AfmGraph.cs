using AfmServing.Training.Model;
using Onnx;
using static AfmServing.Training.Export.OnnxGraphBuilder;
using DataType = Onnx.TensorProto.Types.DataType;

namespace AfmServing.Training.Export;

/// <summary>
/// Builds the ONNX graph of an AFM (or FM) from its parameters. Shapes: N rows, F fields, P pairs, k embedding,
/// t attention. The graph is shaped for few, large operators (docs/PERFORMANCE.md has the measurements):
/// <list type="bullet">
/// <item>one table of rows [v | 1 | w], so a single Gather yields the embeddings, the presence channel x and the
/// first-order term w·x;</item>
/// <item>two Gathers and a Mul form every pair product p_ij (whose presence channel is x_i·x_j);</item>
/// <item>one Gemm of all pair rows with [W | p | -p | s | -s] and bias [b | 0], ReLU fused, then one transposed
/// Gemm with three head rows gives, per pair, the attention score hᵀReLU(W p_ij + b), the projection pᵀp_ij
/// (= ReLU(pᵀp_ij) − ReLU(−pᵀp_ij)) and |x_i·x_j| (s selects the presence channel) in one [3, N·P] tensor;</item>
/// <item>a masked Softmax over the pair axis.</item>
/// </list>
/// </summary>
public static class AfmGraph
{
    /// <summary>Score given to masked pairs before the softmax: exp underflows to exactly 0 for it.</summary>
    public const float MaskedScore = -1e30f;

    private const int Heads = 3;

    public static ModelProto Build(AfmParameters m, string docString = "")
    {
        ArgumentNullException.ThrowIfNull(m);
        int f = m.FieldCount, k = m.EmbeddingSize, pairs = m.PairCount;
        int t = m.UseAttention ? m.AttentionSize : 0;
        int channels = k + 2, presence = k, linear = k + 1;
        int hidden = t + 4;

        var g = new OnnxGraphBuilder(m.UseAttention ? "afm" : "fm");
        g.Input(OnnxContract.IdsInput, DataType.Int64, OnnxContract.BatchDim, f);
        g.Input(OnnxContract.ValuesInput, DataType.Float, OnnxContract.BatchDim, f);
        string ids = OnnxContract.IdsInput, values = OnnxContract.ValuesInput;

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

        g.Floats("table", Table(m), m.TableSize, channels);
        g.Floats("attention_wide", Wide(m, t), channels, hidden);
        g.Floats("attention_wide_bias", WideBias(m, t), hidden);
        g.Floats("attention_heads", HeadRows(m, t), Heads, hidden);
        g.Floats("bias", m.Bias);
        g.Int64s("pair_left", left, pairs);
        g.Int64s("pair_right", right, pairs);
        g.Int64s("axis_last", [2], 1);
        g.Int64s("axis_fields", [1], 1);
        g.Int64s("index_linear", [linear]);
        g.Int64s("shape_pair_rows", [-1, channels], 2);
        g.Int64s("shape_heads", [Heads, -1, pairs], 3);
        g.Int64s("index_projection", [1]);
        g.Int64s("index_presence", [2]);
        g.Scalar("zero", 0f);

        // Row i of e = [v_i·x_i | x_i | w_i·x_i] : [N, F, k + 2].
        g.Node("Unsqueeze", "x3", [values, "axis_last"]);
        g.Node("Gather", "rows", ["table", ids], Int("axis", 0));
        g.Node("Mul", "e", ["rows", "x3"]);

        // Σ_i w_i·x_i : [N].
        // Gather the one channel first: a ReduceSum over the middle axis of all k + 2 channels costs more.
        g.Node("Gather", "wx", ["e", "index_linear"], Int("axis", 2));
        g.Node("ReduceSum", "first_order", ["wx", "axis_fields"], Int("keepdims", 0));

        // Pair rows [p_ij | x_i·x_j | junk] : [N·P, k + 2] (the junk channel meets zero weights).
        g.Node("Gather", "e_left", ["e", "pair_left"], Int("axis", 1));
        g.Node("Gather", "e_right", ["e", "pair_right"], Int("axis", 1));
        g.Node("Mul", "pair_products", ["e_left", "e_right"]);
        g.Node("Reshape", "pair_rows", ["pair_products", "shape_pair_rows"]);

        // Score, projection and |x_i·x_j| per pair : three [N, P] tensors.
        g.Node("Gemm", "hidden_linear", ["pair_rows", "attention_wide", "attention_wide_bias"]);
        g.Node("Relu", "hidden", ["hidden_linear"]);
        g.Node("Gemm", "heads_flat", ["attention_heads", "hidden"], Int("transB", 1));
        g.Node("Reshape", "heads", ["heads_flat", "shape_heads"]);
        g.Node("Gather", "pair_projected", ["heads", "index_projection"], Int("axis", 0));
        g.Node("Gather", "pair_presence", ["heads", "index_presence"], Int("axis", 0));
        g.Node("Equal", "masked", ["pair_presence", "zero"]);

        string attention;
        if (m.UseAttention)
        {
            // Softmax over the pair axis only, masked pairs at -1e30; Where then zeroes them, so a row with no
            // present pair (uniform softmax over all-masked scores) gets attention 0 and pooled 0.
            g.Scalar("masked_score", MaskedScore);
            g.Int64s("index_score", [0]);
            g.Node("Gather", "score", ["heads", "index_score"], Int("axis", 0));
            g.Node("Where", "score_masked", ["masked", "masked_score", "score"]);
            g.Node("Softmax", "softmax", ["score_masked"], Int("axis", -1));
            attention = g.Node("Where", OnnxContract.AttentionOutput, ["masked", "zero", "softmax"]);
        }
        else
        {
            g.Scalar("one", 1f);
            attention = g.Node("Where", OnnxContract.AttentionOutput, ["masked", "zero", "one"]);
        }

        // pᵀ Σ a_ij p_ij = Σ a_ij (pᵀ p_ij).
        g.Node("Mul", "pair_weighted", [attention, "pair_projected"]);
        g.Node("ReduceSum", "interaction", ["pair_weighted", "axis_fields"], Int("keepdims", 0));
        g.Node("Sum", OnnxContract.LogitOutput, ["first_order", "interaction", "bias"]);
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

    /// <summary>[TableSize, k + 2]: row r = [v_r | 1 | w_r].</summary>
    private static float[] Table(AfmParameters m)
    {
        int k = m.EmbeddingSize, c = k + 2;
        var table = new float[m.TableSize * c];
        for (int r = 0; r < m.TableSize; r++)
        {
            Array.Copy(m.Embeddings, r * k, table, r * c, k);
            table[r * c + k] = 1f;
            table[r * c + k + 1] = m.Linear[r];
        }
        return table;
    }

    /// <summary>[k + 2, t + 4]: columns W (t), p, −p, s, −s where s selects the presence channel.</summary>
    private static float[] Wide(AfmParameters m, int t)
    {
        int k = m.EmbeddingSize, h = t + 4;
        var wide = new float[(k + 2) * h];
        for (int d = 0; d < k; d++)
        {
            if (t > 0)
                Array.Copy(m.AttentionW, d * t, wide, d * h, t);
            wide[d * h + t] = m.Projection[d];
            wide[d * h + t + 1] = -m.Projection[d];
        }
        wide[k * h + t + 2] = 1f;
        wide[k * h + t + 3] = -1f;
        return wide;
    }

    private static float[] WideBias(AfmParameters m, int t)
    {
        var bias = new float[t + 4];
        if (t > 0)
            Array.Copy(m.AttentionB, bias, t);
        return bias;
    }

    /// <summary>[3, t + 4]: the score row [h | 0], the projection row [0 | 1 −1 0 0], the presence row [0 | 0 0 1 1].</summary>
    private static float[] HeadRows(AfmParameters m, int t)
    {
        int h = t + 4;
        var heads = new float[Heads * h];
        if (t > 0)
            Array.Copy(m.AttentionH, heads, t);
        heads[h + t] = 1f;
        heads[h + t + 1] = -1f;
        heads[2 * h + t + 2] = 1f;
        heads[2 * h + t + 3] = 1f;
        return heads;
    }
}
